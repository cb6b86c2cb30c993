#include <gtest/gtest.h>

#include "db/schema.h"
#include "tests/db/mail_test_util.h"

namespace flexmail::testing {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// The email channel as an operator finds it: a rejected declaration with
// its message and two replies (one sent, one waiting for a retry), a
// duplicate of that message, and two polls (a success, then a failure).
class MailViewsTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    std::vector<OutboxItem> replies = {ReplyItem(0, "r1", t0_), ReplyItem(0, "r2", t0_)};
    auto extend = [&](sql::Transaction& tx, std::int64_t id, const DeclarationResult&) {
      MessageRecord m = Message("42", "a", t0_);
      m.outcome = Outcome::kRejected;
      m.reason = "";
      m.folder = "Rejected";
      m.declaration_id = id;
      Status s = ledger_->InsertMessage(tx, &m);
      for (OutboxItem& r : replies) {
        r.declaration_id = id;
        if (s.ok()) s = ledger_->EnqueueReply(tx, &r);
      }
      return s;
    };
    ASSERT_TRUE(SubmitResult(Rejected(t0_), nullptr, extend).ok());
    MessageRecord again = Message("43", "a", t0_ + 1h);
    again.reason = "duplicate";
    again.duplicate_of = 1;
    ASSERT_TRUE(ledger_->RecordMessage(&again).ok());
    ASSERT_TRUE(ledger_->MarkReplySent(replies[0].id, t0_ + 1min).ok());
    ASSERT_TRUE(ledger_->MarkReplyRetry(replies[1].id, t0_ + 6min, "smtp: 451 try later").ok());
    ASSERT_TRUE(ledger_->RecordPoll(Poll(t0_, true, 1, 1)).ok());
    ASSERT_TRUE(ledger_->RecordPoll(Poll(t0_ + 30s, false)).ok());
    raw_ = std::make_unique<RawDb>(path_);
  }
  Instant t0_ = Utc(2026, 12, 3, 9, 30);
  std::unique_ptr<RawDb> raw_;
};

const char kRecipients[] = "ops@quimper.example, chef,@quimper.example";

TEST_F(MailViewsTest, MessagesShowWhatBecameOfEach) {
  // Given a rejected message and its duplicate, v_messages lists both in reception order with local times, outcome, folder, declaration and first sighting.
  EXPECT_EQ(raw_->Rows("SELECT * FROM v_messages"),
            (Rows{{"1", "2026-12-03T10:30:00.000+01:00", "ops@quimper.example",
                   "Programme du 3 décembre", "REJECTED", "", "Rejected", "1", "NULL", "NULL", "NULL",
                   "NULL"},
                  {"2", "2026-12-03T11:30:00.000+01:00", "ops@quimper.example",
                   "Programme du 3 décembre", "IGNORED", "duplicate", "Ignored", "NULL", "1", "NULL",
                   "NULL", "NULL"}}));
}

TEST_F(MailViewsTest, OutboxShowsEveryReplyWithoutItsBytes) {
  // Given a sent reply and one waiting for a retry, v_outbox shows their state, attempts, local times and last error.
  EXPECT_EQ(raw_->Rows("SELECT * FROM v_outbox"),
            (Rows{{"1", "1", "<r1@flexmail.example>", kRecipients, "SENT", "1",
                   "2026-12-03T10:30:00.000+01:00", "2026-12-03T10:31:00.000+01:00", "NULL", "",
                   "NULL"},
                  {"2", "1", "<r2@flexmail.example>", kRecipients, "PENDING", "1",
                   "2026-12-03T10:36:00.000+01:00", "NULL", "NULL", "smtp: 451 try later",
                   "NULL"}}));
}

TEST_F(MailViewsTest, OutboxPendingShowsOnlyWhatIsLeftToSend) {
  // Given one reply sent and one not, v_outbox_pending shows only the one left, with its next attempt and last error.
  EXPECT_EQ(raw_->Rows("SELECT * FROM v_outbox_pending"),
            (Rows{{"2", "1", "<r2@flexmail.example>", kRecipients, "1",
                   "2026-12-03T10:30:00.000+01:00", "2026-12-03T10:36:00.000+01:00",
                   "smtp: 451 try later"}}));
}

