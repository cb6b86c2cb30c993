#include <gtest/gtest.h>

#include "tests/db/mail_test_util.h"

namespace flexmail::testing {
namespace {

// A declaration to answer, and a way to queue replies to it.
class OutboxTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    ASSERT_TRUE(SubmitResult(Rejected(t0_), &declaration_).ok());
  }
  // Queues `items` in one declaration transaction, as the daemon would.
  Status Enqueue(std::vector<OutboxItem>* items) {
    auto extend = [&](sql::Transaction& tx, std::int64_t, const DeclarationResult&) {
      Status s;
      for (size_t i = 0; s.ok() && i < items->size(); ++i) {
        s = ledger_->EnqueueReply(tx, &(*items)[i]);
      }
      return s;
    };
    return SubmitResult(Rejected(t0_ + 1min), nullptr, extend);
  }
  std::vector<std::int64_t> DueIds(Instant now, int limit = 0) {
    std::vector<OutboxItem> due;
    Status s = ledger_->DueReplies(now, limit, &due);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<std::int64_t> ids;
    for (const OutboxItem& r : due) ids.push_back(r.id);
    return ids;
  }
  OutboxItem Stored(std::int64_t id) {
    bool found = false;
    OutboxItem r;
    Status s = ledger_->Reply(id, &found, &r);
    EXPECT_TRUE(s.ok() && found) << s.ToString();
    return r;
  }

  Instant t0_ = Utc(2026, 12, 3, 9, 30);
  std::int64_t declaration_ = 0;
};

TEST_F(OutboxTest, DueRepliesArePendingAndDueOldestFirst) {
  // Given replies due now, later and already sent, DueReplies gives the pending ones due at `now`, oldest first, up to the limit.
  std::vector<OutboxItem> items = {
      ReplyItem(declaration_, "late", t0_ + 10min), ReplyItem(declaration_, "new", t0_ + 2min),
      ReplyItem(declaration_, "old", t0_), ReplyItem(declaration_, "sent", t0_)};
  items[0].created_at = t0_;
  ASSERT_TRUE(Enqueue(&items).ok());
  ASSERT_TRUE(ledger_->MarkReplySent(items[3].id, t0_ + 1min).ok());

  EXPECT_EQ(DueIds(t0_ - 1ms), (std::vector<std::int64_t>{}));
  EXPECT_EQ(DueIds(t0_), (std::vector<std::int64_t>{items[2].id}));
  EXPECT_EQ(DueIds(t0_ + 5min), (std::vector<std::int64_t>{items[2].id, items[1].id}));
  EXPECT_EQ(DueIds(t0_ + 10min), (std::vector<std::int64_t>{items[0].id, items[2].id,
                                                             items[1].id}));
  EXPECT_EQ(DueIds(t0_ + 10min, 1), (std::vector<std::int64_t>{items[0].id}));
}

TEST_F(OutboxTest, RetryCountsTheAttemptAndPostpones) {
  // Given a reply that failed to send twice, it stays PENDING with two attempts, the last error, and is not due before its next attempt.
  std::vector<OutboxItem> items = {ReplyItem(declaration_, "r", t0_)};
  ASSERT_TRUE(Enqueue(&items).ok());
  std::int64_t id = items[0].id;
  ASSERT_TRUE(ledger_->MarkReplyRetry(id, t0_ + 1min, "smtp: 451 try later").ok());
  ASSERT_TRUE(ledger_->MarkReplyRetry(id, t0_ + 5min, "smtp: connection reset").ok());
  OutboxItem r = Stored(id);
  EXPECT_EQ(r.state, ReplyState::kPending);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(r.next_attempt_at, t0_ + 5min);
  EXPECT_EQ(r.last_error, "smtp: connection reset");
  EXPECT_FALSE(r.sent_at.has_value());
  EXPECT_TRUE(DueIds(t0_ + 5min - 1ms).empty());
  EXPECT_EQ(DueIds(t0_ + 5min), (std::vector<std::int64_t>{id}));
}

