// SHA-256 (FIPS 180-4), enough to fingerprint the files a declaration
// carried so an operator can prove what was received. Not constant time and
// not meant for secrets.
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

// 64 lowercase hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace flexmail
