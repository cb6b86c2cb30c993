// `flexmail run --once` with a wrong password, an untrusted certificate or a
// server without TLS, against the real Dovecot and Postfix: it stops with a
// non-zero exit and one clear line naming the problem, never prints the
// password, and never falls back to plaintext.
//
// The stack's Dovecot offers STARTTLS on its plain IMAP port (ssl = yes), so
// it has no IMAP port without STARTTLS; for that one case a loopback stub
// that speaks just enough IMAP stands in, and records what it was sent.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/daemon_scenarios.h"

namespace flexmail::test {
namespace {

using namespace std::chrono_literals;

// An IMAP server on 127.0.0.1 that offers no STARTTLS and refuses every
// login; it keeps every byte it received.
class PlaintextImapStub {
 public:
  PlaintextImapStub() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd_, 4) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~PlaintextImapStub() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
  }
  int port() const { return port_; }
  std::string received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) Talk(c);
    }
  }
  void Talk(int c) {
    Send(c, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN] plaintext only\r\n");
    std::string pending;
    char buf[1024];
    while (!stop_) {
      pollfd p{c, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) break;
      {
        std::lock_guard<std::mutex> lock(mu_);
        received_.append(buf, static_cast<size_t>(n));
      }
      pending.append(buf, static_cast<size_t>(n));
      for (auto eol = pending.find("\r\n"); eol != std::string::npos; eol = pending.find("\r\n")) {
        const std::string line = pending.substr(0, eol);
        pending.erase(0, eol + 2);
        const std::string tag = line.substr(0, line.find(' '));
        const std::string cmd = line.substr(tag.size() + (tag.size() < line.size()));
        if (cmd.rfind("CAPABILITY", 0) == 0) {
          Send(c, "* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN\r\n" + tag + " OK done\r\n");
        } else if (cmd.rfind("LOGOUT", 0) == 0) {
          Send(c, "* BYE bye\r\n" + tag + " OK done\r\n");
          close(c);
          return;
        } else {
          Send(c, tag + " NO not here\r\n");
        }
      }
    }
    close(c);
  }
  static void Send(int c, const std::string& s) { (void)!write(c, s.data(), s.size()); }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::string received_;
};

