#include "daemon/subject.h"

#include <regex>

#include "mail/header.h"

namespace flexmail {
namespace {

// Drops reply and forward prefixes that mail clients add ("Re:", "RE :",
// "TR:", "Fwd:", "Fw:", "AW:"), repeatedly.
std::string StripPrefixes(std::string s) {
  static const std::regex prefix(R"(^\s*(re|tr|fwd?|aw|wg)\s*(\[\d+\])?\s*:\s*)",
                                 std::regex::icase);
  std::smatch m;
  while (std::regex_search(s, m, prefix)) s = m.suffix();
  return s;
}

bool KnownSiteLabel(const std::string& name, const Referential& ref) {
  for (const auto& site : ref.sites()) {
    if (EqualsIgnoreCase(site.label, name)) return true;
  }
  return false;
}

}  // namespace

std::optional<Diagnostic> CheckSubject(const std::string& subject, const Referential& ref) {
  // Any dash: '-', en dash, em dash, minus sign.
  static const std::regex form(
      R"(^\[\s*([^\]]+?)\s*\]\s*pr(?:é|e|É|E)visions\s+sfm\s*:\s*(\d\d/\d\d/\d{4})\s*(?:-|–|—|−)\s*(\d\d/\d\d/\d{4})\s*$)",
      std::regex::icase);
  std::string s = StripPrefixes(subject.substr(0, 500));
  std::smatch m;
  if (std::regex_match(s, m, form) && KnownSiteLabel(m[1], ref) &&
      GasDay::ParseFrench(m[2].str()) && GasDay::ParseFrench(m[3].str()))
    return std::nullopt;
  std::string shown = subject;
  if (shown.size() > 120) {
    size_t cut = 120;
    while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
    shown = shown.substr(0, cut) + "…";
  }
  return Diagnostic{Code::SUBJECT_MISMATCH, Severity::kWarning,
                    CodeText(Code::SUBJECT_MISMATCH) + " : trouvé « " + shown + " »", "", 0, 0};
}

}  // namespace flexmail
