// A flexmail installation on the mail stack, the binary run as a command or
// as the service, and shippers' emails (see daemon_scenarios.h).
#include "tests/integration/daemon_scenarios.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "tests/integration/curl_upload.h"

namespace flexmail::test {
namespace {

namespace fs = std::filesystem;
using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;

// The worked examples' referential, cut to what the scenarios use: site
// LI0001 and its shipper, whose address is the stack's ops@example.test. No
// cc: an address outside example.test would bounce back into the inbox.
// The scenarios mail programmes for GasDay::FromToday(10) to (29): early,
// so judged without indicators, and one day each so that no two collide;
// the horizon is widened to let them in.
constexpr const char* kReferential = R"(
[database]
path = "flexmail.db"
[rules]
partial_flexibility_kwh_per_tranche = 800000
indicator_delay_minutes = 23
unknown_indicator = "RED"
max_days_ahead = 60
[[meshes]]
code = "ME0005"
label = "Bretagne"
[[sites]]
id = "LI0001"
label = "Quimper"
mesh = "ME0005"
client = "ENGIE"
tranches = 1
[[contracts]]
code = "GFQUIMP01"
[[contracts.sites]]
site = "LI0001"
qmin = 0
qmax = 1000000
tolerance_pct = 0
[[shippers]]
name = "ENGIE"
senders = ["ops@example.test"]
sites = ["LI0001"]
[mail]
address = "declarations@example.test"
)";

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string BinaryPath() {
  const char* dir = std::getenv("FLEXMAIL_BINARY_DIR");
  return std::string(dir && *dir ? dir : FLEXMAIL_BINARY_DIR_DEFAULT) + "/daemon/flexmail";
}

std::string FixturePath() {
  const char* src = std::getenv("FLEXMAIL_SOURCE_DIR");
  return std::string(src && *src ? src : FLEXMAIL_SOURCE_DIR_DEFAULT) +
         "/tests/mail/fixtures/py-alternative-signature.eml";
}

bool ReplaceOnce(std::string* text, std::string_view from, const std::string& to) {
  auto pos = text->find(from);
  if (pos == std::string::npos) {
    ADD_FAILURE() << "the fixture " << FixturePath() << " no longer holds '" << from << "'";
    return false;
  }
  text->replace(pos, from.size(), to);
  return true;
}

std::string Base64(std::string_view in) {
  static const char kTable[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kTable[(v >> k) & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += i + 1 < in.size() ? kTable[(v >> 6) & 63] : '=';
    out += '=';
  }
  std::string wrapped;
  for (std::size_t p = 0; p < out.size(); p += 76) wrapped += out.substr(p, 76) + "\r\n";
  return wrapped;
}

std::string Csv(const Declaration& d) {
  const GasDay& g = d.gas_day;
  std::string csv =
      "DECLARATIONS_CCG;02/12/2026;150000;UPLOAD;PROD;" + g.French() + ";" + g.French() + "\r\n";
  csv += g.Compact() + "-LI0001-GFQUIMP01-" + std::to_string(d.version) + ";" + g.French() +
         ";LI0001;Quimper;02/12/2026;150000;02/12/2026;150000;0;1000000";
  for (int h = 0; h < 24; ++h) csv += ";" + std::to_string(d.quantity);
  return csv + "\r\n";
}

// Reads both pipes until they close or the deadline passes.
void Drain(int out_fd, int err_fd, CommandResult* r, Clock::time_point deadline) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&r->out, &r->err};
  int open = 2;
  char buf[8192];
  while (open > 0 && Clock::now() < deadline) {
    if (poll(fds, 2, 100) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open;
      }
    }
  }
}

}  // namespace

// ---------------------------------------------------------------- emails

std::string GasDay::Iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}
std::string GasDay::Compact() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", year, month, day);
  return buf;
}
std::string GasDay::French() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", day, month, year);
  return buf;
}

