// What the daemon's integration scenarios share: a temporary flexmail
// installation wired to the mail stack, the real `flexmail` binary run as a
// command or as the `run` service, shippers' emails made from a committed
// Python-email fixture, and independent looks at the results (the SQLite
// ledger opened read-only, the mailboxes read over IMAPS with plain libcurl).
//
// Every process started here is stopped by its owner's destructor, even when
// an assertion ends the test early; the service child also dies with the test
// process (PR_SET_PDEATHSIG).
#pragma once

#include <curl/curl.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/mailstack/mail_stack.h"

namespace flexmail::test {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------- emails

struct GasDay {
  int year = 2026, month = 12, day = 3;
  std::string Iso() const;      // 2026-12-03
  std::string Compact() const;  // 20261203
  std::string French() const;   // 03/12/2026
  // Today (UTC) plus `days`: gas days far enough ahead that a declaration
  // received now is judged before D-1 01:00 (accepted, no indicator needed).
  static GasDay FromToday(int days);
};

// One shipper's declaration email: the fixture py-alternative-signature.eml
// (one CSV for LI0001) with From ops@example.test, To declarations@example.test,
// the given Message-ID and one programme `<day>-LI0001-GFQUIMP01-<version>`
// of 24 × quantity. The subject and the file name follow the gas day.
struct Declaration {
  std::string message_id;  // without the angle brackets
  GasDay gas_day;
  int version = 1;
  int quantity = 100;
};
std::string ShipperEmail(const Declaration& d);

// Sends `raw` to declarations@example.test through the stack's Postfix from
// `envelope_from`: on the submission port as `shipper` (STARTTLS + AUTH),
// or unauthenticated on the plaintext port (as another MX would).
struct SmtpOutcome {
  CURLcode code = CURLE_OK;
  long response = 0;
  std::string error;
};
SmtpOutcome SendAsShipper(const MailStack& stack, const std::string& raw, bool submission = true,
                          const std::string& envelope_from = "ops@example.test");

// MailStack::EndDovecotLeftovers (kept for the scenarios that call it so).
int EndDovecotLeftovers(const MailStack& stack);

// ---------------------------------------------------------------- flexmail

struct DaemonConfig {
  std::string imap_url, imap_password_file, imap_ca_file;  // ca "" = key left out
  std::string smtp_url, smtp_password_file, smtp_ca_file;
  // The body of [authentication]; scenarios about other things state "none".
  std::string authentication = "mode = \"none\"\n";
  // The body of [oauth2]; when set, [inbox] and [smtp] log in with auth =
  // "oauth2" instead of their password files.
  std::string oauth2;
  std::string extra;  // more TOML sections (e.g. [canary]), written last
  // [inbox] poll_interval (seconds), idle and idle_refresh (0: key left out).
  int poll_interval = 1;
  bool idle = true;
  int idle_refresh = 0;
  // The stack's IMAPS INBOX and STARTTLS submission port, as user flexmail.
  static DaemonConfig For(const MailStack& stack);
};

struct CommandResult {
  int exit_code = -1;  // -1: killed by a signal or could not run
  std::string out, err;
};

// A temporary directory holding flexmail.toml (the LI0001 referential, the
// mail sections of `config`) and the ledger; removed by the destructor unless
// FLEXMAIL_KEEP_MAILSTACK=1.
class DaemonBed {
 public:
  explicit DaemonBed(const DaemonConfig& config);
  ~DaemonBed();
  DaemonBed(const DaemonBed&) = delete;
  DaemonBed& operator=(const DaemonBed&) = delete;

  const std::string& dir() const { return dir_; }
  std::string config() const { return dir_ + "/flexmail.toml"; }
  std::string database() const { return dir_ + "/flexmail.db"; }
  std::string log() const { return dir_ + "/daemon.log"; }  // the service's output
  // `flexmail --config <config> ARGS...`, bounded to 60 s.
  CommandResult Run(const std::vector<std::string>& args) const;
  // The last lines of the service's log, for failure messages.
  std::string LogTail(int lines = 40) const;
  // How many lines of the service's log contain `needle`.
  int LogCount(std::string_view needle) const;

