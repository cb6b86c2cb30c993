#include <gtest/gtest.h>

#include "tests/db/mail_test_util.h"

namespace flexmail::testing {
namespace {

class MessagesTest : public LedgerTest {
 protected:
  // Submits a rejected declaration whose extension stores *m for it, then
  // queues `replies` (also for it), then returns `then`.
  Status SubmitWithMessage(MessageRecord* m, std::vector<OutboxItem>* replies,
                           Status then = Status::Ok(), std::int64_t* id = nullptr) {
    auto extend = [&](sql::Transaction& tx, std::int64_t decl, const DeclarationResult&) {
      m->declaration_id = decl;
      Status s = ledger_->InsertMessage(tx, m);
      for (size_t i = 0; s.ok() && i < replies->size(); ++i) {
        (*replies)[i].declaration_id = decl;
        s = ledger_->EnqueueReply(tx, &(*replies)[i]);
      }
      return s.ok() ? then : s;
    };
    return SubmitResult(Rejected(m->received_at), id, extend);
  }

  Instant t0_ = Utc(2026, 12, 3, 9, 30);
};

TEST_F(MessagesTest, SubmitCommitsTheMessageAndItsRepliesWithTheDeclaration) {
  // Given an extension that stores the message and two replies, all three commit with the declaration and name it.
  MessageRecord m = Message("42", "a", t0_);
  m.outcome = Outcome::kRejected;
  m.reason = "";
  m.folder = "Rejected";
  std::vector<OutboxItem> replies = {ReplyItem(0, "r1", t0_), ReplyItem(0, "r2", t0_)};
  std::int64_t id = 0;
  Status s = SubmitWithMessage(&m, &replies, Status::Ok(), &id);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_GT(m.id, 0);
  EXPECT_GT(replies[1].id, replies[0].id);

  bool found = false;
  MessageRecord got;
  ASSERT_TRUE(ledger_->FindMessageAt("INBOX", 7, "42", &found, &got).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(got.declaration_id, id);
  ExpectSameMessage(got, m);
  std::vector<OutboxItem> outbox;
  ASSERT_TRUE(ledger_->Outbox(&outbox).ok());
  ASSERT_EQ(outbox.size(), 2u);
  EXPECT_EQ(outbox[0].declaration_id, id);
  EXPECT_EQ(outbox[1].declaration_id, id);
  EXPECT_EQ(RawDb(path_).Count("declarations"), 1);
}

TEST_F(MessagesTest, ExtensionFailureAfterTheInsertsLeavesNothing) {
  // Given an extension that stores the message and two replies and then fails, Submit returns that failure and no message, reply or declaration remains.
  MessageRecord m = Message("42", "a", t0_);
  std::vector<OutboxItem> replies = {ReplyItem(0, "r1", t0_), ReplyItem(0, "r2", t0_)};
  Status s = SubmitWithMessage(&m, &replies, Status::Transient("smtp queue unavailable"));
  EXPECT_EQ(s.kind(), Status::Kind::kTransient);
  EXPECT_EQ(s.message(), "smtp queue unavailable");
  EXPECT_EQ(TotalRows(RawDb(path_)), 0);
  bool found = true;
  MessageRecord got;
  ASSERT_TRUE(ledger_->FindMessageAt("INBOX", 7, "42", &found, &got).ok());
  EXPECT_FALSE(found);
}

TEST_F(MessagesTest, LedgerFailureInsideTheExtensionLeavesNothing) {
  // Given a stored message and a reply whose recipient cannot be stored, the ledger's own failure rolls back the declaration and the message.
  MessageRecord m = Message("42", "a", t0_);
  std::vector<OutboxItem> replies = {ReplyItem(0, "r1", t0_), ReplyItem(0, "r2", t0_)};
  replies[1].recipients = {"a@x.example, b@x.example"};
  Status s = SubmitWithMessage(&m, &replies);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), "reply \"<r2@flexmail.example>\": recipient \"a@x.example, "
                         "b@x.example\" is empty or contains \", \"");
  EXPECT_EQ(TotalRows(RawDb(path_)), 0);
}

TEST_F(MessagesTest, RecordsAnIgnoredMessageWithoutDeclaration) {
  // Given an ignored message, RecordMessage stores it alone, byte for byte, with no declaration and its size.
  MessageRecord m = Message("42", "a", t0_);
  ASSERT_TRUE(ledger_->RecordMessage(&m).ok());
  EXPECT_EQ(m.id, 1);
  bool found = false;
  MessageRecord got;
  ASSERT_TRUE(ledger_->FindMessageAt("INBOX", 7, "42", &found, &got).ok());
  ASSERT_TRUE(found);
  ExpectSameMessage(got, m);
  RawDb raw(path_);
  EXPECT_EQ(raw.Rows("SELECT declaration_id, duplicate_of, size, received_at, "
                     "received_at_local FROM messages"),
            (std::vector<std::vector<std::string>>{
                {"NULL", "NULL", std::to_string(m.raw.size()), "2026-12-03T09:30:00.000Z",
                 "2026-12-03T10:30:00.000+01:00"}}));
  EXPECT_EQ(raw.Count("declarations"), 0);
}

TEST_F(MessagesTest, FindsAMessageOnlyAtItsExactPosition) {
  // Given a message at INBOX/7/42, only that position finds it: another validity, key or mailbox misses, and an empty key never matches.
  MessageRecord m = Message("42", "a", t0_);
  ASSERT_TRUE(ledger_->RecordMessage(&m).ok());
  MessageRecord cli = Message("", "b", t0_);
  cli.mailbox = "cli";
  cli.validity = 0;
  cli.source = "cli";
  ASSERT_TRUE(ledger_->RecordMessage(&cli).ok());

  bool found = false;
  MessageRecord got;
  ASSERT_TRUE(ledger_->FindMessageAt("INBOX", 7, "42", &found, &got).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(got.id, m.id);
  const std::tuple<std::string, std::uint64_t, std::string> misses[] = {
      {"INBOX", 8, "42"}, {"INBOX", 7, "43"}, {"Archive", 7, "42"}, {"cli", 0, ""}};
  for (const auto& [mailbox, validity, key] : misses) {
    found = true;
    ASSERT_TRUE(ledger_->FindMessageAt(mailbox, validity, key, &found, &got).ok());
    EXPECT_FALSE(found) << mailbox << " " << validity << " " << key;
  }
}

TEST_F(MessagesTest, FindsOnlyTheFirstSightingByContent) {
  // Given a message and a later duplicate of it at another position, the content lookup finds the first one, and other content finds nothing.
  MessageRecord first = Message("42", "a", t0_);
  ASSERT_TRUE(ledger_->RecordMessage(&first).ok());
  MessageRecord again = Message("43", "a", t0_ + 1h);
  again.duplicate_of = first.id;
  again.reason = "duplicate";
  ASSERT_TRUE(ledger_->RecordMessage(&again).ok());
  EXPECT_GT(again.id, first.id);

  bool found = false;
  MessageRecord got;
  ASSERT_TRUE(ledger_->FindMessageByContent(first.message_id, first.sha256, &found, &got).ok());
  ASSERT_TRUE(found);
  ExpectSameMessage(got, first);
  ASSERT_TRUE(ledger_->FindMessageAt("INBOX", 7, "43", &found, &got).ok());
  EXPECT_EQ(got.duplicate_of, first.id);
  ASSERT_TRUE(ledger_->FindMessageByContent(first.message_id, Sha256Hex("other"), &found, &got)
                  .ok());
  EXPECT_FALSE(found);
  ASSERT_TRUE(ledger_->FindMessageByContent("<b@quimper.example>", first.sha256, &found, &got)
                  .ok());
  EXPECT_FALSE(found);
}

TEST_F(MessagesTest, SecondFirstSightingOfTheSameContentIsRefused) {
  // Given a stored message, the same content stored again as a first sighting fails as invalid input naming the constraint, and writes nothing.
  MessageRecord first = Message("42", "a", t0_);
  ASSERT_TRUE(ledger_->RecordMessage(&first).ok());
  MessageRecord again = Message("43", "a", t0_ + 1h);
  Status s = ledger_->RecordMessage(&again);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), "UNIQUE messages_first_sighting: Message-ID \"<a@quimper.example>\" "
                         "sha256 " + first.sha256 + " was first seen as message 1");
  EXPECT_EQ(again.id, 0);
  EXPECT_EQ(RawDb(path_).Count("messages"), 1);

