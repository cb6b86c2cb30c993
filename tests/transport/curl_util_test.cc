#include "mail/curl_util.h"

#include <gtest/gtest.h>

#include "tests/transport/transport_test_util.h"

namespace flexmail {
namespace {

// Certificate dates as curl's OpenSSL backend prints them ("Expire date:").
TEST(CurlUtilTest, ParseCertificateTime) {
  Instant t{};
  ASSERT_TRUE(ParseCertificateTime("Jan  1 00:00:00 2027 GMT", &t));
  EXPECT_EQ(FormatUtcIso(t), "2027-01-01T00:00:00.000Z");
  ASSERT_TRUE(ParseCertificateTime(" Dec 13 08:45:59.250 2026 GMT", &t));
  EXPECT_EQ(FormatUtcIso(t), "2026-12-13T08:45:59.000Z");
  for (const char* bad : {"", "2027-01-01", "Jan  1 00:00:00 2027", "Jan  1 00:00:00 2027 GMT x",
                          "Foo  1 00:00:00 2027 GMT"}) {
    EXPECT_FALSE(ParseCertificateTime(bad, &t)) << bad;
  }
}

// Server text is made printable and cut, so a log line stays one bounded line.
TEST(CurlUtilTest, PrintableText) {
  EXPECT_EQ(PrintableText("250 2.0.0 Ok\r\n"), "250 2.0.0 Ok");
  EXPECT_EQ(PrintableText("a\x1b[2Jb\x7f\xc3\xa9"), "a?[2Jb???");
  EXPECT_EQ(PrintableText("line1\nline2\ttab"), "line1 line2 tab");
  const std::string long_text(500, 'x');
  const std::string cut = PrintableText(long_text);
  EXPECT_EQ(cut.size(), kMaxQuotedServerText);
  EXPECT_EQ(cut.substr(cut.size() - 3), "...");
  EXPECT_EQ(PrintableText("abcdef", 5), "ab...");
}

// The collector keeps what fits and makes curl stop at the ceiling instead of growing.
TEST(CurlUtilTest, BoundedSinkStopsTheTransferAtItsCeiling) {
  test::TempDir dir;
  test::WriteFile(dir.path() / "ten", "0123456789");
  const std::string url = "file://" + (dir.path() / "ten").string();
  for (const auto& [ceiling, want_ok] : {std::pair<size_t, bool>{10, true}, {9, false}}) {
    CurlEasy easy;
    ASSERT_TRUE(easy.ok());
    easy.Prepare(CurlCommonOptions{});
    curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
    BoundedSink sink(ceiling);
    sink.AttachBody(easy.get());
    const CURLcode code = curl_easy_perform(easy.get());
    EXPECT_EQ(code == CURLE_OK, want_ok) << ceiling;
    EXPECT_EQ(sink.overflowed(), !want_ok) << ceiling;
    if (want_ok) {
      EXPECT_EQ(sink.data(), "0123456789");
    } else {
      EXPECT_EQ(code, CURLE_WRITE_ERROR);
    }
    EXPECT_LE(sink.data().size(), ceiling);
  }
}

// ServerUrl splits what it can use and refuses credentials.
TEST(CurlUtilTest, ParseServerUrl) {
  ServerUrl u;
  ASSERT_EQ(ParseServerUrl("imaps://127.0.0.1:993/INBOX", &u), "");
  EXPECT_EQ(u.scheme, "imaps");
  EXPECT_EQ(u.authority, "127.0.0.1:993");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.path, "/INBOX");
  ASSERT_EQ(ParseServerUrl("smtp://mail.example.test", &u), "");
  EXPECT_EQ(u.authority, "mail.example.test");
  EXPECT_EQ(ParseServerUrl("smtp://u:p@mail.example.test", &u),
            "the URL must not contain credentials (set username and password instead)");
  EXPECT_EQ(ParseServerUrl("imaps://h/INBOX?x=1", &u),
            "the URL must not have a query or a fragment");
  EXPECT_EQ(ParseServerUrl("not a url", &u), "not a valid URL");
}

// Only RFC 3986's unreserved characters pass; everything else, bytes above
// 0x7f included, becomes %XX in upper case.
TEST(CurlUtilTest, PercentEncode) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a&b=c+d%e f/g"), "a%26b%3Dc%2Bd%25e%20f%2Fg");
  EXPECT_EQ(PercentEncode("D\xc3\xa9" "clarations"), "D%C3%A9clarations");
  EXPECT_EQ(PercentEncode(std::string("\0\n", 2)), "%00%0A");
  EXPECT_EQ(PercentEncode(""), "");
}

// The SASL mechanisms an OAuth2 login may be forced to, in any case.
TEST(CurlUtilTest, CheckSaslMechanism) {
  std::string canonical = "unchanged";
  EXPECT_EQ(CheckSaslMechanism("", &canonical), "");
  EXPECT_EQ(canonical, "");
  EXPECT_EQ(CheckSaslMechanism("xoauth2", &canonical), "");
  EXPECT_EQ(canonical, "XOAUTH2");
  EXPECT_EQ(CheckSaslMechanism("OAuthBearer", &canonical), "");
  EXPECT_EQ(canonical, "OAUTHBEARER");
  EXPECT_EQ(CheckSaslMechanism("PLAIN", &canonical),
            "SASL mechanism 'PLAIN' is not an OAuth2 one (expected XOAUTH2 or OAUTHBEARER)");
}

}  // namespace
}  // namespace flexmail
