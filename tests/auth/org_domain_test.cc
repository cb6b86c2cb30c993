// Organisational domains and relaxed alignment, with a small inline list and
// with Debian's Public Suffix List.
#include "mail/org_domain.h"

#include <gtest/gtest.h>

#include "mail/punycode.h"

namespace flexmail {
namespace {

constexpr std::string_view kSmallList = R"(// ===BEGIN ICANN DOMAINS===
com
uk
co.uk
// wildcard with an exception, as for .ck
*.ck
!www.ck
*.kawasaki.jp
!city.kawasaki.jp
jp
рф
// ===END ICANN DOMAINS===
// ===BEGIN PRIVATE DOMAINS===
github.io
// ===END PRIVATE DOMAINS===
)";

struct OrgCase {
  std::string_view domain;
  std::string_view org;  // empty: malformed
};

const OrgCase kSmallCases[] = {
    {"example.com", "example.com"},
    {"a.b.example.com", "example.com"},
    {"EXAMPLE.Com", "example.com"},
    {"example.com.", "example.com"},           // trailing dot (DNS root)
    {"a.b.example.co.uk", "example.co.uk"},
    {"co.uk", "co.uk"},                          // a public suffix is its own
    {"foo.ck", "foo.ck"},                        // *.ck: foo.ck is a suffix
    {"a.foo.ck", "a.foo.ck"},
    {"www.ck", "www.ck"},                        // !www.ck pierces *.ck
    {"a.b.www.ck", "www.ck"},
    {"x.y.kawasaki.jp", "x.y.kawasaki.jp"},
    {"a.city.kawasaki.jp", "city.kawasaki.jp"},
    {"alice.github.io", "alice.github.io"},      // private section in use
    {"example.unlisted", "example.unlisted"},    // default rule "*"
    {"a.example.xn--p1ai", "example.xn--p1ai"},  // xn-- passes through...
    {"a.example.рф", "example.xn--p1ai"},        // ...and UTF-8 is encoded
    {"A.Example.XN--P1AI", "example.xn--p1ai"},
    {"", ""},
    {".", ""},
    {"a..example.com", ""},
    {".example.com", ""},
    {"exa mple.com", ""},
    {"\xff.com", ""},                            // not UTF-8
    {std::string_view("a\0b.com", 7), ""},
};

TEST(OrgDomain, SmallList) {
  PublicSuffixList psl = PublicSuffixList::FromText(kSmallList);
  for (const OrgCase& c : kSmallCases) {
    EXPECT_EQ(psl.OrganizationalDomain(c.domain), c.org) << c.domain;
  }
}

const OrgCase kDebianCases[] = {
    {"example.com", "example.com"},
    {"mail.engie.example", "engie.example"},
    {"a.b.example.co.uk", "example.co.uk"},
    {"foo.bar.ck", "foo.bar.ck"},
    {"a.www.ck", "www.ck"},
    {"alice.github.io", "alice.github.io"},
    {"a.example.xn--p1ai", "example.xn--p1ai"},
    {"mail.example.com.", "example.com"},
};

TEST(OrgDomain, DebianList) {
  std::string error;
  auto psl = PublicSuffixList::Load(std::string(kDebianPublicSuffixList), &error);
  ASSERT_TRUE(psl.has_value()) << error;
  EXPECT_GT(psl->rule_count(), 5000u);
  for (const OrgCase& c : kDebianCases) {
    EXPECT_EQ(psl->OrganizationalDomain(c.domain), c.org) << c.domain;
  }
}

TEST(OrgDomain, LoadErrors) {
  std::string error;
  EXPECT_FALSE(PublicSuffixList::Load("/nonexistent/list.dat", &error).has_value());
  EXPECT_NE(error.find("/nonexistent/list.dat"), std::string::npos);
  EXPECT_FALSE(PublicSuffixList::Load("/dev/null", &error).has_value());
}

struct AlignCase {
  std::string_view a, b;
  bool aligned;
};

const AlignCase kAlignCases[] = {
    {"engie.example", "engie.example", true},
    {"mail.engie.example", "engie.example", true},       // child / parent
    {"mail.engie.example", "decl.engie.example", true},  // siblings
    {"ENGIE.example.", "engie.EXAMPLE", true},
    {"other.example", "engie.example", false},
    {"engie.example.co.uk", "other.co.uk", false},
    {"co.uk", "example.co.uk", false},
    {"alice.github.io", "bob.github.io", false},
    {"", "", false},
    {"a..b", "a..b", false},
};

TEST(OrgDomain, Aligned) {
  PublicSuffixList psl = PublicSuffixList::FromText(kSmallList);
  for (const AlignCase& c : kAlignCases) {
    EXPECT_EQ(Aligned(c.a, c.b, psl), c.aligned) << c.a << " / " << c.b;
  }
}

TEST(OrgDomain, Punycode) {
  // RFC 3492 §7.1 and IDNA examples.
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"example", "example"},
      {"рф", "xn--p1ai"},
      {"bücher", "xn--bcher-kva"},
      {"münchen", "xn--mnchen-3ya"},
      {"中国", "xn--fiqs8s"},
  };
  for (const auto& [in, want] : cases) {
    std::string out;
    ASSERT_TRUE(LabelToAscii(in, &out)) << in;
    EXPECT_EQ(out, want) << in;
  }
  std::string out;
  EXPECT_FALSE(LabelToAscii("\xc3", &out));          // truncated
  EXPECT_FALSE(LabelToAscii("\xc0\xaf", &out));      // overlong
  EXPECT_FALSE(LabelToAscii("\xed\xa0\x80", &out));  // surrogate
  EXPECT_FALSE(LabelToAscii(std::string(256, 'a'), &out));
}

}  // namespace
}  // namespace flexmail
