#include "rules/programme.h"

#include <cctype>
#include <charconv>

namespace flexmail {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool PrefixAndDigits(std::string_view s, std::string_view prefix, size_t digits) {
  return s.size() == prefix.size() + digits && s.substr(0, prefix.size()) == prefix &&
         AllDigits(s.substr(prefix.size()));
}

void SetExpected(std::string* expected, const char* text) {
  if (expected) *expected = text;
}

}  // namespace

bool IsSiteId(std::string_view s) { return PrefixAndDigits(s, "LI", 4); }
bool IsMeshCode(std::string_view s) { return PrefixAndDigits(s, "ME", 4); }

bool IsContractCode(std::string_view s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_') return false;
  }
  return true;
}

std::optional<ProgrammeId> ParseProgrammeId(std::string_view id, std::string* expected) {
  // YYYYMMDD-LIxxxx-<contract>-<version>: the contract is everything
  // between the site and the last '-'.
  auto last = id.rfind('-');
  if (id.size() < 17 || id[8] != '-' || id[15] != '-' || last == std::string_view::npos ||
      last <= 15) {
    SetExpected(expected, "un identifiant AAAAMMJJ-LIxxxx-<contrat>-<version>");
    return std::nullopt;
  }
  ProgrammeId out;
  auto day = GasDay::ParseCompact(id.substr(0, 8));
  if (!day) {
    SetExpected(expected, "une date AAAAMMJJ valide en tête de l'identifiant");
    return std::nullopt;
  }
  out.day = *day;
  out.site = std::string(id.substr(9, 6));
  if (!IsSiteId(out.site)) {
    SetExpected(expected, "un code site LI suivi de 4 chiffres dans l'identifiant");
    return std::nullopt;
  }
  out.contract = std::string(id.substr(16, last - 16));
  if (!IsContractCode(out.contract)) {
    SetExpected(expected, "un code contrat de 1 à 40 caractères [A-Za-z0-9._] dans l'identifiant");
    return std::nullopt;
  }
  std::string_view version = id.substr(last + 1);
  auto r = std::from_chars(version.data(), version.data() + version.size(), out.version);
  if (!AllDigits(version) || r.ec != std::errc() || out.version <= 0) {
    SetExpected(expected, "un numéro de version entier positif en fin d'identifiant");
    return std::nullopt;
  }
  return out;
}

}  // namespace flexmail
