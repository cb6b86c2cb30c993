// The mail test stack in OAuth2 mode: tokens from its token service log in to
// the real Dovecot (IMAPS) and Postfix (SMTP submission after STARTTLS) with
// SASL XOAUTH2 and OAUTHBEARER, checked by introspection at every login, as
// libcurl (the daemon's transport) sends them.
//
// libcurl, not the curl command line: curl 7.88's --oauth2-bearer also sets
// CURLAUTH_BEARER, after which --login-options AUTH=XOAUTH2 is ignored and
// OAUTHBEARER is always sent. With CURLOPT_XOAUTH2_BEARER and
// CURLOPT_LOGIN_OPTIONS "AUTH=<mech>" alone, libcurl sends that mechanism;
// each test checks in Dovecot's log which one was used.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/curl_result.h"
#include "tests/integration/curl_upload.h"
#include "tests/integration/mailstack/mail_stack.h"

namespace flexmail::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kArrivalTimeout = std::chrono::seconds(10);

// How a test logs in: a bearer token with one SASL mechanism, or a password
// with one.
struct Login {
  std::string user;
  std::string secret;  // token or password
  std::string mech;    // XOAUTH2, OAUTHBEARER, PLAIN, LOGIN
  bool bearer() const { return mech == "XOAUTH2" || mech == "OAUTHBEARER"; }
};

CURL* NewHandle(const MailStack& stack, const std::string& url, const Login& login,
                CurlResult* r, char* errbuf) {
  CURL* h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_CAINFO, stack.ca_file().c_str());
  curl_easy_setopt(h, CURLOPT_USERNAME, login.user.c_str());
  if (login.bearer()) {
    curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, login.secret.c_str());
  } else {
    curl_easy_setopt(h, CURLOPT_PASSWORD, login.secret.c_str());
  }
  const std::string options = "AUTH=" + login.mech;
  curl_easy_setopt(h, CURLOPT_LOGIN_OPTIONS, options.c_str());  // copied by libcurl
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r->body);
  return h;
}

// Logs in over IMAPS and examines the INBOX.
CurlResult Imaps(const MailStack& stack, const Login& login,
                 const std::string& command = "EXAMINE INBOX") {
  CurlResult r;
  char errbuf[CURL_ERROR_SIZE] = "";
  CURL* h = NewHandle(stack, stack.imaps_url() + "INBOX", login, &r, errbuf);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, command.c_str());
  r.code = curl_easy_perform(h);
  return Finish(h, std::move(r), errbuf);
}

// Submits a message to ops@example.test from the daemon's address, after
// STARTTLS, as `login`.
CurlResult Submit(const MailStack& stack, const Login& login, const std::string& subject) {
  CurlResult r;
  char errbuf[CURL_ERROR_SIZE] = "";
  CURL* h = NewHandle(stack, stack.smtp_url(), login, &r, errbuf);
  curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  const std::string from = stack.address(kDaemonUser);
  const std::string to = stack.address(kShipperUser);
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, ("<" + from + ">").c_str());
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
  CurlUpload up{"From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + subject +
                "\r\nMessage-ID: <" + subject + "@example.test>\r\n"
                "Date: Tue, 03 Mar 2026 10:00:00 +0100\r\n\r\nbody\r\n"};
  curl_easy_setopt(h, CURLOPT_READFUNCTION, CurlUpload::Read);
  curl_easy_setopt(h, CURLOPT_READDATA, &up);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  r.code = curl_easy_perform(h);
  curl_slist_free_all(rcpt);
  return Finish(h, std::move(r), errbuf);
}

// POST to the token endpoint (form), with the stack's CA.
CurlResult PostToken(const MailStack& stack, const std::string& form) {
  CurlResult r;
  char errbuf[CURL_ERROR_SIZE] = "";
  CURL* h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, stack.token_url().c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_CAINFO, stack.ca_file().c_str());
  curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, form.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, Append);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &r.headers);
  r.code = curl_easy_perform(h);
  return Finish(h, std::move(r), errbuf);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Occurrences of `needle` in a log.
