#include <gtest/gtest.h>

#include "tests/db/mail_test_util.h"

namespace flexmail::testing {
namespace {

using namespace std::chrono_literals;

class CanaryLedgerTest : public LedgerTest {
 protected:
  CanaryRecord LastTrip() {
    bool found = false;
    CanaryRecord r;
    Status s = ledger_->LastCanaryRoundTrip(&found, &r);
    EXPECT_TRUE(s.ok() && found) << s.ToString();
    return r;
  }
  CanaryRecord Latest() {
    bool found = false;
    CanaryRecord r;
    Status s = ledger_->LatestCanaryProbe(&found, &r);
    EXPECT_TRUE(s.ok() && found) << s.ToString();
    return r;
  }
  Instant t0_ = Utc(2026, 12, 3, 9, 30);
};

TEST_F(CanaryLedgerTest, NoProbeYet) {
  // Given a new ledger, neither a round trip nor a probe is found.
  bool found = true;
  CanaryRecord r;
  ASSERT_TRUE(ledger_->LastCanaryRoundTrip(&found, &r).ok());
  EXPECT_FALSE(found);
  found = true;
  ASSERT_TRUE(ledger_->LatestCanaryProbe(&found, &r).ok());
  EXPECT_FALSE(found);
}

TEST_F(CanaryLedgerTest, SentThenReturnedGivesTheRoundTrip) {
  // Given a probe sent then read back 1.5 s later, its round trip is 1500 ms, also after a restart.
  ASSERT_TRUE(ledger_->RecordCanarySent("probe-0001", t0_).ok());
  EXPECT_FALSE(Latest().returned_at.has_value());
  bool counted = false;
  ASSERT_TRUE(ledger_->RecordCanaryReturned("probe-0001", t0_, t0_ + 1500ms, &counted).ok());
  EXPECT_TRUE(counted);
  for (int restart = 0; restart < 2; ++restart) {
    CanaryRecord r = LastTrip();
    EXPECT_EQ(r.probe_id, "probe-0001");
    EXPECT_EQ(r.sent_at, t0_);
    ASSERT_TRUE(r.returned_at.has_value());
    EXPECT_EQ(*r.returned_at, t0_ + 1500ms);
    EXPECT_EQ(r.round_trip_ms, 1500);
    Reopen();
  }
}

TEST_F(CanaryLedgerTest, AProbeReadTwiceCountsOnce) {
  // Given a probe read back twice, the second reading changes nothing and is not counted.
  ASSERT_TRUE(ledger_->RecordCanarySent("probe-0001", t0_).ok());
  bool counted = false;
  ASSERT_TRUE(ledger_->RecordCanaryReturned("probe-0001", t0_, t0_ + 2s, &counted).ok());
  ASSERT_TRUE(counted);
  ASSERT_TRUE(ledger_->RecordCanaryReturned("probe-0001", t0_, t0_ + 9s, &counted).ok());
  EXPECT_FALSE(counted);
  EXPECT_EQ(LastTrip().round_trip_ms, 2000);
  EXPECT_EQ(RawDb(path_).Count("canary_probes"), 1);
}

TEST_F(CanaryLedgerTest, SendFailureIsKeptAndNeverARoundTrip) {
  // Given a good probe then one the relay refused, the latest is the failure with its error, the round trip the good one.
  ASSERT_TRUE(ledger_->RecordCanarySent("probe-0001", t0_).ok());
  bool counted = false;
  ASSERT_TRUE(ledger_->RecordCanaryReturned("probe-0001", t0_, t0_ + 1s, &counted).ok());
  ASSERT_TRUE(ledger_->RecordCanarySendFailure("probe-0002", t0_ + 60s, "connection refused").ok());
  CanaryRecord latest = Latest();
  EXPECT_EQ(latest.probe_id, "probe-0002");
  EXPECT_EQ(latest.send_error, "connection refused");
  EXPECT_FALSE(latest.returned_at.has_value());
  EXPECT_EQ(LastTrip().probe_id, "probe-0001");
  EXPECT_EQ(RawDb(path_).One("SELECT send_error FROM v_canary LIMIT 1"), "connection refused");
}

TEST_F(CanaryLedgerTest, UnknownProbeIsRecordedFromItsHeaderTime) {
  // Given a probe this ledger never saw sent (restored from a backup), it is recorded with the time its header proves.
  bool counted = false;
  ASSERT_TRUE(ledger_->RecordCanaryReturned("probe-0009", t0_, t0_ + 3s, &counted).ok());
  EXPECT_TRUE(counted);
  EXPECT_EQ(LastTrip().round_trip_ms, 3000);
  EXPECT_EQ(LastTrip().sent_at, t0_);
}

TEST_F(CanaryLedgerTest, RoundTripIsNeverNegative) {
  // Given a clock set back between sending and reading, the round trip counts as 0 ms.
  ASSERT_TRUE(ledger_->RecordCanarySent("probe-0001", t0_).ok());
  bool counted = false;
  ASSERT_TRUE(ledger_->RecordCanaryReturned("probe-0001", t0_, t0_ - 5s, &counted).ok());
  EXPECT_EQ(LastTrip().round_trip_ms, 0);
}

TEST_F(CanaryLedgerTest, ViewListsLatestFirst) {
  // Given three probes, v_canary lists them newest first with their round trip or error.
  ASSERT_TRUE(ledger_->RecordCanarySent("probe-0001", t0_).ok());
  ASSERT_TRUE(ledger_->RecordCanarySendFailure("probe-0002", t0_ + 60s, "421 try later").ok());
  ASSERT_TRUE(ledger_->RecordCanarySent("probe-0003", t0_ + 120s).ok());
  bool counted = false;
  ASSERT_TRUE(ledger_->RecordCanaryReturned("probe-0003", t0_, t0_ + 121s, &counted).ok());
  auto rows = RawDb(path_).Rows("SELECT probe_id, send_error, round_trip_ms FROM v_canary");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"probe-0003", "NULL", "1000"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"probe-0002", "421 try later", "NULL"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"probe-0001", "NULL", "NULL"}));
  bool found = false;
  CanaryRecord first;
  ASSERT_TRUE(ledger_->FirstCanaryProbe(&found, &first).ok());
  EXPECT_EQ(first.probe_id, "probe-0001");
}

TEST_F(CanaryLedgerTest, OldProbesArePrunedButTheLastRoundTripIsKept) {
  // Given more than kCanaryProbesKept probes after the last one that came back, that one is still kept.
  ASSERT_TRUE(ledger_->RecordCanarySent("probe-0000", t0_).ok());
  bool counted = false;
  ASSERT_TRUE(ledger_->RecordCanaryReturned("probe-0000", t0_, t0_ + 1s, &counted).ok());
  {
    RawDb raw(path_);
    std::string sql =
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < " +
        std::to_string(Ledger::kCanaryProbesKept) + ") "
        "INSERT INTO canary_probes (probe_id, sent_at, sent_at_local, send_error) "
        "SELECT printf('lost-%06d', i), '2026-12-03T10:00:00.000Z', "
        "'2026-12-03T11:00:00.000+01:00', 'timeout' FROM k";
    ASSERT_EQ(sqlite3_exec(raw.get(), sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  }
  ASSERT_TRUE(ledger_->RecordCanarySendFailure("probe-last", t0_ + 1h, "timeout").ok());
  EXPECT_EQ(RawDb(path_).Count("canary_probes"), Ledger::kCanaryProbesKept + 1);
  EXPECT_EQ(LastTrip().probe_id, "probe-0000");
  EXPECT_EQ(Latest().probe_id, "probe-last");
}

}  // namespace
}  // namespace flexmail::testing
