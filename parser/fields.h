// Cutting one CSV line into fields (RULES §7).
//
// Separator ';' or ','; a field may be double-quoted, a doubled "" inside
// quotes is one quote; spaces and tabs around a field are trimmed (inside
// quotes they are content). A quote that does not open a field is an
// ordinary character. No allocation per field: fields are views into the
// line, which quoted fields are unescaped into in place.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace flexmail::parser {

struct Field {
  std::string_view text;  // trimmed, unquoted, unescaped
  bool quoted = false;
};

enum class SplitError {
  kNone,
  kUnterminatedQuote,  // an opening quote with no closing one on the line
  kTextAfterQuote,     // something other than blanks after a closing quote
};

struct SplitResult {
  SplitError error = SplitError::kNone;
  int error_field = 0;        // 1-based field of the error
  std::string_view trailing;  // kTextAfterQuote: the text found after the quote
};

// Splits line[0, len) into *fields (cleared first; its capacity is reused).
// Rewrites the line in place when unescaping quotes. On error, *fields holds
// the fields before the faulty one.
SplitResult SplitFields(char* line, size_t len, char sep, std::vector<Field>* fields);

// One trailing empty, unquoted field (a line ending with the separator) is
// tolerated, but only when the line has more fields than `expected`: a
// programme line whose 24th value is empty also ends with the separator,
// and that empty value must stay a value.
void DropTolerableTrailingField(std::vector<Field>* fields, size_t expected);

// True when the line holds nothing but spaces, tabs and, when `sep` is not
// '\0', separators: a spreadsheet's idea of an empty row.
bool IsBlankLine(std::string_view line, char sep);

// ',' when the header line holds no ';' and at least one ',', else ';'.
char DetectSeparator(std::string_view header_line);

}  // namespace flexmail::parser