GasDay GasDay::FromToday(int days) {
  using namespace std::chrono;
  const year_month_day ymd{floor<std::chrono::days>(system_clock::now()) + std::chrono::days{days}};
  return GasDay{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

std::string ShipperEmail(const Declaration& d) {
  std::string m = ReadWhole(FixturePath());
  if (m.empty()) {
    ADD_FAILURE() << "cannot read the fixture " << FixturePath();
    return m;
  }
  ReplaceOnce(&m, "<ops@engie.example>", "<ops@example.test>");
  ReplaceOnce(&m, "To: declarations@flexmail.example", "To: declarations@example.test");
  ReplaceOnce(&m, "<py-alt@engie.example>", "<" + d.message_id + ">");
  // The subject names the gas day twice ("03/12/2026 – 03/12/2026").
  const std::size_t headers_end = m.find("\r\n\r\n");
  for (int i = 0; i < 2; ++i) {
    auto pos = m.find("03/12/2026");
    if (pos == std::string::npos || pos > headers_end) {
      ADD_FAILURE() << "the fixture's subject no longer names 03/12/2026 twice";
      break;
    }
    m.replace(pos, 10, d.gas_day.French());
  }
  const std::string old_name = "Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202150000.csv";
  const auto name_pos = m.find(old_name);
  if (!ReplaceOnce(
          &m, old_name,
          "Export_DECLARATIONS_CCG-UPLOAD-" + d.gas_day.Compact() + "_20261202150000.csv")) {
    return m;
  }
  // The CSV part's base64 body: after its header section, up to the closing
  // boundary.
  const auto body = m.find("\r\n\r\n", name_pos);
  const auto end = m.find("\r\n--=_fixture_alt_0--", body);
  if (body == std::string::npos || end == std::string::npos) {
    ADD_FAILURE() << "the fixture's CSV part is no longer where expected";
    return m;
  }
  m.replace(body + 4, end + 2 - (body + 4), Base64(Csv(d)) + "\r\n");
  return m;
}

SmtpOutcome SendAsShipper(const MailStack& stack, const std::string& raw, bool submission,
                          const std::string& envelope_from) {
  SmtpOutcome result;
  char errbuf[CURL_ERROR_SIZE] = "";
  CURL* h = curl_easy_init();
  const int port = submission ? stack.smtp_port() : stack.smtp_plain_port();
  const std::string url = "smtp://127.0.0.1:" + std::to_string(port);
  const std::string user(kShipperUser), password = stack.password(kShipperUser);
  const std::string ca = stack.ca_file().string();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 15000L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  if (submission) {
    curl_easy_setopt(h, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, password.c_str());
    curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    curl_easy_setopt(h, CURLOPT_CAINFO, ca.c_str());
  }
  const std::string mail_from = "<" + envelope_from + ">";
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_slist* rcpt = curl_slist_append(nullptr, "<declarations@example.test>");
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
  CurlUpload up{raw};
  curl_easy_setopt(h, CURLOPT_READFUNCTION, CurlUpload::Read);
  curl_easy_setopt(h, CURLOPT_READDATA, &up);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  result.code = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.response);
  result.error = errbuf[0] ? errbuf : curl_easy_strerror(result.code);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(h);
  return result;
}

// ---------------------------------------------------------------- flexmail

DaemonConfig DaemonConfig::For(const MailStack& stack) {
  DaemonConfig c;
  const std::string passwords = (stack.dir() / "passwords" / std::string(kDaemonUser)).string();
  c.imap_url = "imaps://127.0.0.1:" + std::to_string(stack.imaps_port()) + "/INBOX";
  c.smtp_url = "smtp://127.0.0.1:" + std::to_string(stack.smtp_port());
  c.imap_password_file = c.smtp_password_file = passwords;
  c.imap_ca_file = c.smtp_ca_file = stack.ca_file().string();
  return c;
}

DaemonBed::DaemonBed(const DaemonConfig& c) {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/flexmail-daemon-XXXXXX";
  if (!mkdtemp(templ.data())) {
    ADD_FAILURE() << "mkdtemp " << templ << ": " << std::strerror(errno);
    return;
  }
  dir_ = templ;
  std::ofstream out(config());
  auto login = [&c](const std::string& password_file) {
    return c.oauth2.empty() ? "password_file = \"" + password_file + "\"\n"
                            : std::string("auth = \"oauth2\"\n");
  };
  out << kReferential << "[inbox]\nimap_url = \"" << c.imap_url << "\"\nusername = \""
      << kDaemonUser << "\"\n" << login(c.imap_password_file);
  if (!c.imap_ca_file.empty()) out << "ca_file = \"" << c.imap_ca_file << "\"\n";
  out << "poll_interval = " << c.poll_interval << "\nidle = " << (c.idle ? "true" : "false")
      << "\n";
  if (c.idle_refresh > 0) out << "idle_refresh = " << c.idle_refresh << "\n";
  out << "connect_timeout = 2\nlow_speed_time = 5\n"
      << "[smtp]\nurl = \"" << c.smtp_url << "\"\nusername = \"" << kDaemonUser << "\"\n"
      << login(c.smtp_password_file);
  if (!c.smtp_ca_file.empty()) out << "ca_file = \"" << c.smtp_ca_file << "\"\n";
  out << "connect_timeout = 2\nlow_speed_time = 5\n"
      << "[outbox]\nretry_initial = 1\nretry_max = 2\n"
      << "[authentication]\n" << c.authentication;
  if (!c.oauth2.empty()) out << "[oauth2]\n" << c.oauth2;
  out << c.extra;
  if (!out) ADD_FAILURE() << "cannot write " << config();
}

DaemonBed::~DaemonBed() {
  const char* keep = std::getenv("FLEXMAIL_KEEP_MAILSTACK");
  if (dir_.empty() || (keep && std::string_view(keep) == "1")) return;
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

CommandResult DaemonBed::Run(const std::vector<std::string>& args) const {
  CommandResult r;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return r;
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]), close(out_pipe[1]);
    return r;
  }
  std::vector<std::string> argv_s = {BinaryPath(), "--config", config()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    close_range(3, ~0U, 0);  // no test connection leaks into the command
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid > 0) Drain(out_pipe[0], err_pipe[0], &r, Clock::now() + std::chrono::seconds(60));
  close(out_pipe[0]);
  close(err_pipe[0]);
  if (pid < 0) return r;
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == 0) {
    kill(pid, SIGKILL);  // over its time: the test says so through exit_code -1
    waitpid(pid, &status, 0);
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string DaemonBed::LogTail(int lines) const {
  const std::string text = ReadWhole(log());
  if (text.empty()) return "(empty)\n";
  std::size_t pos = text.size();
  for (int n = 0; n <= lines && pos > 0; ++n) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

int DaemonBed::LogCount(std::string_view needle) const {
  std::istringstream in(ReadWhole(log()));
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) Kill();
}

AssertionResult DaemonProcess::Start() {
  if (pid_ > 0) return AssertionFailure() << "flexmail run already started (pid " << pid_ << ")";
  const int log = open(bed_.log().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0)
    return AssertionFailure() << "cannot open " << bed_.log() << ": " << std::strerror(errno);
  std::vector<std::string> argv_s = {BinaryPath(), "--config", bed_.config(), "run"};
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlives the test
    if (getppid() != parent) _exit(126);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    close_range(3, ~0U, 0);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log);
  if (pid < 0) return AssertionFailure() << "fork: " << std::strerror(errno);
  pid_ = pid;
  return AssertionSuccess();
}

