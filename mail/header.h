// The header of a MIME entity, read without interpretation.
//
// Values are kept as written (unfolded, trimmed, still RFC 2047-encoded) so
// that parameter decoding sees the raw text. Reading is linear in the header
// size and stops at a line budget shared by all entities of a message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flexmail {

struct HeaderField {
  std::string name;   // as written, e.g. "Content-Type"
  std::string value;  // line breaks of folding removed, outer blanks trimmed
};

struct Header {
  std::vector<HeaderField> fields;

  // The first field called `name` (case-insensitive), or nullptr.
  const HeaderField* Find(std::string_view name) const;
  // How many fields are called `name`.
  size_t Count(std::string_view name) const;
};

// Reads the header at the start of `entity` into *out and sets *body_offset
// to where the body starts. The header ends at an empty line, at the end of
// input, or at the first line that is neither a field nor a continuation (as
// Postfix does: that line is the start of the body). An mbox "From " line at
// the very start is skipped. Lines end with LF or CRLF.
//
// Each physical line adds one to *lines_used; when it would exceed
// `max_lines`, reading stops and false is returned (the fields read so far
// are kept). REQUIRES: out, body_offset and lines_used are not null.
bool ReadHeader(std::string_view entity, size_t max_lines, size_t* lines_used, Header* out,
                size_t* body_offset);

// True when `type` has the RFC 2045 form "type/subtype": two non-empty
// tokens (no blanks, controls or tspecials) around one '/'.
bool IsMimeTypeToken(std::string_view type);

// True for names equal up to ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// ASCII letters lowered; every other byte (UTF-8 included) kept.
char AsciiLower(char c);
std::string AsciiLower(std::string_view s);

// The well-formed message ids "<left@right>" of a Message-ID, In-Reply-To
// or References text, in order: both sides non-empty, printable ASCII
// without space, quote, backslash, brackets or a second "@", at most 250
// characters each. Anything else (comments, folded-in text, a forged
// "Bcc:") is dropped. At most `max` are returned.
std::vector<std::string> MessageIdTokens(std::string_view text, size_t max);

}  // namespace flexmail
