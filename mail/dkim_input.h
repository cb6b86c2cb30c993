// A received message cut up the way libopendkim takes it: header fields one
// by one (folding kept, no final CRLF) and the body, all with CRLF line
// ends. Bounded: hostile input yields an error, never unbounded work.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flexmail {

struct DkimInput {
  std::vector<std::string> fields;  // "Name: value\r\n\tmore", in order
  std::string body;                 // CRLF line ends
};

// Bare LF becomes CRLF (Maildir stores LF); a lone CR is kept as it is.
std::string ToCrlf(std::string_view raw);

// False with a short reason (printable) when the message is larger than
// 32 MiB, its header is over 1 MiB or 5 000 fields, one field is over
// 64 KiB, or a header line is neither a field nor its continuation.
bool SplitForDkim(std::string_view raw, DkimInput* out, std::string* reason);

// The field's name, as written (before the colon, trailing blanks removed).
std::string_view FieldName(std::string_view field);
bool NameIs(std::string_view field, std::string_view name);  // ASCII case-insensitive

}  // namespace flexmail