TEST_F(MailViewsTest, PollsShowTheLatestFirst) {
  // Given a success then a failure, v_polls shows the failure first, with local times and durations.
  EXPECT_EQ(raw_->Rows("SELECT * FROM v_polls"),
            (Rows{{"2", "2026-12-03T10:30:30.000+01:00", "2026-12-03T10:30:31.250+01:00", "1250",
                   "0", "imap: connection refused", "0", "0", "0"},
                  {"1", "2026-12-03T10:30:00.000+01:00", "2026-12-03T10:30:01.250+01:00", "1250",
                   "1", "", "0", "1", "1"}}));
}

// What migrations 12 (ledger_instance), 11 (monitoring indexes), 10
// (tls_certificates), 9 (the canary), 8 (polls.needs_operator), 6
// (authentication) and 5 (RULES §9, judged_at) add, taken away to make an
// older ledger.
constexpr const char* kUndoMigrations5To14 =
    "DROP VIEW v_annotations; DROP TABLE annotations; DROP VIEW v_message_texts; "
    "ALTER TABLE messages DROP COLUMN body_text; DROP INDEX messages_ignored_by_day; "
    "ALTER TABLE messages DROP COLUMN raw_kept; ALTER TABLE messages DROP COLUMN message_size; "
    "DROP VIEW v_overrides; DROP VIEW v_programmes; DROP VIEW v_shortages; "
    "DROP TABLE override_versions; DROP TABLE overrides; "
    "DROP TRIGGER reference_versions_from_accepted; ALTER TABLE shortages DROP COLUMN cancels; "
    "DROP TABLE ledger_instance; DROP INDEX outbox_by_state; "
    "DROP INDEX messages_auth_temperrors; DROP TABLE tls_certificates; "
    "DROP VIEW v_canary; DROP TABLE canary_probes; "
    "DROP VIEW v_polls; ALTER TABLE polls DROP COLUMN needs_operator; "
    "DROP INDEX messages_auth_failures; DROP VIEW v_messages; "
    "ALTER TABLE messages DROP COLUMN auth_method; ALTER TABLE messages DROP COLUMN auth_result; "
    "ALTER TABLE messages DROP COLUMN auth_detail; ALTER TABLE messages DROP COLUMN shipper; "
    "DROP INDEX programmes_by_site_day; DROP VIEW v_declarations; "
    "ALTER TABLE declarations DROP COLUMN judged_at_local; "
    "ALTER TABLE declarations DROP COLUMN judged_at";

TEST(MailSchemaTest, UpgradesALedgerOfVersion8) {
  // Given a ledger of version 8 with a poll, Open adds the canary's table and view, empty, and keeps the poll.
  TempDir dir;
  std::string path = dir.File("v8.db");
  ASSERT_NO_FATAL_FAILURE(CreateLedgerAtVersion(path, 8));
  ASSERT_EQ(RawDb(path).One("SELECT count(*) FROM sqlite_master WHERE name = 'canary_probes'"),
            "0");
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(path, &ledger).ok());
  ASSERT_TRUE(ledger->RecordPoll(Poll(Utc(2026, 12, 3, 9), true)).ok());
  EXPECT_EQ(ledger->schema_version(), LatestSchemaVersion());
  ASSERT_TRUE(ledger->RecordCanarySent("probe-0001", Utc(2026, 12, 3, 9)).ok());
  RawDb raw(path);
  EXPECT_EQ(raw.One("SELECT probe_id FROM v_canary"), "probe-0001");
  EXPECT_EQ(raw.One("SELECT count(*) FROM polls"), "1");
}