class DaemonConfigErrors : public DaemonScenario {
 protected:
  // Runs `run --once` on `config` with one declaration waiting.
  CommandResult RunOnce(const DaemonConfig& config) {
    Rewire(config);
    EXPECT_TRUE(Seed({"config@example.test", GasDay{2026, 12, 3}, 1}, "2026-12-02 10:00:00 +0100"));
    CommandResult r = bed_->Run({"run", "--once"});
    for (const char* user : {"flexmail", "shipper"}) {
      const std::string password = stack_.password(user);
      EXPECT_EQ(r.out.find(password), std::string::npos) << user << "'s password in stdout";
      EXPECT_EQ(r.err.find(password), std::string::npos) << user << "'s password in stderr";
    }
    return r;
  }
  // A password file holding something that is not the password (outside
  // the bed, which RunOnce replaces).
  std::string WrongPasswordFile() {
    wrong_file_ = stack_.dir().string() + "/wrong.pass";
    std::ofstream(wrong_file_) << wrong_password_ << "\n";
    return wrong_file_;
  }
  // The lines of `text` that contain `needle`.
  static std::vector<std::string> LinesWith(const std::string& text, const std::string& needle) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (line.find(needle) != std::string::npos) lines.push_back(line);
    }
    return lines;
  }
  // The lines of stderr but the warning every start gives with mode "none".
  static std::vector<std::string> ErrorLines(const std::string& text) {
    std::vector<std::string> lines;
    for (auto& line : LinesWith(text, "")) {
      if (line.find("[authentication] mode = \"none\"") == std::string::npos) lines.push_back(line);
    }
    return lines;
  }
  // Nothing reached the shipper, and no reply was handed to Postfix.
  void ExpectNothingDelivered() {
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(MailboxView(stack_, kShipperUser).Count("INBOX"), 0);
    std::ifstream log(stack_.Env("POSTFIX_LOG"));
    std::string maillog((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    EXPECT_EQ(maillog.find("from=<declarations@example.test>"), std::string::npos) << maillog;
  }
  void ExpectNoSecret(const CommandResult& r) {
    EXPECT_EQ(r.out.find(wrong_password_), std::string::npos) << "password in stdout";
    EXPECT_EQ(r.err.find(wrong_password_), std::string::npos) << "password in stderr";
    const std::string outbox = bed_->Run({"outbox", "list", "--json"}).out;
    const std::string status = bed_->Run({"status", "--json"}).out;
    for (const std::string& secret : {wrong_password_, stack_.password(kDaemonUser)}) {
      EXPECT_EQ(outbox.find(secret), std::string::npos) << outbox;
      EXPECT_EQ(status.find(secret), std::string::npos) << status;
    }
  }

  const std::string wrong_password_ = "Wr0ng-pass-" + std::to_string(::getpid());
  std::string wrong_file_;
};

// Given a wrong IMAP password, the run stops on Dovecot's refusal.
TEST_F(DaemonConfigErrors, ImapWrongPassword) {
  DaemonConfig c = DaemonConfig::For(stack_);
  c.imap_password_file = WrongPasswordFile();
  CommandResult r = RunOnce(c);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(ErrorLines(r.err).size(), 1u) << r.err;
  EXPECT_EQ(LinesWith(r.err, "IMAP login refused for user flexmail").size(), 1u) << r.err;
  EXPECT_EQ(MailboxView(stack_, kDaemonUser).Count("INBOX"), 1) << "the message stays waiting";
  EXPECT_EQ(MailboxView(stack_, kShipperUser).Count("INBOX"), 0);
  ExpectNoSecret(r);
}

// Given no ca_file, the system bundle does not trust the stack's CA: the run
// stops and says whose certificate and which CA.
TEST_F(DaemonConfigErrors, ImapUntrustedCertificate) {
  DaemonConfig c = DaemonConfig::For(stack_);
  c.imap_ca_file.clear();
  CommandResult r = RunOnce(c);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(ErrorLines(r.err).size(), 1u) << r.err;
  EXPECT_EQ(
      LinesWith(r.err, "TLS certificate of 127.0.0.1 not trusted (the system CA bundle)").size(),
      1u)
      << r.err;
  EXPECT_EQ(MailboxView(stack_, kDaemonUser).Count("INBOX"), 1) << "the message stays waiting";
  EXPECT_EQ(MailboxView(stack_, kShipperUser).Count("INBOX"), 0);
  ExpectNoSecret(r);
}

// Given an imap:// server that offers no STARTTLS, the run stops before any
// credential is sent; on the stack's IMAP port STARTTLS is used.
TEST_F(DaemonConfigErrors, ImapWithoutStartTls) {
  PlaintextImapStub stub;
  DaemonConfig c = DaemonConfig::For(stack_);
  c.imap_url = "imap://127.0.0.1:" + std::to_string(stub.port()) + "/INBOX";
  CommandResult r = RunOnce(c);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(ErrorLines(r.err).size(), 1u) << r.err;
  EXPECT_EQ(LinesWith(r.err, "does not offer STARTTLS; refusing plaintext").size(), 1u) << r.err;
  const std::string wire = stub.received();
  EXPECT_EQ(wire.find(stack_.password(kDaemonUser)), std::string::npos) << wire;
  EXPECT_EQ(wire.find("LOGIN"), std::string::npos) << wire;
  EXPECT_EQ(wire.find("AUTHENTICATE"), std::string::npos) << wire;
  ExpectNoSecret(r);

  // The same on Dovecot's plain port: upgraded with STARTTLS, then processed.
  c.imap_url = "imap://127.0.0.1:" + std::to_string(stack_.imap_port()) + "/INBOX";
  Rewire(c);
  CommandResult ok = bed_->Run({"run", "--once"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  std::ifstream log(stack_.Env("DOVECOT_LOG"));
  std::string dovecot((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(dovecot.find("Login: user=<flexmail>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1"),
            std::string::npos);
  for (const auto& line : LinesWith(dovecot, "Login: user=<flexmail>")) {
    EXPECT_NE(line.find(", TLS"), std::string::npos) << line;
  }
}

// Given a wrong SMTP password, no reply leaves and the run says why.
TEST_F(DaemonConfigErrors, SmtpWrongPassword) {
  DaemonConfig c = DaemonConfig::For(stack_);
  c.smtp_password_file = WrongPasswordFile();
  CommandResult r = RunOnce(c);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(LinesWith(r.err, "SMTP login refused for user flexmail").size(), 1u) << r.err;
  ExpectNothingDelivered();
  ExpectFolders(0, 1, 0, 0);  // the declaration itself was read and filed
  ExpectNoSecret(r);
}

// Given no ca_file for SMTP, Postfix's certificate is not trusted: no reply
// leaves and the run says why.
TEST_F(DaemonConfigErrors, SmtpUntrustedCertificate) {
  DaemonConfig c = DaemonConfig::For(stack_);
  c.smtp_ca_file.clear();
  CommandResult r = RunOnce(c);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(
      LinesWith(r.err, "TLS certificate of 127.0.0.1 not trusted (the system CA bundle)").size(),
      1u)
      << r.err;
  ExpectNothingDelivered();
  ExpectFolders(0, 1, 0, 0);  // the declaration itself was read and filed
  ExpectNoSecret(r);
}

// Given Postfix's port without STARTTLS, no reply goes out in plaintext.
TEST_F(DaemonConfigErrors, SmtpWithoutStartTls) {
  DaemonConfig c = DaemonConfig::For(stack_);
  c.smtp_url = "smtp://127.0.0.1:" + std::to_string(stack_.smtp_plain_port());
  CommandResult r = RunOnce(c);
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(LinesWith(r.err, "does not offer STARTTLS; refusing plaintext").size(), 1u) << r.err;
  ExpectNothingDelivered();
  ExpectFolders(0, 1, 0, 0);  // the declaration itself was read and filed
  ExpectNoSecret(r);
}

}  // namespace
}  // namespace flexmail::test