  // The same inside a declaration's transaction: the declaration goes too.
  std::vector<OutboxItem> replies = {ReplyItem(0, "r1", t0_)};
  s = SubmitWithMessage(&again, &replies);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  RawDb raw(path_);
  EXPECT_EQ(raw.Count("declarations"), 0);
  EXPECT_EQ(raw.Count("outbox"), 0);
  EXPECT_EQ(raw.Count("messages"), 1);
}

TEST_F(MessagesTest, FindsTheDeclaredFirstSightingByDeclarationKey) {
  // Given an ignored message, a declared one and a duplicate sharing one declaration key, the key finds the declared one only; another key or none finds nothing.
  const std::string key = Sha256Hex("declaration");
  MessageRecord ignored = Message("41", "a", t0_);
  ignored.declaration_key = key;
  ASSERT_TRUE(ledger_->RecordMessage(&ignored).ok());
  bool found = true;
  MessageRecord got;
  ASSERT_TRUE(ledger_->FindMessageByDeclarationKey(key, &found, &got).ok());
  EXPECT_FALSE(found);  // it decided nothing about the declaration

  MessageRecord declared = Message("42", "b", t0_ + 1min);
  declared.declaration_key = key;
  declared.outcome = Outcome::kRejected;
  declared.folder = "Rejected";
  std::vector<OutboxItem> replies;
  ASSERT_TRUE(SubmitWithMessage(&declared, &replies).ok());
  MessageRecord copy = Message("43", "c", t0_ + 2min);
  copy.declaration_key = key;
  copy.duplicate_of = declared.id;
  ASSERT_TRUE(ledger_->RecordMessage(&copy).ok());

  ASSERT_TRUE(ledger_->FindMessageByDeclarationKey(key, &found, &got).ok());
  ASSERT_TRUE(found);
  ExpectSameMessage(got, declared);
  for (const std::string& miss : {Sha256Hex("other"), std::string()}) {
    found = true;
    ASSERT_TRUE(ledger_->FindMessageByDeclarationKey(miss, &found, &got).ok());
    EXPECT_FALSE(found) << miss;
  }
  // No key is stored as NULL.
  MessageRecord none = Message("44", "d", t0_);
  ASSERT_TRUE(ledger_->RecordMessage(&none).ok());
  EXPECT_EQ(RawDb(path_).One("SELECT count(*) FROM messages WHERE declaration_key IS NULL"), "1");
}