TEST(MailSchemaTest, UpgradesALedgerOfVersion7) {
  // Given a ledger of version 7 with a failed poll, Open adds needs_operator (0 for the old poll), and a poll that needs an operator is then recorded and read back as such.
  TempDir dir;
  std::string path = dir.File("v7.db");
  ASSERT_NO_FATAL_FAILURE(CreateLedgerAtVersion(path, 7));
  {
    RawDb raw(path);
    ASSERT_EQ(sqlite3_exec(raw.get(), R"sql(
INSERT INTO polls (started_at, started_at_local, finished_at, finished_at_local, ok, error,
                   messages_waiting, messages_processed)
  VALUES ('2026-12-03T09:30:00.000Z', '2026-12-03T10:30:00.000+01:00',
          '2026-12-03T09:30:01.000Z', '2026-12-03T10:30:01.000+01:00', 0, 'imap: refused', 0, 0);
)sql", nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw.get());
  }
  std::unique_ptr<Ledger> ledger;
  Status s = Ledger::Open(path, &ledger);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ledger->schema_version(), LatestSchemaVersion());
  bool found = false;
  PollRecord last;
  ASSERT_TRUE(ledger->LastPoll(&found, &last).ok());
  ASSERT_TRUE(found);
  EXPECT_FALSE(last.needs_operator);
  PollRecord bad;
  bad.started_at = bad.finished_at = Utc(2026, 12, 3, 10);
  bad.ok = false;
  bad.error = "oauth2: invalid_client";
  bad.needs_operator = true;
  ASSERT_TRUE(ledger->RecordPoll(bad).ok());
  ASSERT_TRUE(ledger->LastPoll(&found, &last).ok());
  EXPECT_TRUE(last.needs_operator);
  EXPECT_EQ(last.error, "oauth2: invalid_client");
  RawDb raw(path);
  EXPECT_EQ(raw.One("SELECT group_concat(needs_operator, ',') FROM v_polls"), "1,0");
}

TEST(MailSchemaTest, UpgradesALedgerOfVersion6) {
  // Given a ledger of version 6 with a declaration, its message, a duplicate and a reply, Open rebuilds messages and outbox (migration 7) keeping every row and link, and a TEST message and a reply without declaration can then be stored.
  TempDir dir;
  std::string path = dir.File("v6.db");
  ASSERT_NO_FATAL_FAILURE(CreateLedgerAtVersion(path, 6));
  {
    RawDb raw(path);
    ASSERT_EQ(sqlite3_exec(raw.get(), "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr),
              SQLITE_OK);
    const char* rows = R"sql(
INSERT INTO declarations (received_at, received_at_local, sender, source, outcome)
  VALUES ('2026-12-03T09:00:00.000Z', '2026-12-03T10:00:00.000+01:00', 'ops@quimper.example',
          'cli', 'REJECTED');
INSERT INTO messages (declaration_id, mailbox, validity, message_id, sha256, sender, subject,
  received_at, received_at_local, source, raw, size, outcome, reason, folder, duplicate_of,
  auth_method, auth_result, shipper)
  VALUES (1, 'cli', 0, '<a@quimper.example>',
          '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881',
          'ops@quimper.example', 's', '2026-12-03T09:00:00.000Z', '2026-12-03T10:00:00.000+01:00',
          'cli', X'78', 1, 'REJECTED', '', 'Rejected', NULL, 'dkim', 'fail', 'Quimper');
INSERT INTO messages (declaration_id, mailbox, validity, message_id, sha256, sender, subject,
  received_at, received_at_local, source, raw, size, outcome, reason, folder, duplicate_of,
  auth_method, auth_result, shipper)
  VALUES (NULL, 'cli', 0, '<a@quimper.example>',
          '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881',
          'ops@quimper.example', 's', '2026-12-03T09:05:00.000Z', '2026-12-03T10:05:00.000+01:00',
          'cli', X'78', 1, 'IGNORED', 'duplicate', 'Rejected', 1, NULL, NULL, NULL);
INSERT INTO outbox (declaration_id, message_id, from_address, recipients, raw, state, attempts,
  created_at, created_at_local, next_attempt_at, next_attempt_at_local, last_error)
  VALUES (1, '<declaration-1.flexmail@x.example>', 'f@x.example', 'ops@quimper.example', X'79',
          'PENDING', 0, '2026-12-03T09:00:01.000Z', '2026-12-03T10:00:01.000+01:00',
          '2026-12-03T09:00:01.000Z', '2026-12-03T10:00:01.000+01:00', '');
)sql";
    ASSERT_EQ(sqlite3_exec(raw.get(), rows, nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(raw.get());
  }
  std::unique_ptr<Ledger> ledger;
  Status s = Ledger::Open(path, &ledger);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ledger->schema_version(), LatestSchemaVersion());
  std::vector<MessageRecord> stored;
  ASSERT_TRUE(ledger->Messages(0, &stored).ok());
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].duplicate_of, 1);  // newest first
  EXPECT_EQ(stored[1].auth_result, "fail");
  EXPECT_EQ(stored[1].shipper, "Quimper");
  std::vector<OutboxItem> replies;
  ASSERT_TRUE(ledger->Outbox(&replies).ok());
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].declaration_id, 1);
  EXPECT_EQ(replies[0].message_ref, 0);

  MessageRecord test = Message("3", "t", Utc(2026, 12, 3, 11));
  test.outcome = Outcome::kTest;
  OutboxItem ack;
  ASSERT_TRUE(ledger->RecordAnsweredMessage(
      &test,
      [](const MessageRecord& m, OutboxItem* r) {
        r->message_id = "<test-" + std::to_string(m.id) + ".flexmail@x.example>";
        r->from = "f@x.example";
        r->recipients = {"ops@quimper.example"};
        r->raw = "ack";
        r->created_at = r->next_attempt_at = Utc(2026, 12, 3, 11);
        return Status::Ok();
      },
      &ack).ok());
  EXPECT_EQ(ack.message_ref, test.id);
  EXPECT_EQ(RawDb(path).One("SELECT outcome FROM v_messages WHERE id = 3"), "TEST");
  EXPECT_EQ(RawDb(path).One("SELECT message FROM v_outbox WHERE id = 2"), "3");
  EXPECT_EQ(RawDb(path).One("SELECT declaration FROM v_outbox WHERE id = 2"), "NULL");
  EXPECT_TRUE(RawDb(path).Rows("PRAGMA foreign_key_check").empty());
}

