// Writing header fields for the messages we send: folding, MIME parameters.
//
// Everything written here is ASCII with CRLF line ends, folded at 78
// characters where the text allows it, and never holds a CR or LF of its
// own: values are cleaned before they are laid out.
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

// "Name: value\r\n" with the value folded at blanks so that lines stay
// within 78 characters (a single word longer than a line stays whole).
// `value` must be printable ASCII; other characters are dropped.
std::string FoldField(std::string_view name, std::string_view value);

// "Name: text\r\n" for unstructured text (Subject): as is when plain ASCII,
// else RFC 2047 encoded words. Controls become spaces.
std::string TextField(std::string_view name, std::string_view utf8_text);

// Appends "; name=value" to `field` (a header field being built, without its
// final CRLF), folding before the parameter when the line would pass 78
// characters. ASCII values are quoted; other values use RFC 2231
// (name*=utf-8''%C3%A9...), split into continuations name*0*, name*1*...
// when too long for one line.
void AppendParam(std::string* field, std::string_view name, std::string_view utf8_value);

// Only printable ASCII of `v` (ids, addresses, dates).
std::string KeepPrintableAscii(std::string_view v);

}  // namespace flexmail
