// CurlTokenEndpoint without a token service: the URLs it refuses, and how
// it reports a service it cannot reach or cannot trust.
#include "mail/token_endpoint.h"

#include <gtest/gtest.h>

#include "mail/oauth2.h"
#include "tests/transport/scripted_server.h"

namespace flexmail {
namespace {

struct UrlCase {
  const char* url;
  std::string expected;
};

// Only https:// URLs without credentials or fragment; a URL with
// credentials is not repeated.
TEST(CurlTokenEndpoint, RefusesUnusableUrls) {
  const std::vector<UrlCase> cases = {
      {"http://login.example.com/token",
       "oauth2.token_url \"http://login.example.com/token\" is not https://"},
      {"login.example.com/token", "oauth2.token_url \"login.example.com/token\" is not a URL"},
      {"", "is not a URL"},
      {"https://app:hunter2@login.example.com/token",
       "oauth2.token_url must not contain credentials"},
      {"https://login.example.com/token#x", "has a #fragment"},
      {"imaps://login.example.com/token", "is not https://"},
  };
  for (const UrlCase& c : cases) {
    std::unique_ptr<TokenEndpoint> endpoint;
    Status s = CurlTokenEndpoint::Create(
        {c.url, "", std::chrono::seconds(5), std::chrono::seconds(5)}, &endpoint);
    EXPECT_EQ(s.kind(), Status::Kind::kPermanent) << c.url;
    EXPECT_NE(s.message().find(c.expected), std::string::npos) << c.url << ": " << s.message();
    EXPECT_EQ(s.message().find("hunter2"), std::string::npos) << s.message();
    EXPECT_EQ(endpoint, nullptr);
  }
  std::unique_ptr<TokenEndpoint> endpoint;
  EXPECT_TRUE(CurlTokenEndpoint::Create({"https://login.example.com/t/oauth2/v2.0/token?x=1", "",
                                         std::chrono::seconds(5), std::chrono::seconds(5)},
                                        &endpoint)
                  .ok());
}

// Nobody listening: transient, "unreachable".
TEST(CurlTokenEndpoint, UnreachableIsTransient) {
  std::unique_ptr<TokenEndpoint> endpoint;
  ASSERT_TRUE(CurlTokenEndpoint::Create({"https://127.0.0.1:1/token", "", std::chrono::seconds(5),
                                         std::chrono::seconds(5)},
                                        &endpoint)
                  .ok());
  HttpAnswer a = endpoint->Post("grant_type=client_credentials");
  EXPECT_EQ(a.transport.kind(), Status::Kind::kTransient);
  EXPECT_EQ(a.transport.message().rfind("token service unreachable: ", 0), 0u)
      << a.transport.message();
}

// A server that does not speak TLS: permanent, naming the CA in use and
// the key to check.
TEST(CurlTokenEndpoint, TlsFailureNamesTheCaFile) {
  test::ScriptedServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                              [](const std::string&) { return std::string(); });
  std::unique_ptr<TokenEndpoint> endpoint;
  ASSERT_TRUE(
      CurlTokenEndpoint::Create({"https://127.0.0.1:" + std::to_string(server.port()) + "/token",
                                 "", std::chrono::seconds(5), std::chrono::seconds(5)},
                                &endpoint)
          .ok());
  HttpAnswer a = endpoint->Post("grant_type=client_credentials");
  EXPECT_EQ(a.transport.kind(), Status::Kind::kPermanent) << a.transport.ToString();
  EXPECT_NE(a.transport.message().find("127.0.0.1"), std::string::npos) << a.transport.message();
  EXPECT_NE(a.transport.message().find("(the system CA bundle)"), std::string::npos)
      << a.transport.message();
  EXPECT_NE(a.transport.message().find("(check oauth2.ca_file)"), std::string::npos)
      << a.transport.message();
}

// The factory checks the URL at start-up, before any request.
TEST(MakeTokenSource, RefusesAPlainHttpTokenUrl) {
  OAuth2Options o;
  o.token_url = "http://login.example.com/token";
  o.client_id = "app";
  o.client_secret = "s";
  std::shared_ptr<TokenSource> source;
  Status s = MakeTokenSource(o, "", &source);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_NE(s.message().find("oauth2.token_url \"http://login.example.com/token\" is not https://"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(source, nullptr);
}

}  // namespace
}  // namespace flexmail