 private:
  std::string dir_;
};

// `flexmail run` as a child process, its output appended to bed.log().
class DaemonProcess {
 public:
  explicit DaemonProcess(const DaemonBed& bed) : bed_(bed) {}
  ~DaemonProcess();  // SIGKILL when still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  ::testing::AssertionResult Start();
  bool running();
  // SIGKILL, then reaps it.
  void Kill();
  // SIGTERM, then waits up to `limit` (SIGKILL after). True when it exited
  // by itself with status 0 within the limit.
  ::testing::AssertionResult Stop(std::chrono::milliseconds limit = std::chrono::seconds(5));
  pid_t pid() const { return pid_; }

 private:
  const DaemonBed& bed_;
  pid_t pid_ = -1;
};

// ---------------------------------------------------------------- looking

// The ledger, opened read-only for each query.
class LedgerView {
 public:
  explicit LedgerView(std::string path) : path_(std::move(path)) {}
  // Every row of `sql`, columns as text (NULL as ""); nullopt on error.
  std::optional<std::vector<std::vector<std::string>>> Rows(const std::string& sql);
  // The first column of the first row as an integer; -1 on error.
  std::int64_t Count(const std::string& sql);
  const std::string& last_error() const { return error_; }

 private:
  std::string path_;
  std::string error_;
};

// One user's mailboxes over IMAPS (trusting the stack's CA), on one
// connection kept open between requests.
class MailboxView {
 public:
  MailboxView(const MailStack& stack, std::string_view user);
  ~MailboxView();
  MailboxView(const MailboxView&) = delete;
  MailboxView& operator=(const MailboxView&) = delete;

  // Messages in FOLDER ("INBOX", "Processed"...); -1 when it cannot be read.
  long Count(const std::string& folder);
  std::vector<std::uint64_t> Uids(const std::string& folder, bool* ok = nullptr);
  // The header section of one message; "" and *ok false on failure.
  std::string Header(const std::string& folder, std::uint64_t uid, bool* ok = nullptr);

 private:
  bool Perform(const std::string& path, const std::string& command, std::string* body);

  const MailStack& stack_;
  std::string user_, password_, ca_;
  CURL* curl_ = nullptr;
};

// A header field of a header section, unfolded, RFC 2047 words decoded
// ("" when absent).
std::string HeaderField(const std::string& header, std::string_view name);
std::string DecodeRfc2047(std::string_view text);

// What arrived in a mailbox: one entry per message.
struct ReceivedMail {
  std::uint64_t uid = 0;
  std::string from, subject, message_id, in_reply_to, auto_submitted;
};
std::vector<ReceivedMail> ReadMailbox(MailboxView& box, const std::string& folder = "INBOX");

// Polls `done` every 100 ms until it holds or `limit` passes; returns its
// last answer.
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit);

// "YYYY-MM-DD HH:MM:SS +ZZZZ" for Seed, `offset_s` seconds after `base`
// (both in +0100, Paris winter time).
std::string SeedDate(const std::string& base, int offset_s);

// ---------------------------------------------------------------- fixture

// One mail stack per test, a bed wired to it, the service (not started) and
// the ledger. On failure, TearDown prints the service's log and the servers'.
class DaemonScenario : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Starts stack_ for SetUp; a scenario needing more servers says so here.
  virtual ::testing::AssertionResult StartStack() { return stack_.Start(); }
  // A bed with another configuration (and a service for it), replacing the
  // current one.
  void Rewire(const DaemonConfig& config);
  // The service's and the servers' last log lines, for failure messages.
  std::string Logs() const;
  // Puts a declaration in the daemon's INBOX with that INTERNALDATE.
  ::testing::AssertionResult Seed(const Declaration& d, const std::string& internal_date);
  // Message counts of the daemon's INBOX and folders.
  void ExpectFolders(long inbox, long processed, long rejected, long ignored);
  // Waits until the shipper's INBOX holds at least `n` messages; returns them.
  std::vector<ReceivedMail> WaitForReplies(std::size_t n, std::chrono::milliseconds limit);
  // `flexmail ARGS...` (ending in --json) parsed; a test failure (and null)
  // when the command fails or prints no JSON.
  nlohmann::json CliJson(const std::vector<std::string>& args);

  MailStack stack_;
  std::unique_ptr<DaemonBed> bed_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<LedgerView> ledger_;
};

bool EndsWith(std::string_view text, std::string_view suffix);

}  // namespace flexmail::test
