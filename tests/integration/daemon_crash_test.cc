// `kill -9` of `flexmail run` at random points of a backlog, against the real
// Dovecot and Postfix: nothing is lost and nothing is processed twice. A reply
// may leave twice (killed between the server's 250 and the ledger's SENT),
// at most once per kill; the figures are printed and recorded.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/daemon_scenarios.h"

namespace flexmail::test {
namespace {

using namespace std::chrono_literals;

// FLEXMAIL_KILL_BACKLOG and FLEXMAIL_KILLS change them, to measure how many
// duplicate replies a given number of kills gives (see the README).
int EnvOr(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}
const int kBacklog = EnvOr("FLEXMAIL_KILL_BACKLOG", 200);
const int kMaxKills = EnvOr("FLEXMAIL_KILLS", 40);
constexpr auto kKillPhase = 75s;   // killing stops after this...
constexpr auto kDrainLimit = 60s;  // ...then the last run gets this long to finish

std::string Id(int i) { return "crash-" + std::to_string(i) + "@example.test"; }

// Given a backlog of 200 messages and a daemon killed with SIGKILL at random
// moments and restarted each time, every message is processed exactly once
// and every reply is sent, a reply sent twice at most once per kill.
TEST_F(DaemonScenario, SurvivesKillNineAtRandomPointsOfABacklog) {
  const GasDay day{2026, 12, 3};
  // Versions rise with reception order: processing out of order, or twice,
  // would show as a rejected declaration.
  for (int i = 1; i <= kBacklog; ++i) {
    ASSERT_TRUE(Seed({Id(i), day, i, 100 + i}, SeedDate("2026-12-02 10:00:00", i)));
  }
  std::random_device device;
  unsigned seed = device();
  if (const char* fixed = std::getenv("FLEXMAIL_KILL_SEED"))
    seed = std::strtoul(fixed, nullptr, 10);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pause_ms(20, 450);
  std::cout << "[ kill -9 ] seed " << seed << " (FLEXMAIL_KILL_SEED to replay)\n";
  RecordProperty("kill_seed", std::to_string(seed));

  auto drained = [&] {
    return ledger_->Count("SELECT count(*) FROM messages") == kBacklog &&
           ledger_->Count("SELECT count(*) FROM outbox WHERE state = 'SENT'") == kBacklog;
  };
  const auto t0 = Clock::now();
  int kills = 0;
  while (kills < kMaxKills && Clock::now() - t0 < kKillPhase) {
    ASSERT_TRUE(daemon_->Start());
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    if (drained()) break;
    daemon_->Kill();
    ++kills;
  }
  if (!daemon_->running()) {
    ASSERT_TRUE(daemon_->Start());
  }
  const bool done = WaitUntil(drained, kDrainLimit);
  ASSERT_TRUE(daemon_->Stop());
  ASSERT_TRUE(done) << "backlog not drained after " << kills
                    << " kills: " << ledger_->Count("SELECT count(*) FROM messages")
                    << " messages, "
                    << ledger_->Count("SELECT count(*) FROM outbox WHERE state = 'SENT'")
                    << " replies sent" << Logs();

  // The ledger: each message once, at its own position, one declaration and
  // one reply each.
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM messages"), kBacklog);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM (SELECT DISTINCT mailbox, validity, mailbox_key "
                           "FROM messages)"),
            kBacklog);
  EXPECT_EQ(ledger_->Count("SELECT count(DISTINCT message_id) FROM messages"), kBacklog);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM messages WHERE duplicate_of IS NOT NULL"), 0);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM messages WHERE outcome = 'INTEGRATED' "
                           "AND folder = 'Processed'"),
            kBacklog);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM declarations"), kBacklog);
  EXPECT_EQ(ledger_->Count("SELECT count(DISTINCT declaration_id) FROM messages"), kBacklog);
  EXPECT_EQ(ledger_->Count("SELECT count(DISTINCT hms_profile_id) FROM programmes "
                           "WHERE status = 'ACCEPTED'"),
            kBacklog);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM programmes"), kBacklog);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM outbox"), kBacklog);
  EXPECT_EQ(ledger_->Count("SELECT count(DISTINCT declaration_id) FROM outbox"), kBacklog);
  ExpectFolders(0, kBacklog, 0, 0);

  // The shipper's mailbox: every reply at least once; wait until Postfix has
  // delivered what it accepted (the count stops moving).
  MailboxView shipper(stack_, kShipperUser);
  long count = -1;
  WaitUntil(
      [&] {
        long now = shipper.Count("INBOX");
        bool settled = now >= kBacklog && now == count;
        count = now;
        if (!settled) std::this_thread::sleep_for(400ms);
        return settled;
      },
      30s);
  std::vector<ReceivedMail> replies = ReadMailbox(shipper);
  std::map<std::string, int> by_original;
  for (const auto& r : replies) ++by_original[r.in_reply_to];
  int missing = 0;
  for (int i = 1; i <= kBacklog; ++i) missing += by_original.count("<" + Id(i) + ">") == 0;
  EXPECT_EQ(missing, 0) << "replies never received";
  EXPECT_EQ(by_original.size(), static_cast<std::size_t>(kBacklog))
      << "replies to unknown messages";
  const int duplicates = static_cast<int>(replies.size()) - static_cast<int>(by_original.size());
  const int refiled = bed_->LogCount("already processed (ledger message");

  std::cout << "[ kill -9 ] kills " << kills << ", duplicate replies " << duplicates
            << ", replies received " << replies.size() << ", messages filed after a restart "
            << refiled << ", "
            << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - t0).count()
            << " s\n";
  RecordProperty("kills", kills);
  RecordProperty("duplicate_replies", duplicates);
  RecordProperty("replies_received", static_cast<int>(replies.size()));
  RecordProperty("filed_after_restart", refiled);
  EXPECT_GE(kills, 1) << "the daemon drained the backlog before the first kill";
  EXPECT_LE(duplicates, kills);
}

}  // namespace
}  // namespace flexmail::test
