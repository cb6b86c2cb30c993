// Turning an attachment's bytes into UTF-8 text (RULES §7).
//
// Shippers' spreadsheets write either UTF-8 (with or without a BOM) or the
// Windows "ANSI" code page; the contract does not say which. A file that is
// valid UTF-8 is taken as UTF-8, anything else as Windows-1252. Pure
// functions; no iconv, no locale.
#pragma once

#include <string>
#include <string_view>

namespace flexmail::parser {

// True when `s` is well-formed UTF-8: no overlong forms, no surrogates,
// nothing above U+10FFFF, no truncated sequence.
bool IsValidUtf8(std::string_view s);

// The code point of the well-formed UTF-8 sequence at s[i] and its length
// in *len; *len is 0 (and the result meaningless) when s[i] does not start
// one. REQUIRES: i < s.size().
char32_t DecodeUtf8At(std::string_view s, size_t i, size_t* len);

// Every byte of `s` read as Windows-1252, written as UTF-8. The five bytes
// the code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) become
// U+FFFD: they carry no meaning, and mapping them to C1 control characters
// would only smuggle invisible characters into site names.
std::string Windows1252ToUtf8(std::string_view s);

// `s` without a leading UTF-8 BOM (EF BB BF), if it has one.
std::string_view StripUtf8Bom(std::string_view s);

// True when `s` starts with a UTF-16 byte order mark (FF FE or FE FF).
bool HasUtf16Bom(std::string_view s);

enum class SourceEncoding { kUtf8, kWindows1252 };

// The text of a file: the BOM dropped, then kept as is when valid UTF-8,
// otherwise decoded from Windows-1252. A BOM followed by invalid UTF-8 is
// still dropped: the bytes after it are decoded as Windows-1252 like any
// other invalid file. Always ends with '\n' unless empty: every line, the
// last included, ends the same way (LineSplitter does not need it; the
// unit tests pin it).
std::string DecodeText(std::string_view bytes, SourceEncoding* encoding = nullptr);

// The same text, without a copy when `bytes` need no change (the common
// case of a UTF-8 file ending with a newline): the result then views
// `bytes`, otherwise `*storage`, which it fills.
std::string_view DecodeTextView(std::string_view bytes, std::string* storage,
                                SourceEncoding* encoding = nullptr);

}  // namespace flexmail::parser
