// Reading the header line and the programme lines of a file (RULES §7).
// Each function reports through the FieldChecker of that line; none throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "parser/checks.h"
#include "parser/fields.h"
#include "rules/programme.h"

namespace flexmail::parser {

constexpr int kHeaderFields = 7;
constexpr int kProgrammeFields = 34;
constexpr int kValueFieldOffset = 10;  // hourly values are fields 11..

// " (séparateur « ; »)": appended to field-count messages, since a wrong
// count most often comes from a file cut with another separator.
std::string SeparatorNote(char sep);

// Splits text[0, len) into *fields; a quote error is reported (one
// BAD_FORMAT) and makes the function return false: the positions of the
// fields after it cannot be trusted, so the line is not read further.
bool SplitLine(char* text, size_t len, FieldChecker* check, std::vector<Field>* fields);

// Line 1: 7 fields. *header_day is field 6 when it is a valid date.
void ParseHeaderLine(char* text, size_t len, FieldChecker* check, std::vector<Field>* fields,
                     std::optional<GasDay>* header_day);

// Lines 2..n: 34 fields. Fills *out with what could be read; sets
// out->structurally_valid when nothing on the line was reported.
void ParseProgrammeLine(char* text, size_t len, FieldChecker* check, std::vector<Field>* fields,
                        ProgrammeLine* out);

}  // namespace flexmail::parser
