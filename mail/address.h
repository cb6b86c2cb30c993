// Reading the one mailbox of a From (or Sender) field.
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

struct ParsedMailbox {
  std::string local_part;    // as written
  std::string domain;        // ASCII letters lower-cased; empty when absent
  std::string display_name;  // RFC 2047 decoded, quotes removed, UTF-8

  // "local@domain", or empty when there is no domain.
  std::string Address() const;
};

// Parses a field value that must hold exactly one mailbox, such as
// `"Dupont, Jean" <jean@ENGIE.example>` or `ops@engie.example (Ops)`.
// False for zero or several mailboxes, a group, an empty local part, a
// value longer than 4 KiB, or control characters in the address.
bool ParseSingleMailbox(std::string_view value, ParsedMailbox* out);

}  // namespace flexmail
