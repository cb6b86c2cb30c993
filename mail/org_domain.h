// Organisational domains (DMARC, RFC 7489 §3.2) from the Public Suffix List,
// for relaxed alignment: a DKIM d= of mail.engie.example speaks for a From
// of engie.example because both belong to the organisation engie.example.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace flexmail {

// Where Debian's `publicsuffix` package installs the list.
inline constexpr std::string_view kDebianPublicSuffixList =
    "/usr/share/publicsuffix/public_suffix_list.dat";

// A Public Suffix List in publicsuffix.org's format, parsed once. Both the
// ICANN and the private sections are used, as OpenDMARC and libpsl do: the
// private rules keep the tenants of shared hosting (user.github.io) apart,
// which is the safe direction for authentication. Rules are held in ASCII
// (xn--) form; lookups take ASCII or UTF-8 domains.
class PublicSuffixList {
 public:
  // Reads a list file (at most 16 MiB). nullopt with *error when the file
  // cannot be read or holds no rule.
  static std::optional<PublicSuffixList> Load(const std::filesystem::path& path,
                                              std::string* error);
  // A list given inline (tests, embedded lists). Bad lines are skipped.
  static PublicSuffixList FromText(std::string_view text);

  // The organisational domain: the public suffix plus one label, lower-cased
  // and without a trailing dot, e.g. a.b.example.co.uk -> example.co.uk. A
  // domain that is itself a public suffix is its own organisational domain
  // (as OpenDMARC does), so only an identical domain aligns with it. Empty
  // for a malformed domain (empty label, over 253 bytes, bad UTF-8).
  std::string OrganizationalDomain(std::string_view domain) const;

  size_t rule_count() const { return rules_.size() + wildcards_.size() + exceptions_.size(); }

 private:
  void AddRule(std::string_view line);
  // The number of labels of the public suffix of `labels` (ASCII, lower).
  size_t SuffixLabels(const std::vector<std::string>& labels) const;

  std::unordered_set<std::string> rules_;       // "co.uk"
  std::unordered_set<std::string> wildcards_;   // "ck" for "*.ck"
  std::unordered_set<std::string> exceptions_;  // "www.ck" for "!www.ck"
};

// True when a and b (domains, any case, trailing dot or not) have the same
// non-empty organisational domain: DMARC relaxed alignment.
bool Aligned(std::string_view a, std::string_view b, const PublicSuffixList& psl);

}  // namespace flexmail