bool DaemonProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void DaemonProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

AssertionResult DaemonProcess::Stop(std::chrono::milliseconds limit) {
  if (pid_ <= 0) return AssertionFailure() << "flexmail run was not running";
  kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + limit;
  int status = 0;
  pid_t got = 0;
  while ((got = waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (got != pid_) {
    Kill();
    return AssertionFailure() << "flexmail run still running " << limit.count()
                              << " ms after SIGTERM; killed";
  }
  pid_ = -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return AssertionFailure() << "flexmail run ended with wait status " << status;
  }
  return AssertionSuccess();
}

// ---------------------------------------------------------------- fixture

void DaemonScenario::SetUp() {
  ASSERT_EQ(access(BinaryPath().c_str(), X_OK), 0)
      << BinaryPath() << " is not there: build the flexmail target";
  ASSERT_TRUE(StartStack());  // the message carries the servers' logs
  Rewire(DaemonConfig::For(stack_));
}

void DaemonScenario::Rewire(const DaemonConfig& config) {
  daemon_.reset();
  ledger_.reset();
  bed_ = std::make_unique<DaemonBed>(config);
  daemon_ = std::make_unique<DaemonProcess>(*bed_);
  ledger_ = std::make_unique<LedgerView>(bed_->database());
}

void DaemonScenario::TearDown() {
  if (daemon_ && daemon_->running()) {
    ::testing::AssertionResult stopped = daemon_->Stop();
    if (!stopped) ADD_FAILURE() << stopped.message();
  }
  if (HasFailure()) std::cout << Logs() << std::endl;
}

std::string DaemonScenario::Logs() const {
  std::string text = "\n---- flexmail run log (tail)\n";
  if (bed_) text += bed_->LogTail();
  if (stack_.started()) text += stack_.LogTail();
  return text;
}

::testing::AssertionResult DaemonScenario::Seed(const Declaration& d,
                                                const std::string& internal_date) {
  return stack_.SeedText(kDaemonUser, ShipperEmail(d), internal_date);
}

void DaemonScenario::ExpectFolders(long inbox, long processed, long rejected, long ignored) {
  MailboxView box(stack_, kDaemonUser);
  EXPECT_EQ(box.Count("INBOX"), inbox) << "flexmail's INBOX";
  EXPECT_EQ(box.Count("Processed"), processed) << "flexmail's Processed";
  EXPECT_EQ(box.Count("Rejected"), rejected) << "flexmail's Rejected";
  EXPECT_EQ(box.Count("Ignored"), ignored) << "flexmail's Ignored";
}

std::vector<ReceivedMail> DaemonScenario::WaitForReplies(std::size_t n,
                                                         std::chrono::milliseconds limit) {
  MailboxView box(stack_, kShipperUser);
  WaitUntil([&] { return box.Count("INBOX") >= static_cast<long>(n); }, limit);
  return ReadMailbox(box);
}

nlohmann::json DaemonScenario::CliJson(const std::vector<std::string>& args) {
  CommandResult r = bed_->Run(args);
  std::string cmd;
  for (const auto& a : args) cmd += " " + a;
  // `status` exits 3 when unhealthy and still prints its object.
  if (r.exit_code != 0 && r.exit_code != 3) {
    ADD_FAILURE() << "flexmail" << cmd << ": exit " << r.exit_code << "\n" << r.out << r.err;
    return nullptr;
  }
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    ADD_FAILURE() << "flexmail" << cmd << ": not JSON:\n" << r.out << r.err;
    return nullptr;
  }
  return j;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace flexmail::test
