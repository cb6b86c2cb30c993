// Thin RAII helpers over the sqlite3 C API: a prepared statement and a
// transaction. They turn SQLite result codes into Status values (busy,
// locked, full, I/O error and read-only are kTransient, everything else
// kInternal) and never throw.
//
// This header does not include <sqlite3.h>, so code that only passes a
// Transaction around (the ledger's extension hook) does not depend on it.
// Not thread safe: one connection, its statements and its transaction belong
// to one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace flexmail::sql {

// The Status for SQLite result code `rc` (a failure), naming `what` was done
// and SQLite's own message for `db` (which may be null).
Status FromCode(sqlite3* db, int rc, std::string_view what);

// Makes the connection wait up to `limit` for a lock another connection
// holds, retrying every 100 microseconds during the first 20 ms and every
// millisecond after. SQLite's own busy_timeout sleeps 1, 2, 5, 10... ms
// between tries: a writer waiting on another that commits every few
// milliseconds then keeps missing the gaps between its transactions. That
// wait is what delays a reply's SENT mark after the relay accepted it,
// the moment a crash turns into a duplicate reply.
void WaitWhenBusy(sqlite3* db, int limit_ms);

// Runs one or more SQL statements that return no rows (pragmas, migrations).
Status Exec(sqlite3* db, std::string_view sql);

// `s` with "context: " put before its message, same kind.
Status WithContext(const Status& s, std::string_view context);

// A byte string bound as a BLOB (plain strings bind as TEXT).
struct Blob {
  std::string_view bytes;
};

// A prepared statement. Binding errors are kept and reported by the next
// Step/Run, so binds can be chained without checking each one.
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // REQUIRES: `sql` holds exactly one statement.
  static Status Prepare(sqlite3* db, std::string_view sql, Statement* out);

  // Parameters are 1-based, as in SQLite.
  Statement& Bind(int i, std::int64_t v);
  Statement& Bind(int i, int v) { return Bind(i, static_cast<std::int64_t>(v)); }
  Statement& Bind(int i, bool v) { return Bind(i, static_cast<std::int64_t>(v)); }
  Statement& Bind(int i, double v);
  Statement& Bind(int i, std::string_view text);
  Statement& Bind(int i, const std::string& text) { return Bind(i, std::string_view(text)); }
  Statement& Bind(int i, const char* text) { return Bind(i, std::string_view(text)); }
  Statement& Bind(int i, Blob blob);
  Statement& Bind(int i, std::nullptr_t);
  template <typename T>
  Statement& Bind(int i, const std::optional<T>& v) {
    return v ? Bind(i, *v) : Bind(i, nullptr);
  }
  // Binds the arguments to parameters 1..N.
  template <typename... Args>
  Statement& BindAll(const Args&... args) {
    [[maybe_unused]] int i = 0;
    (Bind(++i, args), ...);
    return *this;
  }

  // Advances: *row is true when a row is available, false when done.
  Status Step(bool* row);
  // Steps a statement that returns no rows, then resets it for reuse.
  Status Run();
  // Steps through every row calling on_row(), which returns a Status, then
  // resets. Stops at the first failure, of SQLite or of on_row.
  template <typename F>
  Status ForEach(F&& on_row) {
    bool row = false;
    Status s = Step(&row);
    while (s.ok() && row) {
      s = on_row();
      if (s.ok()) s = Step(&row);
    }
    Reset();
    return s;
  }
  // Makes the statement reusable with new bindings.
  void Reset();

  bool IsNull(int col) const;
  std::int64_t Int(int col) const;
  double Double(int col) const;
  std::optional<double> OptDouble(int col) const;
  std::string Text(int col) const;  // "" for NULL
  std::string BlobBytes(int col) const;

  // The rowid of the last INSERT on this statement's connection.
  std::int64_t LastInsertId() const;

 private:
  void Note(int rc, const char* what);
  sqlite3_stmt* stmt_ = nullptr;
  Status bind_error_;
};

// Runs `query` (one statement) with `params` bound to 1..N and appends one
// T per row, filled by from_row(statement, &row). Stops at the first
// failure, of SQLite or of from_row; the rows read before it stay in *out.
template <typename T, typename FromRow, typename... Params>
Status AppendRows(sqlite3* db, std::string_view query, const FromRow& from_row,
                  std::vector<T>* out, const Params&... params) {
  Statement st;
  Status s = Statement::Prepare(db, query, &st);
  if (!s.ok()) return s;
  return st.BindAll(params...).ForEach([&] {
    out->emplace_back();
    return from_row(st, &out->back());
  });
}

// A transaction that rolls back unless committed. Nested use is not
// supported: SQLite has one transaction per connection.
class Transaction {
 public:
  enum class Mode {
    kRead,   // BEGIN DEFERRED: a consistent snapshot for several reads
    kWrite,  // BEGIN IMMEDIATE: takes the write lock now (waits busy_timeout),
             // after the outbox's hand-over in progress, if any (write_turns.h)
  };
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Begin(Mode mode);
  Status Commit();
  // Safe to call when not open.
  void Rollback();

  bool open() const { return open_; }
  sqlite3* db() const { return db_; }
  // Prepares a statement on this transaction's connection.
  Status Prepare(std::string_view sql, Statement* out) const {
    return Statement::Prepare(db_, sql, out);
  }

 private:
  void EndTurn();

  sqlite3* db_;
  bool open_ = false;
  bool has_turn_ = false;  // holds a WriteTurns transaction turn
};

// Runs f() (returning Status) inside a transaction of `mode` and commits
// when it succeeds; otherwise rolls back and returns the failure.
template <typename F>
Status InTransaction(sqlite3* db, Transaction::Mode mode, F&& f) {
  Transaction tx(db);
  Status s = tx.Begin(mode);
  if (s.ok()) s = f();
  if (s.ok()) s = tx.Commit();
  return s;
}

}  // namespace flexmail::sql
