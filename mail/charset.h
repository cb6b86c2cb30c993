// Charset conversion for text taken from mail headers and MIME parameters.
//
// Every function here returns valid UTF-8, whatever the input: bytes that
// cannot be decoded become U+FFFD, so callers never carry broken text into
// logs, the database or a reply. Conversions go through glibc's iconv; each
// call opens its own descriptor, so everything is thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

// Converts `bytes` labelled `charset` (a MIME charset name in any case,
// optionally with an RFC 2231 "*language" suffix) to UTF-8. Undecodable or
// truncated sequences become U+FFFD.
//
// Labels ISO-8859-1/Latin-1 are read as Windows-1252, their superset in
// practice (WHATWG Encoding): mail clients label cp1252 text that way. An
// empty label, US-ASCII and UTF-8 are read as UTF-8.
//
// Returns false when iconv does not know `charset`: `out` then holds the
// bytes read as Latin-1, so nothing is lost and the caller can mark the text.
bool ConvertToUtf8(std::string_view bytes, std::string_view charset, std::string* out);

// `bytes` with each byte that does not begin a well-formed UTF-8 sequence
// (overlong forms, surrogates and values above U+10FFFF included) replaced by
// U+FFFD.
std::string SanitizeUtf8(std::string_view bytes);

// Each byte as the code point of the same value.
std::string Latin1ToUtf8(std::string_view bytes);

// Header text made safe to show and to put back into a header: TAB, CR and LF
// become spaces (no header injection when a subject is echoed), other C0
// controls and DEL become U+FFFD. REQUIRES: `utf8` is valid UTF-8.
std::string ReplaceControls(std::string_view utf8);

// The length of the longest prefix of `utf8` of at most max_bytes that
// does not cut a character in two. REQUIRES: `utf8` is valid UTF-8.
size_t Utf8Prefix(std::string_view utf8, size_t max_bytes);

// Appends code point `cp` encoded as UTF-8. REQUIRES: cp is a scalar value.
void AppendUtf8(char32_t cp, std::string* out);

// Length in bytes of the well-formed UTF-8 sequence starting at s[i], or 0
// when s[i] does not start one.
size_t Utf8SequenceLength(std::string_view s, size_t i);

}  // namespace flexmail