TEST_F(MessagesTest, SecondDeclarationOfTheSameKeyIsRefused) {
  // Given a message that made a declaration, another first sighting with its key and a declaration fails as invalid input naming the constraint, and its declaration goes too; one without a declaration is stored.
  const std::string key = Sha256Hex("declaration");
  MessageRecord first = Message("42", "a", t0_);
  first.declaration_key = key;
  std::vector<OutboxItem> replies;
  ASSERT_TRUE(SubmitWithMessage(&first, &replies).ok());
  MessageRecord again = Message("43", "b", t0_ + 1h);
  again.declaration_key = key;
  Status s = SubmitWithMessage(&again, &replies);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), "UNIQUE messages_declared_once: declaration key " + key +
                             " was declared by message " + std::to_string(first.id));
  RawDb raw(path_);
  EXPECT_EQ(raw.Count("declarations"), 1);
  EXPECT_EQ(raw.Count("messages"), 1);
  again.declaration_id = 0;
  s = ledger_->RecordMessage(&again);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(MessagesTest, SamePositionTwiceIsRefused) {
  // Given a message at INBOX/7/42, another message at the same position fails as invalid input naming the constraint, and writes nothing.
  MessageRecord first = Message("42", "a", t0_);
  ASSERT_TRUE(ledger_->RecordMessage(&first).ok());
  MessageRecord other = Message("42", "b", t0_ + 1h);
  Status s = ledger_->RecordMessage(&other);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), "UNIQUE messages_position: mailbox \"INBOX\" validity 7 key \"42\" "
                         "already holds message 1");
  // A duplicate (not a first sighting) at a taken position is refused too.
  other = Message("42", "a", t0_ + 1h);
  other.duplicate_of = first.id;
  EXPECT_EQ(ledger_->RecordMessage(&other).kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(RawDb(path_).Count("messages"), 1);
}