TEST(MailSchemaTest, UpgradesALedgerOfVersion4) {
  // Given a ledger of version 4 holding a declaration, Open adds judged_at: the old declaration has none and v_declarations shows it judged at reception.
  TempDir dir;
  std::string path = dir.File("v4.db");
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(path, &ledger).ok());
  DeclarationResult r = Integrated(Utc(2026, 12, 3, 9), {Programme("LI0001", D(), 1)});
  DeclarationResult out;
  std::int64_t id = 0;
  ASSERT_TRUE(ledger->Submit(Envelope(r.received_at), KeysOf(r),
                             [&](const LedgerSnapshot&) { return r; }, &out, &id).ok());
  ledger.reset();
  {
    RawDb raw(path);
    ASSERT_EQ(sqlite3_exec(raw.get(), kUndoMigrations5To14, nullptr, nullptr, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw.get(), "PRAGMA user_version = 4", nullptr, nullptr, nullptr),
              SQLITE_OK);
  }
  Status s = Ledger::Open(path, &ledger);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ledger->schema_version(), LatestSchemaVersion());
  RawDb raw(path);
  EXPECT_EQ(raw.One("SELECT judged_at FROM declarations"), "NULL");
  EXPECT_EQ(raw.One("SELECT judged FROM v_declarations"), "2026-12-03T10:00:00.000+01:00");
}

TEST(MailSchemaTest, UpgradesALedgerOfVersion2) {
  // Given a ledger written before the email channel (version 2) holding a declaration, Open adds the channel's tables and keeps the declaration.
  TempDir dir;
  std::string path = dir.File("v2.db");
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(path, &ledger).ok());
  ASSERT_TRUE(ledger->DeclareShortage(Shortage{D(), "", Utc(2026, 12, 3, 8)}).ok());
  ledger.reset();
  {
    RawDb raw(path);
    ASSERT_EQ(sqlite3_exec(raw.get(), kUndoMigrations5To14, nullptr, nullptr, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw.get(),
                           "DROP VIEW v_outbox; DROP VIEW v_outbox_pending; "
                           "DROP TABLE outbox; DROP TABLE messages; "
                           "DROP TABLE polls; PRAGMA user_version = 2",
                           nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw.get());
  }
  Status s = Ledger::Open(path, &ledger);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ledger->schema_version(), LatestSchemaVersion());
  std::vector<Shortage> shortages;
  ASSERT_TRUE(ledger->Shortages(&shortages).ok());
  EXPECT_EQ(shortages.size(), 1u);
  MessageRecord m = Message("1", "a", Utc(2026, 12, 3, 9));
  EXPECT_TRUE(ledger->RecordMessage(&m).ok());
  ASSERT_TRUE(ledger->RecordPoll(Poll(Utc(2026, 12, 3, 9), true)).ok());
  EXPECT_EQ(RawDb(path).One("PRAGMA user_version"), std::to_string(LatestSchemaVersion()));
}

