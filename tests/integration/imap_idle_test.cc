// ImapIdler against the real Dovecot of the mail stack: new mail reported
// while idling, IDLE re-issued on the same connection after the refresh, a
// Dovecot restart survived, a server without IDLE or a refused login reported
// as unavailable. Bounds are generous: these tests say what happens, not how
// fast (bench/mail-bench measures that).
#include "mail/imap_idle.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/mailstack/mail_stack.h"
#include "tests/integration/transport_helpers.h"

namespace flexmail::test {
namespace {

using namespace std::chrono_literals;
using Event = ImapIdler::Event;

std::string Message(int i) {
  return "From: <ops@example.test>\r\nTo: <declarations@example.test>\r\n"
         "Subject: idle " + std::to_string(i) + "\r\n"
         "Message-ID: <idle-" + std::to_string(i) + "@example.test>\r\n\r\nbody\r\n";
}

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto t0 = Clock::now();
  while (!done()) {
    if (Clock::now() - t0 > limit) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// What Wait says within `limit`.
Event Next(ImapIdler& idler, std::chrono::milliseconds limit) {
  return idler.Wait(Clock::now() + limit, nullptr);
}

class ImapIdleTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start()); }

  ImapOptions Options() const { return ImapsOptions(stack_, kDaemonUser); }
  // Starts `idler`, waits until it idles and takes the notice that comes
  // with it (mail may have arrived while it was connecting).
  void StartIdling(ImapIdler& idler) {
    idler.Start();
    ASSERT_TRUE(WaitFor([&] { return idler.connected(); }, 20s))
        << idler.last_error() << stack_.LogTail();
    EXPECT_EQ(Next(idler, 1s), Event::kNewMail) << "the notice of a new IDLE";
  }
  int DovecotLogins() const {
    std::ifstream log(stack_.Env("DOVECOT_LOG"));
    int n = 0;
    for (std::string line; std::getline(log, line);)
      n += line.find("Login: user=<flexmail>") != std::string::npos;
    return n;
  }

  MailStack stack_;
};

// Given an idler in IDLE on the INBOX, a message delivered to the INBOX is
// reported as new mail, and nothing is reported while nothing arrives. The
// login was made by libcurl's connect phase (CONNECT_ONLY): Dovecot logged it.
TEST_F(ImapIdleTest, ReportsMailDeliveredWhileIdling) {
  ImapIdler idler(Options(), IdleSettings{});
  StartIdling(idler);
  EXPECT_EQ(DovecotLogins(), 1) << stack_.LogTail();
  EXPECT_EQ(Next(idler, 500ms), Event::kTimeout);
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(1), "2026-03-03 10:00:00 +0100"));
  EXPECT_EQ(Next(idler, 30s), Event::kNewMail) << idler.last_error() << stack_.LogTail();
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(2), "2026-03-03 10:00:01 +0100"));
  EXPECT_EQ(Next(idler, 30s), Event::kNewMail) << idler.last_error() << stack_.LogTail();
  EXPECT_TRUE(idler.connected());
  EXPECT_EQ(idler.idle_commands(), 1);
  idler.Stop();
  EXPECT_EQ(idler.state(), ImapIdler::State::kStopped);
  EXPECT_EQ(Next(idler, 1s), Event::kStopped);
}

// Given an imap:// URL, libcurl's connect phase upgrades with STARTTLS
// before the login (Dovecot logs it as a TLS login), and IDLE works on it.
TEST_F(ImapIdleTest, IdlesOverStartTls) {
  ImapOptions o = Options();
  o.url = "imap://127.0.0.1:" + std::to_string(stack_.imap_port()) + "/INBOX";
  ImapIdler idler(o, IdleSettings{});
  StartIdling(idler);
  std::ifstream log(stack_.Env("DOVECOT_LOG"));
  std::string login;
  for (std::string line; std::getline(log, line);)
    if (line.find("Login: user=<flexmail>") != std::string::npos) login = line;
  EXPECT_NE(login.find(", TLS"), std::string::npos) << login;
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(1), "2026-03-03 10:00:00 +0100"));
  EXPECT_EQ(Next(idler, 30s), Event::kNewMail) << idler.last_error() << stack_.LogTail();
}

// Given a 5 s refresh, IDLE is ended and issued again on the same connection
// (one login), and mail arriving after the refreshes is still reported.
TEST_F(ImapIdleTest, ReissuesIdleAfterTheRefresh) {
  IdleSettings settings;
  settings.refresh = 5s;
  ImapIdler idler(Options(), settings);
  StartIdling(idler);
  ASSERT_TRUE(WaitFor([&] { return idler.idle_commands() >= 3; }, 30s))
      << idler.idle_commands() << " IDLE commands; " << idler.last_error();
  EXPECT_TRUE(idler.connected());
  EXPECT_EQ(DovecotLogins(), 1) << "the refresh must not reconnect" << stack_.LogTail();
  EXPECT_EQ(Next(idler, 100ms), Event::kTimeout) << "a refresh is not new mail";
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(1), "2026-03-03 10:00:00 +0100"));
  EXPECT_EQ(Next(idler, 30s), Event::kNewMail) << idler.last_error() << stack_.LogTail();
}

