#include <gtest/gtest.h>

#include "tests/db/mail_test_util.h"

namespace flexmail::testing {
namespace {

class PollsTest : public LedgerTest {
 protected:
  // Adds `n` failed polls straight into the file, in one transaction, as
  // hours of failing 30 s polls would have.
  void AddFailedPolls(int n) {
    RawDb raw(path_);
    std::string sql =
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < " +
        std::to_string(n) + ") "
        "INSERT INTO polls (started_at, started_at_local, finished_at, finished_at_local, ok, "
        "error, messages_waiting, messages_processed) "
        "SELECT '2026-12-03T10:00:00.000Z', '2026-12-03T11:00:00.000+01:00', "
        "'2026-12-03T10:00:01.000Z', '2026-12-03T11:00:01.000+01:00', 0, 'imap: timeout', 0, 0 "
        "FROM k";
    ASSERT_EQ(sqlite3_exec(raw.get(), sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(raw.get());
  }
  PollRecord Last(bool successful) {
    bool found = false;
    PollRecord p;
    Status s = successful ? ledger_->LastSuccessfulPoll(&found, &p) : ledger_->LastPoll(&found, &p);
    EXPECT_TRUE(s.ok() && found) << s.ToString();
    return p;
  }

  Instant t0_ = Utc(2026, 12, 3, 9, 30);
};

TEST_F(PollsTest, NoPollYet) {
  // Given a new ledger, neither the last poll nor the last successful one is found.
  bool found = true;
  PollRecord p;
  ASSERT_TRUE(ledger_->LastPoll(&found, &p).ok());
  EXPECT_FALSE(found);
  found = true;
  ASSERT_TRUE(ledger_->LastSuccessfulPoll(&found, &p).ok());
  EXPECT_FALSE(found);
}

TEST_F(PollsTest, LastPollAndLastSuccessfulPollDiffer) {
  // Given a successful poll then a failed one, LastPoll is the failure and LastSuccessfulPoll the success, field by field, also after a restart.
  PollRecord good = Poll(t0_, true, 3, 2);
  PollRecord bad = Poll(t0_ + 30s, false);
  ASSERT_TRUE(ledger_->RecordPoll(good).ok());
  ASSERT_TRUE(ledger_->RecordPoll(bad).ok());
  for (int restart = 0; restart < 2; ++restart) {
    ExpectSamePoll(Last(false), bad);
    ExpectSamePoll(Last(true), good);
    Reopen();
  }
}

TEST_F(PollsTest, LatestIsTheLastRecorded) {
  // Given a poll recorded after one that started later (a clock set back), the last recorded is the latest.
  ASSERT_TRUE(ledger_->RecordPoll(Poll(t0_ + 1h, true, 1)).ok());
  ASSERT_TRUE(ledger_->RecordPoll(Poll(t0_, true, 2)).ok());
  EXPECT_EQ(Last(false).messages_waiting, 2);
  EXPECT_EQ(Last(true).messages_waiting, 2);
}

TEST_F(PollsTest, PruningKeepsTheLatestPollsAndTheLastSuccess) {
  // Given a success followed by more failures than are kept, the oldest failures go but the success stays until a newer one replaces it.
  PollRecord old_success = Poll(t0_, true, 4, 4);
  ASSERT_TRUE(ledger_->RecordPoll(old_success).ok());
  AddFailedPolls(Ledger::kPollsKept);
  ASSERT_TRUE(ledger_->RecordPoll(Poll(t0_ + 9h, false)).ok());
  RawDb raw(path_);
  EXPECT_EQ(raw.Count("polls"), Ledger::kPollsKept + 1);
  EXPECT_EQ(raw.One("SELECT count(*) FROM polls WHERE ok = 1"), "1");
  ExpectSamePoll(Last(true), old_success);
  EXPECT_EQ(Last(false).started_at, t0_ + 9h);

  PollRecord new_success = Poll(t0_ + 10h, true, 1, 1);
  ASSERT_TRUE(ledger_->RecordPoll(new_success).ok());
  EXPECT_EQ(raw.Count("polls"), Ledger::kPollsKept);
  EXPECT_EQ(raw.One("SELECT count(*) FROM polls WHERE ok = 1"), "1");
  ExpectSamePoll(Last(true), new_success);
  ExpectSamePoll(Last(false), new_success);
}

TEST_F(PollsTest, FewPollsAreNotPruned) {
  // Given fewer polls than are kept, every one of them stays.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(ledger_->RecordPoll(Poll(t0_ + i * 30s, i % 2 == 0)).ok());
  }
  EXPECT_EQ(RawDb(path_).Count("polls"), 5);
}

}  // namespace
}  // namespace flexmail::testing
