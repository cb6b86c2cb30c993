// What a declaration holds once its CSV files are read: the input model the
// parser produces and the rules judge. Nothing here is trusted yet.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/diagnostic.h"
#include "rules/time.h"

namespace flexmail {

using Hourly = std::array<std::optional<double>, kSlotsPerDay>;

// "YYYYMMDD-LIxxxx-<contract>-<version>" (RULES §2).
struct ProgrammeId {
  GasDay day;
  std::string site;
  std::string contract;
  int version = 0;
};
// nullopt when `id` does not have that form; *expected then says what was
// expected (French) when non-null.
std::optional<ProgrammeId> ParseProgrammeId(std::string_view id, std::string* expected = nullptr);
bool IsSiteId(std::string_view s);      // LI + 4 digits
bool IsMeshCode(std::string_view s);    // ME + 4 digits
bool IsContractCode(std::string_view s);  // 1-40 of [A-Za-z0-9._]

// One hourly value as read: a number, an empty field, or something that was
// not a valid value (already reported as BAD_FORMAT by the parser).
struct HourlyField {
  std::optional<double> value;
  bool malformed = false;
};

// One programme line (line 2..n of a file). Fields that could not be read
// are empty/nullopt; the parser has reported why.
struct ProgrammeLine {
  int line = 0;
  std::string raw_id;
  std::optional<ProgrammeId> id;
  std::optional<GasDay> gas_day;  // field 2
  std::string site_id;            // field 3
  std::string site_label;         // field 4
  std::optional<LocalTime> created;  // fields 5-6 (declarationDateTime)
  std::optional<double> tech_qmin;   // field 9
  std::optional<double> tech_qmax;   // field 10
  std::vector<HourlyField> values;   // fields 11.. as found (24 when well formed)
  bool structurally_valid = false;   // no BAD_FORMAT on this line
};

struct DeclarationFile {
  std::string name;                  // as sent; never used as a path
  std::optional<GasDay> name_day;    // from the file name
  std::optional<GasDay> header_day;  // header field 6
  std::vector<ProgrammeLine> programmes;
};

// What the parser hands to the rules: every file, and every diagnostic the
// parser found (BAD_FILE_NAME, BAD_FORMAT, BAD_NUMBER_QUANTITIES).
struct ParsedDeclaration {
  std::vector<DeclarationFile> files;
  std::vector<Diagnostic> diagnostics;
};

}  // namespace flexmail
