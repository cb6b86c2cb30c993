// MailStack: a real Dovecot (IMAP, IMAPS, LMTP) and a real Postfix (SMTP with
// STARTTLS, SASL through Dovecot) on 127.0.0.1, private to a fresh temporary
// directory, for integration tests. It drives the `mailstack` script next to
// this file; see that script for the layout of the directory.
//
//   flexmail::test::MailStack stack;
//   ASSERT_TRUE(stack.Start());   // failure message carries the servers' logs
//   ... imaps://127.0.0.1:<stack.imaps_port()>/INBOX, CAINFO = stack.ca_file()
//
// With milters (StartWithMilters), OpenDKIM and OpenDMARC verify every
// message in front of Postfix's delivery and write Authentication-Results
// fields under one authserv-id, as README "Postfix with OpenDKIM and
// OpenDMARC" configures them; their DNS server is the test's.
//
// With OAuth2 (StartWithOAuth2), IMAP and SMTP also take bearer tokens (SASL
// XOAUTH2 and OAUTHBEARER) that Dovecot checks at every login against the
// stack's token service (token_service.py): a client-credentials token
// endpoint at token_url() (HTTPS, trusted through ca_file()) that knows one
// client, oauth2_client_id(), authenticated by its secret or by a JWT signed
// with the key of oauth2_client_cert(); its tokens log in as kDaemonUser.
// Passwords then work with PLAIN and LOGIN only. The admin helpers change
// the token service while a test runs.
//
// Users (login -> address): flexmail -> declarations@example.test (the
// daemon's mailbox), shipper -> ops@example.test, outsider ->
// outsider@example.test. Every operation returns an AssertionResult whose
// message says what went wrong, with the tail of the servers' logs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace flexmail::test {

inline constexpr std::string_view kDaemonUser = "flexmail";
inline constexpr std::string_view kShipperUser = "shipper";
inline constexpr std::string_view kOutsiderUser = "outsider";

// The token service's counters (GET /admin/stats), since it started.
struct TokenServiceStats {
  int token_requests = 0;   // POST /token, answered or refused
  int tokens_issued = 0;
  int token_refusals = 0;   // every answer but 200
  int introspections = 0;   // Dovecot's checks, one per OAuth2 login
  int introspections_active = 0;
  int issued_with_secret = 0;     // tokens issued for a client secret
  int issued_with_assertion = 0;  // ... for a JWT client assertion
  std::map<std::string, int, std::less<>> refusals_by_error;  // "invalid_client" -> n
  std::string last_refusal;  // "invalid_client: client assertion: jti ... already used"
  std::string last_scope;    // scope of the last request that authenticated
  bool token_endpoint_up = true;
};

// A client of the token service (RegisterOAuth2Client).
struct OAuth2Client {
  std::string client_id;
  std::string username;  // the login its tokens are good for
  std::string secret;    // empty: no secret
  std::vector<std::filesystem::path> certificates;  // PEM; assertions signed
                                                    // by their keys are accepted
};

class MailStack {
 public:
  MailStack() = default;
  ~MailStack();  // Stop(); a failure to stop is reported as a test failure
  MailStack(const MailStack&) = delete;
  MailStack& operator=(const MailStack&) = delete;

  // Starts both servers in a new directory under $TMPDIR (or /tmp) and waits
  // for their banners (bounded, about 10 s). Stopped again on failure.
  ::testing::AssertionResult Start();
  // Start() plus OpenDKIM and OpenDMARC (verify mode) as Postfix's milters,
  // writing fields as `authserv_id`, asking the DNS server on port 53 of
  // `nameserver` (an IPv4 address; see the mailstack script for why 53).
  ::testing::AssertionResult StartWithMilters(std::string_view nameserver,
                                              std::string_view authserv_id);
  // Start() plus the token service, and OAuth2 logins in Dovecot and Postfix.
  ::testing::AssertionResult StartWithOAuth2();
  // Start() with a Dovecot that does not offer IDLE (its CAPABILITY after
  // login lacks it; everything else is as usual).
  ::testing::AssertionResult StartWithoutIdle();
  // Start() with a server certificate valid `days` days (not 30).
  ::testing::AssertionResult StartWithCertificateDays(int days);
  // Stops both servers by PID; removes the directory unless the environment
  // has FLEXMAIL_KEEP_MAILSTACK=1. Idempotent.
  ::testing::AssertionResult Stop();
  bool started() const { return !dir_.empty(); }

  // Failure injection: the servers come back on the same ports.
  ::testing::AssertionResult StopDovecot();
  ::testing::AssertionResult StartDovecot();
  // After StopDovecot only Dovecot's master is gone: its children (imap
  // sessions, imap-login, auth...) live on as orphans, and a client that
  // kept its connection is still served. This ends them (SIGKILL, by PID,
  // only the processes titled with this stack's instance name), as a real
  // outage would; returns how many there were.
  int EndDovecotLeftovers() const;
  ::testing::AssertionResult StopPostfix();
  ::testing::AssertionResult StartPostfix();
  // Postfix retries its deferred mail now.
  ::testing::AssertionResult FlushQueue();
  // The whole token service (introspection included: OAuth2 logins then fail
  // with a temporary error). Restarted on the same ports, it has forgotten
  // its tokens, its settings and the clients registered since the start.
  ::testing::AssertionResult StopTokenService();
  ::testing::AssertionResult StartTokenService();