TEST(MailSchemaTest, UpgradesALedgerOfVersion3) {
  // Given a ledger of version 3 holding a message, Open adds the declaration key: the old message has none, a new one stores and finds its own.
  TempDir dir;
  std::string path = dir.File("v3.db");
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(path, &ledger).ok());
  MessageRecord old = Message("1", "a", Utc(2026, 12, 3, 9));
  ASSERT_TRUE(ledger->RecordMessage(&old).ok());
  ledger.reset();
  {
    RawDb raw(path);
    ASSERT_EQ(sqlite3_exec(raw.get(), kUndoMigrations5To14, nullptr, nullptr, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw.get(),
                           "DROP INDEX messages_declared_once; "
                           "ALTER TABLE messages DROP COLUMN declaration_key; "
                           "PRAGMA user_version = 3",
                           nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw.get());
  }
  Status s = Ledger::Open(path, &ledger);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ledger->schema_version(), LatestSchemaVersion());
  std::vector<MessageRecord> stored;
  ASSERT_TRUE(ledger->Messages(0, &stored).ok());
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].declaration_key, "");
  EXPECT_EQ(RawDb(path).One("SELECT count(*) FROM messages WHERE declaration_key IS NULL"), "1");

  // The key is checked like the digests: 64 lowercase hex digits.
  MessageRecord bad = Message("2", "b", Utc(2026, 12, 3, 10));
  bad.declaration_key = "ABC";
  EXPECT_FALSE(ledger->RecordMessage(&bad).ok());
  MessageRecord m = Message("3", "c", Utc(2026, 12, 3, 11));
  m.declaration_key = Sha256Hex("declaration");
  ASSERT_TRUE(ledger->RecordMessage(&m).ok());
  std::vector<std::vector<std::string>> rows = {{"1", "NULL"}, {"2", m.declaration_key}};
  EXPECT_EQ(RawDb(path).Rows("SELECT id, declaration_key FROM messages ORDER BY id"), rows);
  EXPECT_EQ(RawDb(path).One("PRAGMA user_version"), std::to_string(LatestSchemaVersion()));
}

// A messages row with one column changed from a valid one.
struct MessageRow {
  std::string key = "'1'";
  std::string sha256 = "'" + std::string(64, 'a') + "'";
  std::string source = "'imap'";
  std::string size = "1";
  std::string outcome = "'IGNORED'";
  std::string folder = "''";
  std::string Insert() const {
    return "INSERT INTO messages (mailbox, validity, mailbox_key, message_id, sha256, sender, "
           "subject, received_at, received_at_local, source, raw, size, outcome, reason, folder) "
           "VALUES ('INBOX', 7, " + key + ", '', " + sha256 + ", '', '', "
           "'2026-12-03T09:00:00.000Z', '2026-12-03T10:00:00.000+01:00', " + source +
           ", x'00', " + size + ", " + outcome + ", '', " + folder + ")";
  }
};

TEST(MailSchemaTest, ChecksRefuseMalformedRows) {
  // Given message rows that break a closed set, a format, the size or the position rule, the schema refuses each and accepts the valid one.
  TempDir dir;
  std::string path = dir.File("checks.db");
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(path, &ledger).ok());
  RawDb raw(path);
  MessageRow bad[6];
  bad[0].source = "'pop3'";
  bad[1].size = "2";
  bad[2].sha256 = "'ABC'";
  bad[3].outcome = "'LOST'";
  bad[4].folder = "'Trash'";
  bad[5].key = "NULL";  // read from IMAP, yet no position
  for (const MessageRow& row : bad) {
    EXPECT_EQ(sqlite3_exec(raw.get(), row.Insert().c_str(), nullptr, nullptr, nullptr),
              SQLITE_CONSTRAINT) << row.Insert();
  }
  EXPECT_EQ(sqlite3_exec(raw.get(), MessageRow().Insert().c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK) << sqlite3_errmsg(raw.get());
  EXPECT_EQ(raw.Count("messages"), 1);
}

}  // namespace
}  // namespace flexmail::testing
