// Turns between a process's writers (db/write_turns.h) and the busy wait
// (sql::WaitWhenBusy): a reply's SENT mark must not queue behind intake.
#include "db/write_turns.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "db/sqlite.h"
#include "tests/db/mail_test_util.h"

namespace flexmail::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Mode = sql::Transaction::Mode;

// A connection to `path`, created if missing, closed at the end.
class Db {
 public:
  explicit Db(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK) << path;
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Db() { sqlite3_close_v2(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// Given a write transaction open on one thread, a hand-over on another
// begins only once it has ended.
TEST(WriteTurns, AHandOverWaitsForTheOpenTransaction) {
  TempDir dir;
  Db raw(dir.File("t.db"));
  std::atomic<bool> committed{false};
  sql::Transaction tx(raw.get());
  ASSERT_TRUE(tx.Begin(Mode::kWrite).ok());
  auto hand_over = std::async(std::launch::async, [&] {
    sql::HandOver turn;
    return committed.load();
  });
  std::this_thread::sleep_for(50ms);
  committed = true;
  ASSERT_TRUE(tx.Commit().ok());
  EXPECT_TRUE(hand_over.get()) << "the hand-over began while the transaction was open";
}

// Given a hand-over in progress, a write transaction of another thread
// begins only after it ends; one of the hand-over's own thread (its mark)
// begins at once.
TEST(WriteTurns, ATransactionWaitsForTheHandOverButItsOwnMarkDoesNot) {
  TempDir dir;
  Db raw(dir.File("t.db"));
  Db other(dir.File("t.db"));
  std::atomic<bool> handed_over{false};
  std::promise<void> started;
  auto worker = std::async(std::launch::async, [&] {
    sql::HandOver turn;
    started.set_value();
    std::this_thread::sleep_for(40ms);
    // The mark: a write transaction on the hand-over's thread.
    Status s = sql::InTransaction(other.get(), Mode::kWrite,
                                  [&] { return sql::Exec(other.get(), "CREATE TABLE m(x)"); });
    handed_over = true;
    return s;
  });
  started.get_future().wait();
  sql::Transaction tx(raw.get());
  ASSERT_TRUE(tx.Begin(Mode::kWrite).ok());
  EXPECT_TRUE(handed_over.load()) << "the transaction began during the hand-over";
  ASSERT_TRUE(tx.Commit().ok());
  Status mark = worker.get();
  EXPECT_TRUE(mark.ok()) << mark.ToString();
}

// Given a hand-over that does not end (a relay that hangs), a transaction
// waits no longer than kMaxHold from the hand-over's start.
TEST(WriteTurns, ATransactionWaitsAtMostMaxHoldForAHangingRelay) {
  TempDir dir;
  Db raw(dir.File("t.db"));
  std::promise<void> started, release;
  auto worker = std::async(std::launch::async, [&] {
    sql::HandOver turn;
    started.set_value();
    release.get_future().wait();
  });
  started.get_future().wait();
  const auto t0 = Clock::now();
  sql::Transaction tx(raw.get());
  Status begun = tx.Begin(Mode::kWrite);
  const auto waited = Clock::now() - t0;
  release.set_value();
  worker.get();
  ASSERT_TRUE(begun.ok()) << begun.ToString();
  ASSERT_TRUE(tx.Commit().ok());
  EXPECT_GE(waited, sql::WriteTurns::kMaxHold - 5ms);
  EXPECT_LT(waited, 10 * sql::WriteTurns::kMaxHold);
}

// Given another process's connection (no turns between them) holding the
// write lock for 36 ms, releasing it for 8 ms, then taking it again, a
// write waiting with WaitWhenBusy gets in during the gap. SQLite's own
// busy_timeout tries at 33 ms then 53 ms: it misses the gap.
TEST(WaitWhenBusy, AWaitingWriterGetsInBetweenTwoTransactions) {
  TempDir dir;
  const std::string path = dir.File("t.db");
  Db holder(path);
  ASSERT_TRUE(sql::Exec(holder.get(), "PRAGMA journal_mode = WAL; CREATE TABLE t(x)").ok());
  Db waiter(path);
  sql::WaitWhenBusy(waiter.get(), 5000);
  // Not sql::Transaction: turns are for one process's threads, and here
  // the holder plays another process.
  ASSERT_TRUE(sql::Exec(holder.get(), "BEGIN IMMEDIATE").ok());
  auto write = std::async(std::launch::async, [&] {
    return sql::Exec(waiter.get(), "INSERT INTO t VALUES ('waiter')");
  });
  std::this_thread::sleep_for(36ms);
  ASSERT_TRUE(sql::Exec(holder.get(), "INSERT INTO t VALUES ('first'); COMMIT").ok());
  std::this_thread::sleep_for(8ms);
  // The second transaction sees the waiter's row when it got in the gap.
  Status second = sql::Exec(holder.get(), "BEGIN IMMEDIATE");
  const bool got_in = write.wait_for(0s) == std::future_status::ready;
  std::string rows = RawDb(path).One("SELECT group_concat(x, ',') FROM t");
  if (second.ok()) ASSERT_TRUE(sql::Exec(holder.get(), "COMMIT").ok());
  EXPECT_TRUE(second.ok()) << second.ToString();
  Status w = write.get();
  EXPECT_TRUE(w.ok()) << w.ToString();
  EXPECT_TRUE(got_in) << "the waiting write did not get in between: " << rows;
  EXPECT_EQ(rows, "first,waiter");
}

}  // namespace
}  // namespace flexmail::testing