TEST_F(MessagesTest, MessagesWithoutPositionDoNotCollide) {
  // Given two different messages given to `ingest` (no mailbox key), both are stored.
  for (const char* tag : {"a", "b"}) {
    MessageRecord m = Message("", tag, t0_);
    m.mailbox = "cli";
    m.validity = 0;
    m.source = "cli";
    Status s = ledger_->RecordMessage(&m);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_EQ(RawDb(path_).One("SELECT count(*) FROM messages WHERE mailbox_key IS NULL"), "2");
}

TEST_F(MessagesTest, DigestIsComputedOrChecked) {
  // Given no digest, the raw bytes' own is stored; given a wrong one, the write fails as internal.
  MessageRecord m = Message("42", "a", t0_);
  m.sha256.clear();
  ASSERT_TRUE(ledger_->RecordMessage(&m).ok());
  EXPECT_EQ(m.sha256, Sha256Hex(m.raw));
  MessageRecord bad = Message("43", "b", t0_);
  bad.sha256 = Sha256Hex("something else");
  Status s = ledger_->RecordMessage(&bad);
  EXPECT_EQ(s.kind(), Status::Kind::kInternal);
  EXPECT_EQ(s.message(), "message sha256 \"" + bad.sha256 +
                             "\" is not the digest of its raw bytes (" + Sha256Hex(bad.raw) + ")");
  EXPECT_EQ(RawDb(path_).Count("messages"), 1);
}

TEST_F(MessagesTest, ListsNewestFirstWithoutRawBytes) {
  // Given three messages, Messages lists them newest first without their bytes, limited or not.
  for (int i = 0; i < 3; ++i) {
    MessageRecord m = Message(std::to_string(40 + i), "m" + std::to_string(i), t0_ + i * 1min);
    ASSERT_TRUE(ledger_->RecordMessage(&m).ok());
  }
  std::vector<MessageRecord> got;
  ASSERT_TRUE(ledger_->Messages(2, &got).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].mailbox_key, "42");
  EXPECT_EQ(got[1].mailbox_key, "41");
  EXPECT_TRUE(got[0].raw.empty());
  EXPECT_EQ(got[0].sha256, Sha256Hex(RawMessage("m2")));
  ASSERT_TRUE(ledger_->Messages(0, &got).ok());
  EXPECT_EQ(got.size(), 3u);
}

TEST_F(MessagesTest, MessagesSurviveAReopen) {
  // Given a stored message, after a restart it reads back identical and its content is still taken.
  MessageRecord first = Message("42", "a", t0_);
  ASSERT_TRUE(ledger_->RecordMessage(&first).ok());
  Reopen();
  bool found = false;
  MessageRecord got;
  ASSERT_TRUE(ledger_->FindMessageByContent(first.message_id, first.sha256, &found, &got).ok());
  ASSERT_TRUE(found);
  ExpectSameMessage(got, first);
  MessageRecord again = Message("43", "a", t0_);
  EXPECT_EQ(ledger_->RecordMessage(&again).kind(), Status::Kind::kInvalidInput);
}

}  // namespace
}  // namespace flexmail::testing