int LogCount(const fs::path& log_file, const std::string& needle) {
  const std::string log = ReadFile(log_file);
  int n = 0;
  for (auto pos = log.find(needle); pos != std::string::npos; pos = log.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

int DovecotLogCount(const MailStack& stack, const std::string& needle) {
  return LogCount(stack.Env("DOVECOT_LOG"), needle);
}

// Dovecot's and Postfix's log processes write asynchronously: waits
// (bounded) until `needle` occurs at least `count` times; the final count.
int WaitForLog(const fs::path& log_file, const std::string& needle, int count) {
  const auto deadline = Clock::now() + std::chrono::seconds(3);
  int n = LogCount(log_file, needle);
  while (n < count && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    n = LogCount(log_file, needle);
  }
  return n;
}

int WaitForDovecotLog(const MailStack& stack, const std::string& needle, int count) {
  return WaitForLog(stack.Env("DOVECOT_LOG"), needle, count);
}

std::string LoginLine(std::string_view user, std::string_view mech) {
  return "Login: user=<" + std::string(user) + ">, method=" + std::string(mech) + ",";
}

class OAuth2StackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto t0 = Clock::now();
    ASSERT_TRUE(stack_.StartWithOAuth2());
    std::cout << "[ mailstack] start with OAuth2 " << Ms(Clock::now() - t0) << " ms in "
              << stack_.dir() << "\n";
    ASSERT_TRUE(stack_.oauth2());
    ASSERT_EQ(stack_.oauth2_username(), kDaemonUser);
  }
  void TearDown() override {
    if (!stack_.started()) return;
    const int token_port = stack_.token_port();
    const int admin_port = stack_.token_admin_port();
    const auto t0 = Clock::now();
    ASSERT_TRUE(stack_.Stop());
    std::cout << "[ mailstack] stop " << Ms(Clock::now() - t0) << " ms\n";
    // The token service stopped with the stack.
    HttpProbe(token_port, admin_port);
  }

  static void HttpProbe(int token_port, int admin_port) {
    for (int port : {token_port, admin_port}) {
      CURL* h = curl_easy_init();
      curl_easy_setopt(h, CURLOPT_URL, ("http://127.0.0.1:" + std::to_string(port) + "/").c_str());
      curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
      curl_easy_setopt(h, CURLOPT_PROXY, "");
      std::string sink;
      curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Append);
      curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
      EXPECT_EQ(curl_easy_perform(h), CURLE_COULDNT_CONNECT)
          << "port " << port << " still answers after Stop()";
      curl_easy_cleanup(h);
    }
  }

  std::string Token() {
    std::string token;
    EXPECT_TRUE(stack_.RequestTokenWithSecret(&token));
    return token;
  }

  TokenServiceStats Stats() {
    TokenServiceStats s;
    EXPECT_TRUE(stack_.TokenStats(&s));
    return s;
  }

  Login Bearer(const std::string& token, const std::string& mech,
               std::string_view user = kDaemonUser) const {
    return Login{std::string(user), token, mech};
  }

  std::string Failure(const CurlResult& r) const {
    std::ostringstream os;
    os << r << stack_.LogTail();
    return os.str();
  }

  MailStack stack_;
};

TEST_F(OAuth2StackTest, ImapsLogsInWithAFreshTokenOverXoauth2AndOauthbearer) {
  const std::string token = Token();
  ASSERT_FALSE(token.empty());
  const TokenServiceStats before = Stats();
  EXPECT_EQ(before.tokens_issued, 1);
  EXPECT_EQ(before.issued_with_secret, 1);
  EXPECT_EQ(before.last_scope, "mail");
  for (const std::string mech : {"XOAUTH2", "OAUTHBEARER"}) {
    SCOPED_TRACE(mech);
    const int logins = DovecotLogCount(stack_, LoginLine(kDaemonUser, mech));
    CurlResult r = Imaps(stack_, Bearer(token, mech));
    ASSERT_EQ(r.code, CURLE_OK) << Failure(r);
    EXPECT_NE(r.body.find("EXISTS"), std::string::npos) << r.body;
    EXPECT_EQ(WaitForDovecotLog(stack_, LoginLine(kDaemonUser, mech), logins + 1), logins + 1)
        << "Dovecot did not log a " << mech << " login" << stack_.LogTail();
  }
  const TokenServiceStats after = Stats();
  EXPECT_EQ(after.introspections, before.introspections + 2);
  EXPECT_EQ(after.introspections_active, before.introspections_active + 2);
}

TEST_F(OAuth2StackTest, BogusTokenAndAnotherUsersLoginAreRefused) {
  const std::string token = Token();
  for (const std::string mech : {"XOAUTH2", "OAUTHBEARER"}) {
    SCOPED_TRACE(mech);
    CurlResult r = Imaps(stack_, Bearer("bogus-" + token, mech));
    EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
    // The token is good, but for flexmail: Dovecot compares the
    // introspected username with the login name.
    r = Imaps(stack_, Bearer(token, mech, kShipperUser));
    EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
    EXPECT_EQ(DovecotLogCount(stack_, LoginLine(kShipperUser, mech)), 0);
  }
  // Both refusals of the good token were introspected as active.
  const TokenServiceStats s = Stats();
  EXPECT_EQ(s.introspections, 4);
  EXPECT_EQ(s.introspections_active, 2);
  // And the token itself still works.
  CurlResult r = Imaps(stack_, Bearer(token, "XOAUTH2"));
  EXPECT_EQ(r.code, CURLE_OK) << Failure(r);
}

