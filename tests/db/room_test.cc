// A ledger that cannot grow (its size cap, a full disk) or cannot be
// written (I/O error, read-only file): the write fails as kTransient, leaves
// nothing behind, and goes through once there is room again.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "db/sqlite.h"
#include "tests/db/mail_test_util.h"

namespace flexmail::testing {
namespace {

using namespace std::string_literals;

struct CodeCase {
  int rc;
  Status::Kind kind;
};

// Given each SQLite result code, FromCode says whether trying again later
// may succeed: lock contention and want of room or of a working disk, yes;
// a constraint or a corrupt file, no.
TEST(FromCode, RoomAndDiskFailuresAreTransient) {
  const CodeCase cases[] = {
      {SQLITE_BUSY, Status::Kind::kTransient},
      {SQLITE_LOCKED, Status::Kind::kTransient},
      {SQLITE_FULL, Status::Kind::kTransient},
      {SQLITE_IOERR, Status::Kind::kTransient},
      {SQLITE_IOERR_WRITE, Status::Kind::kTransient},
      {SQLITE_IOERR_FSYNC, Status::Kind::kTransient},
      {SQLITE_READONLY, Status::Kind::kTransient},
      {SQLITE_READONLY_DBMOVED, Status::Kind::kTransient},
      {SQLITE_CONSTRAINT_UNIQUE, Status::Kind::kInternal},
      {SQLITE_CORRUPT, Status::Kind::kInternal},
      {SQLITE_MISUSE, Status::Kind::kInternal},
  };
  for (const CodeCase& c : cases) {
    Status s = sql::FromCode(nullptr, c.rc, "write");
    EXPECT_EQ(s.kind(), c.kind) << c.rc << ": " << s.ToString();
    EXPECT_NE(s.message().find("(sqlite " + std::to_string(c.rc) + ")"), std::string::npos);
  }
}

class RoomTest : public LedgerTest {
 protected:
  // A message whose raw bytes need `bytes` of room.
  MessageRecord Big(const std::string& key, size_t bytes) {
    MessageRecord m = Message(key, "big-" + key, Utc(2026, 12, 3, 9));
    m.raw += std::string(bytes, 'x');
    m.sha256.clear();  // computed from raw
    return m;
  }
  long Messages() {
    RawDb raw(path_);
    return raw.Count("messages");
  }
};

// Given a ledger capped just above its size, storing a message that needs
// more room fails as kTransient naming the full database, stores nothing;
// once the cap is lifted, the same message is stored.
TEST_F(RoomTest, AtItsCapAWriteFailsTransientlyAndGoesThroughOnceLifted) {
  std::int64_t size = 0;
  ASSERT_TRUE(ledger_->SizeBytes(&size).ok());
  ASSERT_GT(size, 0);
  ASSERT_TRUE(ledger_->LimitSize(size + 64 * 1024).ok());
  MessageRecord small = Message("1", "small", Utc(2026, 12, 3, 9));
  ASSERT_TRUE(ledger_->RecordMessage(&small).ok());  // fits
  MessageRecord big = Big("2", 512 * 1024);
  Status s = ledger_->RecordMessage(&big);
  EXPECT_EQ(s.kind(), Status::Kind::kTransient) << s.ToString();
  EXPECT_NE(s.message().find("full"), std::string::npos) << s.ToString();
  EXPECT_EQ(Messages(), 1);
  std::int64_t after = 0;
  ASSERT_TRUE(ledger_->SizeBytes(&after).ok());
  EXPECT_LE(after, size + 64 * 1024);

  ASSERT_TRUE(ledger_->LimitSize(0).ok());
  big = Big("2", 512 * 1024);
  s = ledger_->RecordMessage(&big);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Messages(), 2);
  ASSERT_TRUE(ledger_->SizeBytes(&after).ok());
  EXPECT_GT(after, size + 64 * 1024);  // past the old cap
}

// Given a ledger at its cap, a declaration with its message and reply in
// one transaction fails as a whole: no declaration, no message, no reply.
TEST_F(RoomTest, AFullLedgerKeepsNoPartOfADeclaration) {
  std::int64_t size = 0;
  ASSERT_TRUE(ledger_->SizeBytes(&size).ok());
  ASSERT_TRUE(ledger_->LimitSize(size).ok());
  const long before = TotalRows(RawDb(path_));
  auto extend = [&](sql::Transaction& tx, std::int64_t id, const DeclarationResult&) {
    MessageRecord m = Big("1", 256 * 1024);
    m.declaration_id = id;
    Status s = ledger_->InsertMessage(tx, &m);
    OutboxItem reply = ReplyItem(id, "r", Utc(2026, 12, 3, 9));
    if (s.ok()) s = ledger_->EnqueueReply(tx, &reply);
    return s;
  };
  Status s = SubmitResult(Rejected(Utc(2026, 12, 3, 9)), nullptr, extend);
  EXPECT_EQ(s.kind(), Status::Kind::kTransient) << s.ToString();
  EXPECT_EQ(TotalRows(RawDb(path_)), before);
}

// Given a ledger that can only be read (as on a file system remounted
// read-only), a write fails as kTransient: the message waits, it is not
// quarantined.
TEST_F(RoomTest, AReadOnlyLedgerIsTransientToo) {
  ledger_.reset();
  std::unique_ptr<Ledger> ro;
  ASSERT_TRUE(Ledger::OpenReadOnly(path_, &ro).ok());
  MessageRecord m = Message("1", "ro", Utc(2026, 12, 3, 9));
  Status s = ro->RecordMessage(&m);
  EXPECT_EQ(s.kind(), Status::Kind::kTransient) << s.ToString();
  EXPECT_NE(s.message().find("readonly"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace flexmail::testing