// Given Dovecot stopped (and its sessions ended) under an idling idler, IDLE
// is reported unavailable; once Dovecot is back, the idler reconnects by
// itself, says so with one notice, and reports new mail again.
TEST_F(ImapIdleTest, ReconnectsAfterDovecotRestarts) {
  ImapIdler idler(Options(), IdleSettings{});
  StartIdling(idler);
  ASSERT_TRUE(stack_.StopDovecot());
  stack_.EndDovecotLeftovers();
  EXPECT_EQ(Next(idler, 30s), Event::kUnavailable);
  EXPECT_FALSE(idler.connected());
  EXPECT_NE(idler.last_error(), "");
  ASSERT_TRUE(stack_.StartDovecot());
  ASSERT_TRUE(WaitFor([&] { return idler.connected(); }, 60s))
      << idler.last_error() << stack_.LogTail();
  EXPECT_EQ(Next(idler, 1s), Event::kNewMail) << "the notice of a new IDLE";
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(1), "2026-03-03 10:00:00 +0100"));
  EXPECT_EQ(Next(idler, 30s), Event::kNewMail) << idler.last_error() << stack_.LogTail();
}

// Given a refused password, IDLE is unavailable and the reason quotes the
// server but never the password; Stop does not wait for the backoff.
TEST_F(ImapIdleTest, RefusedLoginIsUnavailableWithoutThePassword) {
  ImapOptions o = Options();
  o.password = "wrong-secret-1234";
  ImapIdler idler(o, IdleSettings{});
  idler.Start();
  EXPECT_EQ(Next(idler, 30s), Event::kUnavailable);
  EXPECT_EQ(idler.state(), ImapIdler::State::kBroken);
  const std::string why = idler.last_error();
  EXPECT_NE(why.find("refused the login of user flexmail"), std::string::npos) << why;
  EXPECT_EQ(why.find("wrong-secret-1234"), std::string::npos) << why;
  const auto t0 = Clock::now();
  idler.Stop();
  EXPECT_LT(Clock::now() - t0, 5s);
}

// Hands out the given tokens in turn (the last one forever), recording the
// refused ones.
class ScriptedTokens final : public TokenSource {
 public:
  explicit ScriptedTokens(std::deque<std::string> tokens) : tokens_(std::move(tokens)) {}
  Status Get(std::string* token) override {
    std::lock_guard<std::mutex> lock(mu_);
    *token = tokens_.front();
    return Status::Ok();
  }
  void Refused(const std::string& token) override {
    std::lock_guard<std::mutex> lock(mu_);
    refused.push_back(token);
    if (tokens_.size() > 1) tokens_.pop_front();
  }
  std::vector<std::string> refused;

 private:
  std::mutex mu_;
  std::deque<std::string> tokens_;
};

// Given a token-only server and a source whose first token is refused, the
// idler tells the source and logs in with the next token, and idles.
TEST(ImapIdleOAuth2Test, RetriesARefusedTokenOnceThenIdles) {
  MailStack stack;
  ASSERT_TRUE(stack.StartWithOAuth2());
  std::string fresh;
  ASSERT_TRUE(stack.RequestTokenWithSecret(&fresh));
  auto tokens = std::make_shared<ScriptedTokens>(std::deque<std::string>{"stale-token", fresh});
  ImapOptions o = ImapsOptions(stack, kDaemonUser);
  o.password.clear();
  o.token_source = tokens;
  ImapIdler idler(o, IdleSettings{});
  idler.Start();
  ASSERT_TRUE(WaitFor([&] { return idler.connected(); }, 20s))
      << idler.last_error() << stack.LogTail();
  idler.Stop();
  EXPECT_EQ(tokens->refused, std::vector<std::string>{"stale-token"});
}

// Given a Dovecot that does not advertise IDLE, the idler says at once that
// IDLE is unavailable, and why.
TEST(ImapIdleWithoutIdleTest, ReportsIdleNotOffered) {
  MailStack stack;
  ASSERT_TRUE(stack.StartWithoutIdle());
  ImapIdler idler(ImapsOptions(stack, kDaemonUser), IdleSettings{});
  idler.Start();
  EXPECT_EQ(Next(idler, 30s), Event::kUnavailable) << stack.LogTail();
  EXPECT_EQ(idler.state(), ImapIdler::State::kNotOffered);
  EXPECT_NE(idler.last_error().find("does not offer IDLE"), std::string::npos)
      << idler.last_error();
  const auto t0 = Clock::now();
  idler.Stop();
  EXPECT_LT(Clock::now() - t0, 5s) << "Stop must not wait for the next check";
}

}  // namespace
}  // namespace flexmail::test