TEST_F(OAuth2StackTest, RevokedTokenIsRefusedAtTheNextLogin) {
  const std::string token = Token();
  CurlResult r = Imaps(stack_, Bearer(token, "XOAUTH2"));
  ASSERT_EQ(r.code, CURLE_OK) << Failure(r);
  r = Submit(stack_, Bearer(token, "XOAUTH2"), "before-revocation");
  ASSERT_EQ(r.code, CURLE_OK) << Failure(r);

  ASSERT_TRUE(stack_.RevokeAllTokens());
  // No auth cache: refused at once, on both servers.
  r = Imaps(stack_, Bearer(token, "XOAUTH2"));
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
  r = Imaps(stack_, Bearer(token, "OAUTHBEARER"));
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
  r = Submit(stack_, Bearer(token, "XOAUTH2"), "after-revocation");
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);

  const std::string fresh = Token();
  ASSERT_NE(fresh, token);
  r = Imaps(stack_, Bearer(fresh, "XOAUTH2"));
  EXPECT_EQ(r.code, CURLE_OK) << Failure(r);
}

TEST_F(OAuth2StackTest, SmtpSubmissionWithABearerTokenArrives) {
  const std::string token = Token();
  const std::string shipper_pw = stack_.password(kShipperUser);
  for (const std::string mech : {"XOAUTH2", "OAUTHBEARER"}) {
    SCOPED_TRACE(mech);
    CurlResult r = Submit(stack_, Bearer(token, mech), "bearer-" + mech);
    ASSERT_EQ(r.code, CURLE_OK) << Failure(r);
    r = Submit(stack_, Bearer("bogus", mech), "bogus-" + mech);
    EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
    // XOAUTH2: Dovecot's error challenge (334 and base64 JSON, as Gmail
    // sends) ends libcurl's attempt. OAUTHBEARER: libcurl answers the
    // challenge (RFC 7628 section 3.2.3) and gets 535 5.7.8.
    EXPECT_EQ(r.response, mech == "XOAUTH2" ? 334 : 535) << Failure(r);
  }
  for (const std::string mech : {"XOAUTH2", "OAUTHBEARER"}) {
    EXPECT_EQ(WaitForLog(stack_.Env("POSTFIX_LOG"),
                         "sasl_method=" + mech + ", sasl_username=flexmail", 1),
              1)
        << stack_.LogTail();
  }
  // Both accepted messages reach ops@example.test, read with the password.
  const auto start = Clock::now();
  CurlResult r;
  while (Clock::now() - start < kArrivalTimeout) {
    r = Imaps(stack_, Login{std::string(kShipperUser), shipper_pw, "PLAIN"},
              "SEARCH SUBJECT bearer-");
    if (r.code == CURLE_OK && r.body.find("SEARCH 1 2") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(r.body.find("SEARCH 1 2"), std::string::npos) << Failure(r);
  r = Imaps(stack_, Login{std::string(kShipperUser), shipper_pw, "PLAIN"},
            "SEARCH SUBJECT bogus-");
  EXPECT_EQ(r.code, CURLE_OK) << Failure(r);
  EXPECT_EQ(r.body, "* SEARCH\r\n");
}

TEST_F(OAuth2StackTest, PasswordsStillLogInWithPlainAndLoginOnly) {
  const std::string pw = stack_.password(kShipperUser);
  for (const std::string mech : {"PLAIN", "LOGIN"}) {
    SCOPED_TRACE(mech);
    CurlResult r = Imaps(stack_, Login{std::string(kShipperUser), pw, mech});
    EXPECT_EQ(r.code, CURLE_OK) << Failure(r);
    r = Imaps(stack_, Login{std::string(kShipperUser), pw + "x", mech});
    EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
  }
  CurlResult r = Submit(stack_, Login{std::string(kDaemonUser), stack_.password(kDaemonUser), "PLAIN"},
                        "password-submission");
  EXPECT_EQ(r.code, CURLE_OK) << Failure(r);
  // A token is no password, and a password is no token.
  const std::string token = Token();
  r = Imaps(stack_, Login{std::string(kDaemonUser), token, "PLAIN"});
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
  r = Imaps(stack_, Bearer(stack_.password(kDaemonUser), "XOAUTH2"));
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
}

TEST_F(OAuth2StackTest, ExpiredTokenIsRefused) {
  ASSERT_TRUE(stack_.SetTokenLifetime(2));
  const auto issued = Clock::now();
  const std::string token = Token();
  CurlResult r = Imaps(stack_, Bearer(token, "XOAUTH2"));
  ASSERT_EQ(r.code, CURLE_OK) << Failure(r);
  ASSERT_LT(Clock::now() - issued, std::chrono::seconds(2)) << "too slow to test expiry";
  std::this_thread::sleep_until(issued + std::chrono::milliseconds(2300));
  r = Imaps(stack_, Bearer(token, "XOAUTH2"));
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
  r = Submit(stack_, Bearer(token, "OAUTHBEARER"), "expired");
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
  const TokenServiceStats s = Stats();
  EXPECT_EQ(s.introspections, 3);
  EXPECT_EQ(s.introspections_active, 1);
}

TEST_F(OAuth2StackTest, TokenEndpointDownUpFailureAndClock) {
  ASSERT_TRUE(stack_.SetTokenEndpointUp(false));
  CurlResult r = PostToken(stack_, "grant_type=client_credentials");
  EXPECT_EQ(r.code, CURLE_COULDNT_CONNECT) << r;
  EXPECT_FALSE(Stats().token_endpoint_up);
  // Introspection goes on: a token issued before still logs in.
  ASSERT_TRUE(stack_.SetTokenEndpointUp(true));
  const std::string token = Token();
  ASSERT_TRUE(stack_.SetTokenEndpointUp(false));
  r = Imaps(stack_, Bearer(token, "XOAUTH2"));
  EXPECT_EQ(r.code, CURLE_OK) << Failure(r);
  ASSERT_TRUE(stack_.SetTokenEndpointUp(true));
  EXPECT_TRUE(Stats().token_endpoint_up);

  ASSERT_TRUE(stack_.SetTokenEndpointFailure(503));
  r = PostToken(stack_, "grant_type=client_credentials");
  EXPECT_EQ(r.code, CURLE_OK) << r;
  EXPECT_EQ(r.response, 503);
  EXPECT_NE(r.body.find("temporarily_unavailable"), std::string::npos) << r.body;
  ASSERT_TRUE(stack_.SetTokenEndpointFailure(0));

  // The Date header follows the service's clock.
  ASSERT_TRUE(stack_.SetTokenClockOffset(-7200));
  r = PostToken(stack_, "grant_type=client_credentials&client_id=" + stack_.oauth2_client_id() +
                            "&client_secret=" + stack_.oauth2_client_secret() + "&scope=s");
  ASSERT_EQ(r.response, 200) << r;
  const auto date = r.headers.find("Date: ");
  ASSERT_NE(date, std::string::npos) << r.headers;
  std::tm tm{};
  std::istringstream in(r.headers.substr(date + 6, 29));
  in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S GMT");
  ASSERT_FALSE(in.fail()) << r.headers;
  const long skew = static_cast<long>(timegm(&tm) - std::time(nullptr));
  EXPECT_NEAR(skew, -7200, 5) << r.headers;

  const TokenServiceStats s = Stats();
  EXPECT_EQ(s.tokens_issued, 2);
  EXPECT_EQ(s.refusals_by_error.at("temporarily_unavailable"), 1);
  EXPECT_EQ(s.last_scope, "s");
}

TEST_F(OAuth2StackTest, SecretFileAndKeyPairs) {
  const std::string secret = ReadFile(stack_.oauth2_client_secret_file());
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_EQ(secret.find_first_not_of("0123456789abcdef"), std::string::npos) << secret;
  EXPECT_EQ(stack_.oauth2_client_secret(), secret);
  EXPECT_EQ(stack_.oauth2_client_id(), "flexmail-app");
  EXPECT_EQ(stack_.token_url(),
            "https://127.0.0.1:" + std::to_string(stack_.token_port()) + "/token");
  for (const fs::path& f : {stack_.oauth2_client_cert(), stack_.oauth2_other_cert()}) {
    EXPECT_NE(ReadFile(f).find("-----BEGIN CERTIFICATE-----"), std::string::npos) << f;
  }
  for (const fs::path& f : {stack_.oauth2_client_key(), stack_.oauth2_other_key()}) {
    EXPECT_NE(ReadFile(f).find("-----BEGIN PRIVATE KEY-----"), std::string::npos) << f;
    EXPECT_EQ(fs::status(f).permissions() & fs::perms::others_read, fs::perms::none) << f;
  }
  EXPECT_NE(ReadFile(stack_.oauth2_client_cert()), ReadFile(stack_.oauth2_other_cert()));
  // A wrong secret is refused by the endpoint, and counted.
  CurlResult r = PostToken(stack_, "grant_type=client_credentials&client_id=" +
                                       stack_.oauth2_client_id() + "&client_secret=x&scope=s");
  EXPECT_EQ(r.response, 401) << r;
  const TokenServiceStats s = Stats();
  EXPECT_EQ(s.token_refusals, 1);
  EXPECT_NE(s.last_refusal.find("wrong client secret"), std::string::npos) << s.last_refusal;
}

TEST_F(OAuth2StackTest, RegisteredClientLogsInAsItsUser) {
  ASSERT_TRUE(stack_.RegisterOAuth2Client(
      {"shipper-app", std::string(kShipperUser), "pw-1", {stack_.oauth2_other_cert()}}));
  CurlResult r = PostToken(stack_,
                           "grant_type=client_credentials&client_id=shipper-app"
                           "&client_secret=pw-1&scope=mail");
  ASSERT_EQ(r.response, 200) << r;
  const auto at = r.body.find("\"access_token\": \"");
  ASSERT_NE(at, std::string::npos) << r.body;
  const std::string token = r.body.substr(at + 17, 43);
  r = Imaps(stack_, Bearer(token, "OAUTHBEARER", kShipperUser));
  EXPECT_EQ(r.code, CURLE_OK) << Failure(r);
  r = Imaps(stack_, Bearer(token, "OAUTHBEARER", kDaemonUser));
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
  // A client without a secret nor certificate is refused.
  EXPECT_FALSE(stack_.RegisterOAuth2Client({"empty", "x", "", {}}));
}

TEST_F(OAuth2StackTest, TokenServiceOutageFailsOAuth2LoginsButNotPasswords) {
  const std::string token = Token();
  ASSERT_TRUE(stack_.StopTokenService());
  // Introspection unreachable: a temporary failure, not a refusal.
  const std::string temporary = "(auth service reported temporary failure)";
  const int temporary_before = DovecotLogCount(stack_, temporary);
  CurlResult r = Imaps(stack_, Bearer(token, "XOAUTH2"));
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
  EXPECT_EQ(WaitForDovecotLog(stack_, temporary, temporary_before + 1), temporary_before + 1)
      << stack_.LogTail();
  // Postfix 3.7 answers Dovecot's temporary failure with 535 5.7.8, as for
  // a bad token ("SASL XOAUTH2 authentication failed: (reason
  // unavailable)"): over SMTP an outage looks like a refusal.
  r = Submit(stack_, Bearer(token, "XOAUTH2"), "outage");
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
  EXPECT_EQ(r.response, 535) << Failure(r);
  r = Imaps(stack_, Login{std::string(kShipperUser), stack_.password(kShipperUser), "PLAIN"});
  EXPECT_EQ(r.code, CURLE_OK) << Failure(r);
  ASSERT_TRUE(stack_.StartTokenService());
  // A restarted service has forgotten the old token; new ones work.
  r = Imaps(stack_, Bearer(token, "XOAUTH2"));
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
  r = Imaps(stack_, Bearer(Token(), "XOAUTH2"));
  EXPECT_EQ(r.code, CURLE_OK) << Failure(r);
}

// Without OAuth2 nothing changes: no token service, no OAuth2 mechanisms.
TEST(MailStackWithoutOAuth2, OffersNoBearerMechanisms) {
  MailStack stack;
  ASSERT_TRUE(stack.Start());
  EXPECT_FALSE(stack.oauth2());
  EXPECT_EQ(stack.token_url(), "");
  EXPECT_EQ(stack.token_port(), 0);
  EXPECT_FALSE(fs::exists(stack.dir() / "oauth2"));
  const std::string conf = ReadFile(stack.Env("DOVECOT_CONF"));
  EXPECT_NE(conf.find("auth_mechanisms = plain login\n"), std::string::npos);
  EXPECT_EQ(conf.find("oauth2"), std::string::npos);
  CurlResult r = Imaps(stack, Login{std::string(kShipperUser), stack.password(kShipperUser), "LOGIN"});
  EXPECT_EQ(r.code, CURLE_OK) << r;
  r = Imaps(stack, Login{std::string(kDaemonUser), "token", "XOAUTH2"});
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << r;
  EXPECT_FALSE(stack.RevokeAllTokens());
  EXPECT_TRUE(stack.Stop());
}

}  // namespace
}  // namespace flexmail::test
