#include "mail/canary.h"

#include <gtest/gtest.h>

#include <string>

namespace flexmail {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef-canary-secret";

CanaryProbe Probe() { return CanaryProbe{"5f2c9a0e8d7b4c31a6e9f0b2d4c8e1a7", 1796291400123}; }

std::string GoodHeader() { return MakeCanaryHeader(Probe(), kSecret); }

// The MAC part of a good header.
std::string GoodMac() { return GoodHeader().substr(GoodHeader().find("mac=") + 4); }

TEST(CanaryHeaderTest, MadeHeaderHasTheDocumentedShape) {
  // Given a probe, the header names its id and time, then 64 lower-case hex digits.
  const std::string h = GoodHeader();
  EXPECT_EQ(h.substr(0, h.find("mac=")), "5f2c9a0e8d7b4c31a6e9f0b2d4c8e1a7; t=1796291400123; ");
  EXPECT_EQ(GoodMac().size(), 64u);
  EXPECT_EQ(GoodMac().find_first_not_of("0123456789abcdef"), std::string::npos);
}

struct Case {
  const char* name;
  std::string value;
  std::string secret;
  bool valid;
};

std::vector<Case> Cases() {
  const std::string id = "5f2c9a0e8d7b4c31a6e9f0b2d4c8e1a7";
  const std::string mac = GoodMac();
  std::string upper = mac;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string wrong = mac;
  wrong[10] = wrong[10] == '0' ? '1' : '0';
  const std::string s(kSecret);
  return {
      {"good", GoodHeader(), s, true},
      {"upper_case_mac", id + "; t=1796291400123; mac=" + upper, s, true},
      {"extra_spaces", "  " + id + " ;\tt = 1796291400123 ;  mac=  " + mac + "  ", s, true},
      {"no_spaces", id + ";t=1796291400123;mac=" + mac, s, true},
      {"wrong_mac", id + "; t=1796291400123; mac=" + wrong, s, false},
      {"wrong_secret", GoodHeader(), s + "x", false},
      {"empty_secret", GoodHeader(), "", false},
      {"time_changed", id + "; t=1796291400124; mac=" + mac, s, false},
      {"id_changed", "6f2c9a0e8d7b4c31a6e9f0b2d4c8e1a7; t=1796291400123; mac=" + mac, s, false},
      {"truncated_mac", GoodHeader().substr(0, GoodHeader().size() - 1), s, false},
      {"truncated_before_mac", id + "; t=1796291400123", s, false},
      {"id_only", id, s, false},
      {"empty", "", s, false},
      {"missing_mac_value", id + "; t=1796291400123; mac=", s, false},
      {"mac_not_hex", id + "; t=1796291400123; mac=" + std::string(64, 'g'), s, false},
      {"parts_swapped", id + "; mac=" + mac + "; t=1796291400123", s, false},
      {"extra_part", GoodHeader() + "; x=1", s, false},
      {"space_inside_id", "5f2c9a0e 8d7b4c31a6e9f0b2d4c8e1a7; t=1796291400123; mac=" + mac, s,
       false},
      {"negative_time", id + "; t=-1796291400123; mac=" + mac, s, false},
      {"huge_header", GoodHeader() + std::string(100000, ' '), s, false},
      {"huge_id", std::string(5000, 'a') + "; t=1; mac=" + mac, s, false},
  };
}

class CanaryVerifyTest : public ::testing::TestWithParam<Case> {};

TEST_P(CanaryVerifyTest, AcceptsOnlyTheGenuineMac) {
  // Given a header value and a secret, it verifies exactly when it is ours, untouched.
  const Case& c = GetParam();
  CanaryProbe out;
  EXPECT_EQ(VerifyCanaryHeader(c.value, c.secret, &out), c.valid);
  if (c.valid) {
    EXPECT_EQ(out.id, Probe().id);
    EXPECT_EQ(out.sent_unix_ms, Probe().sent_unix_ms);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, CanaryVerifyTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CanaryFindTest, FindsTheProbeInAMessageHeader) {
  // Given a message with one probe header (folded), the probe is found; with two, none is.
  const std::string h = GoodHeader();
  const std::string folded = h.substr(0, h.find("mac=")) + "\r\n mac=" + GoodMac();
  const std::string raw = "From: flexmail@operator.example\r\nX-Flexmail-Canary: " + folded +
                          "\r\nSubject: probe\r\n\r\nbody\r\n";
  CanaryProbe out;
  ASSERT_TRUE(FindCanaryProbe(raw, kSecret, &out));
  EXPECT_EQ(out.id, Probe().id);
  const std::string twice = "X-Flexmail-Canary: " + h + "\r\n" + raw;
  EXPECT_FALSE(FindCanaryProbe(twice, kSecret, &out));
  EXPECT_FALSE(FindCanaryProbe("Subject: x\r\n\r\nX-Flexmail-Canary: " + h + "\r\n", kSecret, &out));
}

TEST(CanaryIdTest, ProbeIdsAreShortLowerCaseTokens) {
  // Given candidate ids, only 8..64 characters of [0-9a-z-] are usable.
  EXPECT_TRUE(IsCanaryProbeId("abcdef12"));
  EXPECT_TRUE(IsCanaryProbeId(std::string(64, 'a')));
  EXPECT_FALSE(IsCanaryProbeId("abcdef1"));
  EXPECT_FALSE(IsCanaryProbeId(std::string(65, 'a')));
  EXPECT_FALSE(IsCanaryProbeId("ABCDEF12"));
  EXPECT_FALSE(IsCanaryProbeId("abcd;ef12"));
}

}  // namespace
}  // namespace flexmail
