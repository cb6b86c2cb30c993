#include "mail/org_domain.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "mail/header.h"
#include "mail/punycode.h"

namespace flexmail {
namespace {

constexpr size_t kMaxDomainBytes = 253;
constexpr std::uintmax_t kMaxListBytes = 16 * 1024 * 1024;

std::string Join(const std::vector<std::string>& labels, size_t from) {
  std::string out;
  for (size_t i = from; i < labels.size(); ++i) {
    if (!out.empty()) out.push_back('.');
    out += labels[i];
  }
  return out;
}

// Lower-cased ASCII labels of a domain; false when it is malformed. One
// trailing dot (the DNS root) is allowed.
bool SplitLabels(std::string_view domain, std::vector<std::string>* labels) {
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  if (domain.empty() || domain.size() > kMaxDomainBytes * 4) return false;
  size_t total = 0;
  while (true) {
    size_t dot = domain.find('.');
    std::string_view raw = domain.substr(0, dot);
    std::string label;
    if (raw.empty() || !LabelToAscii(raw, &label) || label.size() > 63) return false;
    for (char& c : label) {
      c = AsciiLower(c);
      if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
    }
    total += label.size() + 1;
    labels->push_back(std::move(label));
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  return total - 1 <= kMaxDomainBytes;
}

}  // namespace

std::optional<PublicSuffixList> PublicSuffixList::Load(const std::filesystem::path& path,
                                                       std::string* error) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxListBytes) {
    *error = path.string() + ": " + (ec ? ec.message() : "larger than 16 MiB");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    *error = path.string() + ": cannot be read";
    return std::nullopt;
  }
  PublicSuffixList list = FromText(text.str());
  if (list.rule_count() == 0) {
    *error = path.string() + ": no public suffix rule";
    return std::nullopt;
  }
  return list;
}

PublicSuffixList PublicSuffixList::FromText(std::string_view text) {
  PublicSuffixList list;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    list.AddRule(text.substr(0, eol));
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return list;
}

// One line of the list: the rule is its first whitespace-delimited word;
// "//" starts a comment line.
void PublicSuffixList::AddRule(std::string_view line) {
  size_t end = line.find_first_of(" \t\r");
  line = line.substr(0, end);
  if (line.empty() || line.starts_with("//")) return;
  auto* set = &rules_;
  if (line.starts_with("!")) {
    set = &exceptions_;
    line.remove_prefix(1);
  } else if (line.starts_with("*.")) {
    set = &wildcards_;
    line.remove_prefix(2);
  }
  std::vector<std::string> labels;
  if (!SplitLabels(line, &labels)) return;  // also "*" alone: the implicit default
  set->insert(Join(labels, 0));
}

size_t PublicSuffixList::SuffixLabels(const std::vector<std::string>& labels) const {
  const size_t n = labels.size();
  // An exception rule wins over every other: its public suffix is the rule
  // less its leftmost label.
  for (size_t i = 0; i < n; ++i) {
    if (exceptions_.count(Join(labels, i))) return n - i - 1;
  }
  // Otherwise the matching rule with the most labels; "*" (one label) when
  // none matches.
  for (size_t i = 0; i < n; ++i) {
    std::string suffix = Join(labels, i);
    if (rules_.count(suffix)) return n - i;
    if (i + 1 < n && wildcards_.count(Join(labels, i + 1))) return n - i;
  }
  return 1;
}

std::string PublicSuffixList::OrganizationalDomain(std::string_view domain) const {
  std::vector<std::string> labels;
  if (!SplitLabels(domain, &labels)) return {};
  size_t suffix = SuffixLabels(labels);
  size_t org = suffix + 1 <= labels.size() ? suffix + 1 : labels.size();
  return Join(labels, labels.size() - org);
}

bool Aligned(std::string_view a, std::string_view b, const PublicSuffixList& psl) {
  std::string oa = psl.OrganizationalDomain(a);
  return !oa.empty() && oa == psl.OrganizationalDomain(b);
}

}  // namespace flexmail
