#include <gtest/gtest.h>

#include "tests/db/mail_test_util.h"

namespace flexmail::testing {
namespace {

class MonitoringTest : public LedgerTest {
 protected:
  // Queues one reply created at `at`, in a declaration transaction.
  std::int64_t Enqueue(const std::string& tag, Instant at) {
    OutboxItem item = ReplyItem(0, tag, at);
    auto extend = [&](sql::Transaction& tx, std::int64_t id, const DeclarationResult&) {
      item.declaration_id = id;
      return ledger_->EnqueueReply(tx, &item);
    };
    Status s = SubmitResult(Rejected(at), nullptr, extend);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return item.id;
  }
  Instant t0_ = Utc(2026, 12, 3, 9, 30);
};

TEST_F(MonitoringTest, MessagesAreCountedByOutcome) {
  // Given two ignored messages, the count by outcome has IGNORED = 2 and nothing else.
  std::map<std::string, std::int64_t> counts;
  ASSERT_TRUE(ledger_->CountMessagesByOutcome(&counts).ok());
  EXPECT_TRUE(counts.empty());
  MessageRecord a = Message("1", "a", t0_), b = Message("2", "b", t0_);
  ASSERT_TRUE(ledger_->RecordMessage(&a).ok());
  ASSERT_TRUE(ledger_->RecordMessage(&b).ok());
  ASSERT_TRUE(ledger_->CountMessagesByOutcome(&counts).ok());
  EXPECT_EQ(counts, (std::map<std::string, std::int64_t>{{"IGNORED", 2}}));
}

TEST_F(MonitoringTest, OldestPendingReplyIgnoresSentOnes) {
  // Given an old reply sent and a newer one pending, the oldest pending is the newer one; none once it is sent too.
  bool found = true;
  Instant at{};
  ASSERT_TRUE(ledger_->OldestPendingReply(&found, &at).ok());
  EXPECT_FALSE(found);
  std::int64_t old_id = Enqueue("old", t0_);
  std::int64_t new_id = Enqueue("new", t0_ + 1h);
  ASSERT_TRUE(ledger_->MarkReplySent(old_id, t0_ + 2h).ok());
  ASSERT_TRUE(ledger_->OldestPendingReply(&found, &at).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(at, t0_ + 1h);
  ASSERT_TRUE(ledger_->MarkReplySent(new_id, t0_ + 2h).ok());
  ASSERT_TRUE(ledger_->OldestPendingReply(&found, &at).ok());
  EXPECT_FALSE(found);
}

TEST_F(MonitoringTest, RepliesAreCountedByStateFromTheIndex) {
  // Given three replies, one sent and one failed, the counts per state are 1 each, the oldest pending names its declaration, and the count reads the outbox_by_state index rather than the rows.
  std::map<std::string, int> counts;
  ASSERT_TRUE(ledger_->CountRepliesByState(&counts).ok());
  EXPECT_TRUE(counts.empty());
  std::int64_t sent = Enqueue("sent", t0_);
  std::int64_t failed = Enqueue("failed", t0_ + 1min);
  Enqueue("pending", t0_ + 2min);
  ASSERT_TRUE(ledger_->MarkReplySent(sent, t0_ + 3min).ok());
  ASSERT_TRUE(ledger_->MarkReplyFailed(failed, t0_ + 3min, "550 no").ok());
  ASSERT_TRUE(ledger_->CountRepliesByState(&counts).ok());
  EXPECT_EQ(counts, (std::map<std::string, int>{{"FAILED", 1}, {"PENDING", 1}, {"SENT", 1}}));
  bool found = false;
  Instant at{};
  std::int64_t declaration = 0;
  ASSERT_TRUE(ledger_->OldestPendingReply(&found, &at, &declaration).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(at, t0_ + 2min);
  EXPECT_EQ(declaration, 3);
  const auto plan =
      RawDb(path_).Rows("EXPLAIN QUERY PLAN SELECT state, count(*) FROM outbox GROUP BY state");
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_NE(plan[0].back().find("COVERING INDEX outbox_by_state"), std::string::npos)
      << plan[0].back();
}

TEST_F(MonitoringTest, AuthenticationTempFailuresAreCountedFromTheirIndex) {
  // Given the query of CountAuthTempFailures, SQLite should answer it from the partial index of such messages, never by reading every message of the day (raw included).
  const auto plan = RawDb(path_).Rows(
      "EXPLAIN QUERY PLAN SELECT count(*) FROM messages WHERE auth_result = 'temperror' "
      "AND outcome = 'REJECTED' AND received_at >= '2026-12-03T00:00:00.000Z'");
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_NE(plan[0].back().find("INDEX messages_auth_temperrors"), std::string::npos)
      << plan[0].back();
  int count = -1;
  ASSERT_TRUE(ledger_->CountAuthTempFailures(t0_ - 24h, &count).ok());
  EXPECT_EQ(count, 0);
}

TEST_F(MonitoringTest, ServerCertificateIsReplacedPerEndpoint) {
  // Given a certificate recorded twice for one endpoint and once for another, two rows remain, the first with its latest values.
  ServerCertificateRecord imap{"imaps://mail.example:993", "CN = mail.example",
                               Utc(2027, 1, 1, 0), t0_};
  ServerCertificateRecord smtp{"smtp://mail.example:587", "CN = smtp.example",
                               Utc(2027, 2, 1, 0), t0_};
  ASSERT_TRUE(ledger_->RecordServerCertificate(imap).ok());
  ASSERT_TRUE(ledger_->RecordServerCertificate(smtp).ok());
  imap.not_after = Utc(2028, 1, 1, 0);
  imap.seen_at = t0_ + 1h;
  ASSERT_TRUE(ledger_->RecordServerCertificate(imap).ok());
  std::vector<ServerCertificateRecord> got;
  ASSERT_TRUE(ledger_->ServerCertificates(&got).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].endpoint, "imaps://mail.example:993");
  EXPECT_EQ(got[0].subject, "CN = mail.example");
  EXPECT_EQ(got[0].not_after, Utc(2028, 1, 1, 0));
  EXPECT_EQ(got[0].seen_at, t0_ + 1h);
  EXPECT_EQ(got[1].endpoint, "smtp://mail.example:587");
  EXPECT_EQ(got[1].not_after, Utc(2027, 2, 1, 0));
  EXPECT_EQ(ledger_->RecordServerCertificate({}).kind(), Status::Kind::kInvalidInput);
}

}  // namespace
}  // namespace flexmail::testing
