// Content-Transfer-Encoding: decoding part bodies exactly, encoding ours.
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

enum class TransferEncoding {
  kIdentity,         // 7bit, 8bit, binary, or no header: the bytes as they are
  kBase64,
  kQuotedPrintable,
  kUnknown,          // e.g. x-uuencode: kept as is, flagged by the caller
};

// From a Content-Transfer-Encoding value (any case, blanks ignored).
TransferEncoding ParseTransferEncoding(std::string_view value);

// Base64 to bytes. Characters outside the alphabet (line breaks included)
// are skipped; a truncated last group yields the bytes it holds. Sets
// *truncated (when given) if the text does not end on a whole group.
std::string DecodeBase64(std::string_view text, bool* truncated = nullptr);

// Quoted-printable to bytes. Soft line breaks ("=" at end of line) vanish,
// "=XX" becomes the byte, hard line breaks stay exactly as written (CRLF or
// LF), blanks the transport may have added at line ends are dropped. A "="
// that starts nothing valid is kept as written.
std::string DecodeQuotedPrintable(std::string_view text);

// Base64 in lines of 76 characters, each ended by CRLF.
std::string EncodeBase64(std::string_view bytes);

// Quoted-printable for UTF-8 text: LF or CRLF line breaks become CRLF hard
// breaks, lines are at most 76 characters (soft breaks), non-ASCII and '='
// are escaped, and so are blanks before a line break and a leading "From "
// or "." that some relays would alter.
std::string EncodeQuotedPrintable(std::string_view text);

}  // namespace flexmail