  // Puts a message straight into USER's INBOX (Maildir new/) with the given
  // INTERNALDATE, "YYYY-MM-DD HH:MM:SS +ZZZZ". Seeded messages get UIDs in
  // seeding order. Dovecot reports INTERNALDATE in UTC.
  ::testing::AssertionResult Seed(std::string_view user,
                                  const std::filesystem::path& eml,
                                  std::string_view internal_date);
  ::testing::AssertionResult SeedText(std::string_view user,
                                      std::string_view message,
                                      std::string_view internal_date);
  // Gives USER's INBOX a new UIDVALIDITY, keeping its messages (they get new
  // UIDs from 1). Restarts Dovecot. The new value goes to *new_uidvalidity.
  ::testing::AssertionResult RecreateMailbox(
      std::string_view user, std::uint32_t* new_uidvalidity = nullptr);

  const std::filesystem::path& dir() const { return dir_; }
  static constexpr std::string_view host() { return "127.0.0.1"; }
  int imap_port() const { return Port("IMAP_PORT"); }
  int imaps_port() const { return Port("IMAPS_PORT"); }
  int lmtp_port() const { return Port("LMTP_PORT"); }
  int smtp_port() const { return Port("SMTP_PORT"); }  // STARTTLS, AUTH after it
  int smtp_plain_port() const { return Port("SMTP_PLAIN_PORT"); }  // no TLS at all
  std::filesystem::path ca_file() const { return Env("CA_FILE"); }
  std::string password(std::string_view user) const;
  std::string address(std::string_view user) const;  // e.g. ops@example.test
  std::filesystem::path maildir(std::string_view user) const;
  // "imaps://127.0.0.1:PORT/" and "smtp://127.0.0.1:PORT" for libcurl.
  std::string imaps_url() const;
  std::string smtp_url() const;
  // Any key of DIR/env ("" when absent).
  std::string Env(std::string_view key) const;

  // OAuth2 (StartWithOAuth2 only; empty otherwise).
  bool oauth2() const { return Env("OAUTH2") == "1"; }
  std::string token_url() const { return Env("TOKEN_URL"); }  // https://127.0.0.1:PORT/token
  int token_port() const { return Port("TOKEN_PORT"); }
  int token_admin_port() const { return Port("TOKEN_ADMIN_PORT"); }
  std::string oauth2_client_id() const { return Env("OAUTH2_CLIENT_ID"); }
  std::string oauth2_username() const { return Env("OAUTH2_USERNAME"); }  // kDaemonUser
  // Self-signed certificate (CN=flexmail-test-app) and its RSA 2048 key
  // (PKCS#8 PEM), registered for oauth2_client_id().
  std::filesystem::path oauth2_client_cert() const { return Env("OAUTH2_CLIENT_CERT"); }
  std::filesystem::path oauth2_client_key() const { return Env("OAUTH2_CLIENT_KEY"); }
  // The client secret's file: 32 hex digits, no trailing newline.
  std::filesystem::path oauth2_client_secret_file() const {
    return Env("OAUTH2_CLIENT_SECRET_FILE");
  }
  std::string oauth2_client_secret() const;
  // A second pair (CN=flexmail-test-other) that no client has registered.
  std::filesystem::path oauth2_other_cert() const { return Env("OAUTH2_OTHER_CERT"); }
  std::filesystem::path oauth2_other_key() const { return Env("OAUTH2_OTHER_KEY"); }

  // A token from token_url() for the client secret (form POST, as a
  // client_secret_post client).
  ::testing::AssertionResult RequestTokenWithSecret(std::string* access_token,
                                                    std::string_view scope = "mail");
  // Token service administration; each fails with the service's answer.
  // Lifetime of the tokens issued from now on (default 3600 s).
  ::testing::AssertionResult SetTokenLifetime(int seconds);
  // Every token issued so far is refused at the next login.
  ::testing::AssertionResult RevokeAllTokens();
  // false closes the token endpoint's listening socket (connection refused;
  // introspection goes on); true listens again on the same port.
  ::testing::AssertionResult SetTokenEndpointUp(bool up);
  // The token endpoint answers every request with this HTTP status (400-599,
  // error temporarily_unavailable; Retry-After: 1 with 429 and 503); 0 ends it.
  ::testing::AssertionResult SetTokenEndpointFailure(int http_status);
  // The service's clock runs `seconds` ahead (negative: behind): its Date
  // header and its checks of assertions' exp, nbf and iat.
  ::testing::AssertionResult SetTokenClockOffset(int seconds);
  // Registers or replaces a client.
  ::testing::AssertionResult RegisterOAuth2Client(const OAuth2Client& client);
  ::testing::AssertionResult TokenStats(TokenServiceStats* stats);

  // The last lines of the Dovecot and Postfix logs, for failure messages.
  std::string LogTail(int lines = 20) const;

  // The script: $FLEXMAIL_SOURCE_DIR/tests/integration/mailstack/mailstack,
  // else the one in the source tree this was built from.
  static std::filesystem::path ScriptPath();

 private:
  ::testing::AssertionResult Run(const std::vector<std::string>& args,
                                 std::string* output = nullptr,
                                 bool owner = false,
                                 const std::vector<std::string>& extra_env = {});
  ::testing::AssertionResult StartIn(const std::vector<std::string>& extra_env);
  ::testing::AssertionResult LoadEnv();
  int Port(std::string_view key) const;
  // POST (or GET) http://127.0.0.1:TOKEN_ADMIN_PORT/PATH; the answer's body.
  ::testing::AssertionResult TokenAdmin(std::string_view path, const std::string& body = "",
                                        bool get = false, std::string* answer = nullptr);

  std::filesystem::path dir_;
  std::map<std::string, std::string, std::less<>> env_;
  int seeded_ = 0;
};

}  // namespace flexmail::test
