// Punycode (RFC 3492) for domain labels, so that the Public Suffix List's
// UTF-8 rules and the ASCII (xn--) labels DKIM and DNS use compare alike.
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

// The ASCII form of one domain label: itself when it is all ASCII, else
// "xn--" followed by the Punycode of its code points. No Unicode
// normalisation or case mapping (the list is already in lower-case NFC).
// False for invalid UTF-8 or a label longer than 255 bytes.
bool LabelToAscii(std::string_view label, std::string* out);

}  // namespace flexmail
