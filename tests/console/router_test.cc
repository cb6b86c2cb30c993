// Router::Handle without the network: methods, unknown paths, long query
// strings, HEAD and the headers every response carries.
#include <stdlib.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "console/http.h"

namespace flexmail {
namespace {

std::string Header(const HttpResponse& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return "";
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router.Add("/", [](const ConsoleContext&, const HttpRequest&) {
      HttpResponse r;
      r.body = "root";
      return r;
    });
    router.AddPrefix("/sites/", [](const ConsoleContext&, const HttpRequest& req) {
      HttpResponse r;
      r.body = "site " + req.path;
      return r;
    });
  }
  HttpResponse Run(const std::string& method, const std::string& path, std::size_t query = 0) {
    HttpRequest req{method, path, {}, query};
    ConsoleContext ctx{config, *ledger, Instant{}};
    return router.Handle(ctx, req);
  }
  void SetUp() override {
    char tmpl[] = "/tmp/flexmail-router-XXXXXX";
    dir = mkdtemp(tmpl);
    ASSERT_TRUE(Ledger::Open(dir + "/l.db", &ledger).ok());
  }
  void TearDown() override {
    ledger.reset();
    std::filesystem::remove_all(dir);
  }
  Router router;
  Config config;
  std::string dir;
  std::unique_ptr<Ledger> ledger;
};

TEST_F(RouterTest, PostIsRefusedWithAllow) {
  // Given a POST, the router should answer 405 naming the methods it allows.
  HttpResponse r = Run("POST", "/");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Header(r, "Allow"), "GET, HEAD");
  EXPECT_EQ(Run("DELETE", "/sites/x").status, 405);
}

TEST_F(RouterTest, UnknownPathIsA404Page) {
  // Given a path no page has, the answer should be a 404 HTML page naming it, escaped.
  HttpResponse r = Run("GET", "/nope<b>");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("/nope&lt;b&gt;"), std::string::npos);
}

TEST_F(RouterTest, PrefixPagesGetTheWholePath) {
  // Given a path under a registered prefix, that page should answer with the whole path.
  HttpResponse r = Run("GET", "/sites/LI0001/2026-12-03");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "site /sites/LI0001/2026-12-03");
}

TEST_F(RouterTest, LongQueryIsRejected) {
  // Given a query string over 2 KiB, the router should refuse with 414; at 2 KiB it should serve.
  EXPECT_EQ(Run("GET", "/", kMaxQueryBytes + 1).status, 414);
  EXPECT_EQ(Run("GET", "/", kMaxQueryBytes).status, 200);
}

TEST_F(RouterTest, HeadHasNoBody) {
  // Given HEAD, the page should run but the body be dropped.
  HttpResponse r = Run("HEAD", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
}

TEST_F(RouterTest, EveryResponseCarriesTheSecurityHeaders) {
  // Given any answer, even an error, the CSP, nosniff and no-store headers should be set.
  for (const HttpResponse& r : {Run("GET", "/"), Run("GET", "/x"), Run("PUT", "/")}) {
    EXPECT_EQ(Header(r, "Content-Security-Policy"),
              "default-src 'none'; style-src 'self'; img-src 'self'");
    EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(Header(r, "Cache-Control"), "no-store");
  }
}

}  // namespace
}  // namespace flexmail
