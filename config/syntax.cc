#include "config/syntax.h"

#include "rules/indicators.h"
#include "rules/programme.h"

namespace flexmail::cfg {
namespace {

// Characters that never belong in a bare address; catching them here turns
// a pasted "Name <a@b.example>" or "a@b.example, c@d.example" into an error
// at start rather than a sender that silently never matches.
bool Forbidden(unsigned char c) {
  if (c <= 0x20 || c == 0x7f) return true;
  for (char f : std::string_view("<>()[]\\,;:\"")) {
    if (c == static_cast<unsigned char>(f)) return true;
  }
  return false;
}

bool IsDomain(std::string_view d) {
  if (d.empty() || d.find('.') == std::string_view::npos) return false;
  if (d.front() == '.' || d.back() == '.' || d.find("..") != std::string_view::npos) return false;
  for (unsigned char c : d) {
    if (Forbidden(c) || c == '@') return false;
  }
  return true;
}

}  // namespace

bool IsMailAddress(std::string_view s) {
  size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  for (unsigned char c : s.substr(0, at)) {
    if (Forbidden(c)) return false;
  }
  return IsDomain(s.substr(at + 1));
}

bool IsMailDomainPattern(std::string_view s) {
  return !s.empty() && s.front() == '@' && IsDomain(s.substr(1));
}

const char* SiteIdSyntax(std::string_view s) {
  return IsSiteId(s) ? nullptr : "expected LI and 4 digits";
}

const char* MeshCodeSyntax(std::string_view s) {
  return IsMeshCode(s) ? nullptr : "expected ME and 4 digits";
}

const char* ContractCodeSyntax(std::string_view s) {
  return IsContractCode(s) ? nullptr : "expected 1 to 40 characters among A-Z a-z 0-9 . _";
}

const char* AddressSyntax(std::string_view s) {
  return IsMailAddress(s) ? nullptr : "expected an address local@domain.example";
}

const char* SenderSyntax(std::string_view s) {
  return IsMailAddress(s) || IsMailDomainPattern(s)
             ? nullptr
             : "expected an address local@domain.example or a domain @domain.example";
}

const char* LightSyntax(std::string_view s) {
  Light l;
  return ParseLight(s, &l) ? nullptr : "expected GREEN, RED or GREY";
}

}  // namespace flexmail::cfg
