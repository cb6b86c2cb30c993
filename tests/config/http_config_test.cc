// [http]: off when absent, the listen address read as given, and the
// located message a malformed address gets.
#include <string>

#include <gtest/gtest.h>

#include "config/config.h"
#include "tests/config/good_config.h"

namespace flexmail {
namespace {

std::string WithHttp(const std::string& listen) {
  return std::string(kGoodConfig) + "\n[http]\nlisten = \"" + listen + "\"\n";
}

TEST(HttpConfig, OffWhenAbsent) {
  // Given no [http] section, the console should be off (an empty listen address).
  Config c;
  ASSERT_TRUE(ParseConfig(std::string(kGoodConfig), "flexmail.toml", "", &c).ok());
  EXPECT_EQ(c.http.listen, "");
}

TEST(HttpConfig, ReadsIpv4AndIpv6Addresses) {
  // Given an IPv4 or a bracketed IPv6 listen address, it should be kept as written.
  for (const std::string listen : {"127.0.0.1:8025", "[::1]:8025", "0.0.0.0:0", "[fe80::1:2]:80"}) {
    Config c;
    Status s = ParseConfig(WithHttp(listen), "flexmail.toml", "", &c);
    ASSERT_TRUE(s.ok()) << listen << ": " << s.ToString();
    EXPECT_EQ(c.http.listen, listen);
  }
}

TEST(HttpConfig, RefusesMalformedAddressesNamingTheKey) {
  // Given a listen address that is not host:port, loading should fail naming http.listen and the value.
  for (const std::string listen :
       {"localhost:8025", "127.0.0.1", "127.0.0.1:", "127.0.0.256:80", "::1:8025",
        "127.0.0.1:65536", "[::1]", "1.2.3:80", "[::1::2]:80"}) {
    Config c;
    Status s = ParseConfig(WithHttp(listen), "flexmail.toml", "", &c);
    ASSERT_EQ(s.kind(), Status::Kind::kInvalidInput) << listen;
    EXPECT_NE(s.message().find("http.listen = \"" + listen +
                               "\": expected an IPv4 address or an [IPv6] one, then :port"),
              std::string::npos)
        << s.message();
  }
}

TEST(HttpConfig, RequiresListenInTheSection) {
  // Given an empty [http] section, loading should fail: the key is required.
  Config c;
  Status s = ParseConfig(std::string(kGoodConfig) + "\n[http]\n", "flexmail.toml", "", &c);
  EXPECT_NE(s.message().find("http.listen: required key is missing"), std::string::npos)
      << s.message();
}

TEST(HttpConfig, SplitsHostAndPort) {
  // Given listen addresses, the host should lose its brackets and the port be read.
  std::string host;
  int port = -1;
  ASSERT_TRUE(SplitListenAddress("[::1]:8025", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 8025);
  ASSERT_TRUE(SplitListenAddress("127.0.0.1:0", &host, &port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 0);
}

}  // namespace
}  // namespace flexmail
