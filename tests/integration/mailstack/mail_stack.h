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
  // Stops both servers by PID; removes the directory unless the environment
  // has FLEXMAIL_KEEP_MAILSTACK=1. Idempotent.
  ::testing::AssertionResult Stop();
  bool started() const { return !dir_.empty(); }

  // Failure injection: the servers come back on the same ports.
  ::testing::AssertionResult StopDovecot();
  ::testing::AssertionResult StartDovecot();
  ::testing::AssertionResult StopPostfix();
  ::testing::AssertionResult StartPostfix();
  // Postfix retries its deferred mail now.
  ::testing::AssertionResult FlushQueue();

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

  std::filesystem::path dir_;
  std::map<std::string, std::string, std::less<>> env_;
  int seeded_ = 0;
};

}  // namespace flexmail::test
