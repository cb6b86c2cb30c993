// `flexmail run` with IMAP IDLE against the real Dovecot and Postfix: with a
// five-minute poll interval only IDLE can explain an answer within seconds;
// IDLE comes back after a Dovecot restart; without IDLE (not offered, or
// idle = false) the daemon polls. Bounds are generous: speed is for
// bench/mail-bench.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/daemon_scenarios.h"

namespace flexmail::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kEstablished = "IMAP IDLE established on ";

class IdleScenario : public DaemonScenario {
 protected:
  void UsePolling(int poll_interval, bool idle) {
    DaemonConfig c = DaemonConfig::For(stack_);
    c.poll_interval = poll_interval;
    c.idle = idle;
    Rewire(c);
  }
  ::testing::AssertionResult Send(const std::string& id, int days_ahead) {
    SmtpOutcome sent = SendAsShipper(stack_, ShipperEmail({id, GasDay::FromToday(days_ahead), 1}));
    if (sent.code != CURLE_OK) return ::testing::AssertionFailure() << sent.error << Logs();
    return ::testing::AssertionSuccess();
  }
  bool LogSays(std::string_view needle, int times, std::chrono::milliseconds limit) {
    return WaitUntil([&] { return bed_->LogCount(needle) >= times; }, limit);
  }
};

// Given a daemon polling every 300 s and idling on its INBOX, a declaration
// sent through Postfix is answered within seconds: only IDLE can explain it.
TEST_F(IdleScenario, AnswersAtOnceDespiteAFiveMinutePoll) {
  UsePolling(300, true);
  ASSERT_TRUE(daemon_->Start());
  ASSERT_TRUE(LogSays(kEstablished, 1, 20s)) << Logs();
  ASSERT_TRUE(Send("idle-1@example.test", 10));
  std::vector<ReceivedMail> replies = WaitForReplies(1, 15s);
  ASSERT_EQ(replies.size(), 1u) << Logs();
  EXPECT_EQ(replies[0].in_reply_to, "<idle-1@example.test>");
  ASSERT_TRUE(Send("idle-2@example.test", 11));
  ASSERT_EQ(WaitForReplies(2, 15s).size(), 2u) << Logs();
  EXPECT_EQ(bed_->LogCount(kEstablished), 1) << Logs();
  EXPECT_EQ(bed_->LogCount("IMAP IDLE lost"), 0) << Logs();
  ASSERT_TRUE(daemon_->Stop());
}

// Given Dovecot restarted under an idling daemon, the daemon says once that
// IDLE is lost and once that it is back, and a new mail is again answered
// within seconds (the poll interval is still 300 s).
TEST_F(IdleScenario, IdlesAgainAfterDovecotRestarts) {
  UsePolling(300, true);
  ASSERT_TRUE(daemon_->Start());
  ASSERT_TRUE(LogSays(kEstablished, 1, 20s)) << Logs();
  ASSERT_TRUE(stack_.StopDovecot());
  stack_.EndDovecotLeftovers();
  ASSERT_TRUE(LogSays("IMAP IDLE lost (", 1, 20s)) << Logs();
  ASSERT_TRUE(stack_.StartDovecot());
  ASSERT_TRUE(LogSays(kEstablished, 2, 60s)) << Logs();
  ASSERT_TRUE(Send("after-restart@example.test", 10));
  std::vector<ReceivedMail> replies = WaitForReplies(1, 15s);
  ASSERT_EQ(replies.size(), 1u) << Logs();
  EXPECT_EQ(replies[0].in_reply_to, "<after-restart@example.test>");
  EXPECT_EQ(bed_->LogCount("IMAP IDLE lost ("), 1) << "said once, not at every attempt" << Logs();
  ASSERT_TRUE(daemon_->Stop());
}

// Given idle = false, the daemon says it polls only, never idles, and still
// answers at its poll interval.
TEST_F(IdleScenario, IdleOffMeansPollingOnly) {
  UsePolling(2, false);
  ASSERT_TRUE(daemon_->Start());
  ASSERT_TRUE(LogSays("IMAP IDLE off ([inbox] idle = false): polling only", 1, 10s)) << Logs();
  ASSERT_TRUE(Send("polled@example.test", 10));
  ASSERT_EQ(WaitForReplies(1, 30s).size(), 1u) << Logs();
  EXPECT_EQ(bed_->LogCount("IMAP IDLE established"), 0) << Logs();
  ASSERT_TRUE(daemon_->Stop());
}

class NoIdleScenario : public IdleScenario {
 protected:
  ::testing::AssertionResult StartStack() override { return stack_.StartWithoutIdle(); }
};

// Given a server that does not offer IDLE, the daemon says so once and falls
// back to polling every poll_interval, and still answers.
TEST_F(NoIdleScenario, FallsBackToPolling) {
  UsePolling(2, true);
  ASSERT_TRUE(daemon_->Start());
  ASSERT_TRUE(LogSays("IMAP IDLE unavailable (", 1, 20s)) << Logs();
  EXPECT_EQ(bed_->LogCount("does not offer IDLE): polling every 2 s until it is back"), 1)
      << Logs();
  ASSERT_TRUE(Send("no-idle@example.test", 10));
  ASSERT_EQ(WaitForReplies(1, 30s).size(), 1u) << Logs();
  EXPECT_EQ(bed_->LogCount(kEstablished), 0) << Logs();
  ASSERT_TRUE(daemon_->Stop());
}

}  // namespace
}  // namespace flexmail::test