TEST_F(OutboxTest, SentAndFailedAreFinal) {
  // Given one reply sent after a retry and one given up, each records its instant and attempts, leaves the queue and refuses further changes.
  std::vector<OutboxItem> items = {ReplyItem(declaration_, "a", t0_),
                                   ReplyItem(declaration_, "b", t0_)};
  ASSERT_TRUE(Enqueue(&items).ok());
  ASSERT_TRUE(ledger_->MarkReplyRetry(items[0].id, t0_ + 1min, "smtp: 451").ok());
  ASSERT_TRUE(ledger_->MarkReplySent(items[0].id, t0_ + 2min).ok());
  ASSERT_TRUE(ledger_->MarkReplyFailed(items[1].id, t0_ + 3min, "smtp: 550 no such user").ok());

  OutboxItem sent = Stored(items[0].id);
  EXPECT_EQ(sent.state, ReplyState::kSent);
  EXPECT_EQ(sent.attempts, 2);
  EXPECT_EQ(sent.sent_at, t0_ + 2min);
  EXPECT_FALSE(sent.failed_at.has_value());
  EXPECT_EQ(sent.last_error, "smtp: 451");
  OutboxItem failed = Stored(items[1].id);
  EXPECT_EQ(failed.state, ReplyState::kFailed);
  EXPECT_EQ(failed.attempts, 1);
  EXPECT_EQ(failed.failed_at, t0_ + 3min);
  EXPECT_FALSE(failed.sent_at.has_value());
  EXPECT_EQ(failed.last_error, "smtp: 550 no such user");
  EXPECT_TRUE(DueIds(t0_ + 1h).empty());

  Status s = ledger_->MarkReplyRetry(items[0].id, t0_ + 1h, "again");
  EXPECT_EQ(s.kind(), Status::Kind::kInternal);
  EXPECT_EQ(s.message(), "reply 1 is SENT, not PENDING: cannot mark it for retry");
  s = ledger_->MarkReplySent(items[1].id, t0_ + 1h);
  EXPECT_EQ(s.message(), "reply 2 is FAILED, not PENDING: cannot mark it sent");
  s = ledger_->MarkReplyFailed(99, t0_ + 1h, "x");
  EXPECT_EQ(s.kind(), Status::Kind::kNotFound);
  EXPECT_EQ(s.message(), "no reply 99 to mark failed");
  EXPECT_EQ(Stored(items[0].id).attempts, 2);
}

TEST_F(OutboxTest, RepliesReadBackByteExact) {
  // Given replies with CRLF, NUL and 8-bit bytes, one already retried, Reply and Outbox give back exactly what was written, also after a restart.
  std::vector<OutboxItem> items = {ReplyItem(declaration_, "a", t0_),
                                   ReplyItem(declaration_, "b", t0_ + 1min)};
  items[1].state = ReplyState::kPending;
  items[1].attempts = 3;
  items[1].next_attempt_at = t0_ + 7min + 250ms;
  items[1].last_error = "smtp: 421 busy";
  items[1].recipients = {"only@quimper.example"};
  ASSERT_TRUE(Enqueue(&items).ok());
  for (int restart = 0; restart < 2; ++restart) {
    ExpectSameReply(Stored(items[0].id), items[0]);
    ExpectSameReply(Stored(items[1].id), items[1]);
    std::vector<OutboxItem> all;
    ASSERT_TRUE(ledger_->Outbox(&all).ok());
    ASSERT_EQ(all.size(), 2u);
    ExpectSameReply(all[0], items[1]);  // newest first
    ExpectSameReply(all[1], items[0]);
    Reopen();
  }
  EXPECT_EQ(RawDb(path_).One("SELECT hex(substr(raw, -7)) FROM outbox WHERE id = 1"),
            "0D0A0080FF0D0A");
  bool found = true;
  OutboxItem none;
  ASSERT_TRUE(ledger_->Reply(99, &found, &none).ok());
  EXPECT_FALSE(found);
}

TEST_F(OutboxTest, RecipientsThatWouldNotReadBackAreRefused) {
  // Given a reply with no recipient, an empty one or one holding the separator, it is refused as invalid input and nothing of the declaration is stored.
  const std::vector<std::string> bad[] = {{}, {"a@x.example", ""}, {"a@x.example, b@x.example"}};
  long before = TotalRows(RawDb(path_));
  for (const auto& recipients : bad) {
    std::vector<OutboxItem> items = {ReplyItem(declaration_, "r", t0_)};
    items[0].recipients = recipients;
    EXPECT_EQ(Enqueue(&items).kind(), Status::Kind::kInvalidInput);
  }
  EXPECT_EQ(TotalRows(RawDb(path_)), before);
}

TEST_F(OutboxTest, AReplyMessageIdIsQueuedOnce) {
  // Given a reply already queued, queuing its Message-ID again fails and the second declaration is not stored.
  std::vector<OutboxItem> items = {ReplyItem(declaration_, "r", t0_)};
  ASSERT_TRUE(Enqueue(&items).ok());
  long before = TotalRows(RawDb(path_));
  Status s = Enqueue(&items);
  EXPECT_EQ(s.kind(), Status::Kind::kInternal);
  EXPECT_NE(s.message().find("UNIQUE constraint failed: outbox.message_id"), std::string::npos)
      << s.message();
  EXPECT_EQ(TotalRows(RawDb(path_)), before);
}

}  // namespace
}  // namespace flexmail::testing
