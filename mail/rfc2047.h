// RFC 2047 encoded words ("=?utf-8?Q?Pr=C3=A9visions?="), both ways.
//
// Decoding is lenient where real clients are sloppy and strict where guessing
// would corrupt text: words glued to other text, over-long words and missing
// base64 padding are decoded; a word that does not parse is kept as written.
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

// Decodes every encoded word in `text` (B and Q encodings, any iconv charset,
// with an optional RFC 2231 "*lang" suffix) and returns UTF-8. Whitespace
// between two adjacent encoded words is dropped, and adjacent words in the
// same charset are joined before conversion, so a character split across two
// words survives. Text outside encoded words is kept, invalid UTF-8 replaced.
//
// Sets *unknown_charset (when given) if some word named a charset iconv does
// not know; that word's bytes are then read as Latin-1.
//
// Works on a quoted parameter value too: the non-standard
// filename="=?utf-8?B?...?=" of Outlook and Gmail is decoded the same way.
std::string DecodeRfc2047(std::string_view text, bool* unknown_charset = nullptr);

// Encodes UTF-8 `text` as "utf-8" Q encoded words for an unstructured field
// (Subject) or a display name. Words are at most 75 characters and split only
// between characters; they are joined by CRLF SP so that no line exceeds 78
// characters, given that the field's first line already holds
// `first_line_used` characters (e.g. 9 for "Subject: ").
std::string EncodeRfc2047(std::string_view text, size_t first_line_used);

// True when `text` can go into a header as is: printable ASCII and spaces
// only, and no "=?" that a reader would take for an encoded word.
bool IsPlainHeaderText(std::string_view text);

}  // namespace flexmail
