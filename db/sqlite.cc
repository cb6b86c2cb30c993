#include "db/sqlite.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>
#include <utility>

#include "db/write_turns.h"

namespace flexmail::sql {
namespace {

constexpr int kFineTries = 200;  // 200 x 100 us: the first 20 ms

// The busy handler: the limit in ms is the handler's argument (an integer
// carried in the pointer, so nothing outlives the connection).
int OnBusy(void* arg, int tries) {
  const auto limit_ms = reinterpret_cast<std::intptr_t>(arg);
  const std::intptr_t waited_ms =
      tries < kFineTries ? tries / 10 : kFineTries / 10 + (tries - kFineTries);
  if (waited_ms >= limit_ms) return 0;  // give up: SQLITE_BUSY
  if (tries < kFineTries) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return 1;
}

}  // namespace

void WaitWhenBusy(sqlite3* db, int limit_ms) {
  sqlite3_busy_handler(db, &OnBusy, reinterpret_cast<void*>(static_cast<std::intptr_t>(limit_ms)));
}

Status FromCode(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  // The connection's message describes the last failure on it, which is
  // this one; without a connection only the generic text is known.
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  msg += " (sqlite " + std::to_string(rc) + ")";
  int primary = rc & 0xff;
  // Another connection holds the lock beyond busy_timeout: retrying later
  // will succeed, so the declaration must not be quarantined.
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Status::Transient(msg);
  // The disk is full (or the ledger at its size cap), failing, or became
  // read-only: nothing about the data in hand is wrong, and it will go
  // through once an operator has made room. Never a reason to quarantine.
  if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_READONLY)
    return Status::Transient(msg);
  return Status::Internal(msg);
}

Status Exec(sqlite3* db, std::string_view sql) {
  std::string text(sql);  // sqlite3_exec needs a terminated string
  char* err = nullptr;
  int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);  // the connection's errmsg says the same
  if (rc != SQLITE_OK) return FromCode(db, rc, "exec \"" + text.substr(0, 60) + "\"");
  return Status::Ok();
}

Status WithContext(const Status& s, std::string_view context) {
  std::string m = std::string(context) + ": " + s.message();
  switch (s.kind()) {
    case Status::Kind::kOk: return s;
    case Status::Kind::kInvalidInput: return Status::InvalidInput(m);
    case Status::Kind::kNotFound: return Status::NotFound(m);
    case Status::Kind::kTransient: return Status::Transient(m);
    case Status::Kind::kPermanent: return Status::Permanent(m);
    case Status::Kind::kInternal: break;
  }
  return Status::Internal(m);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), bind_error_(std::move(other.bind_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

Status Statement::Prepare(sqlite3* db, std::string_view sql, Statement* out) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return FromCode(db, rc, "prepare \"" + std::string(sql.substr(0, 60)) + "\"");
  }
  *out = Statement();
  out->stmt_ = stmt;
  return Status::Ok();
}

void Statement::Note(int rc, const char* what) {
  if (rc != SQLITE_OK && bind_error_.ok()) {
    bind_error_ = FromCode(sqlite3_db_handle(stmt_), rc, what);
  }
}

Statement& Statement::Bind(int i, std::int64_t v) {
  Note(sqlite3_bind_int64(stmt_, i, v), "bind integer");
  return *this;
}

Statement& Statement::Bind(int i, double v) {
  Note(sqlite3_bind_double(stmt_, i, v), "bind real");
  return *this;
}

Statement& Statement::Bind(int i, std::string_view text) {
  // data() of an empty view may be null, which SQLite would bind as NULL.
  const char* p = text.empty() ? "" : text.data();
  Note(sqlite3_bind_text64(stmt_, i, p, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
       "bind text");
  return *this;
}

Statement& Statement::Bind(int i, Blob blob) {
  const char* p = blob.bytes.empty() ? "" : blob.bytes.data();
  Note(sqlite3_bind_blob64(stmt_, i, p, blob.bytes.size(), SQLITE_TRANSIENT), "bind blob");
  return *this;
}

Statement& Statement::Bind(int i, std::nullptr_t) {
  Note(sqlite3_bind_null(stmt_, i), "bind null");
  return *this;
}

Status Statement::Step(bool* row) {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  *row = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) return Status::Ok();
  sqlite3* db = sqlite3_db_handle(stmt_);
  return FromCode(db, sqlite3_extended_errcode(db), "step \"" +
                  std::string(sqlite3_sql(stmt_)).substr(0, 60) + "\"");
}

Status Statement::Run() {
  bool row = false;
  Status s = Step(&row);
  Reset();
  if (s.ok() && row) s = Status::Internal("statement returned a row where none was expected");
  return s;
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = Status::Ok();
}

bool Statement::IsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

double Statement::Double(int col) const { return sqlite3_column_double(stmt_, col); }

std::optional<double> Statement::OptDouble(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Double(col);
}

std::string Statement::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
}

std::string Statement::BlobBytes(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), n) : std::string();
}

std::int64_t Statement::LastInsertId() const {
  return sqlite3_last_insert_rowid(sqlite3_db_handle(stmt_));
}

Transaction::~Transaction() { Rollback(); }

Status Transaction::Begin(Mode mode) {
  if (open_) return Status::Internal("transaction already open");
  if (mode == Mode::kWrite) {
    WriteTurns::OfProcess().BeginTransaction();
    has_turn_ = true;
  }
  Status s = Exec(db_, mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  open_ = s.ok();
  if (!open_) EndTurn();
  return s;
}

Status Transaction::Commit() {
  if (!open_) return Status::Internal("commit without an open transaction");
  Status s = Exec(db_, "COMMIT");
  // A failed COMMIT (busy) leaves the transaction open; the destructor or
  // the caller rolls it back, so nothing half-written survives.
  if (s.ok()) open_ = false;
  if (!open_) EndTurn();
  return s;
}

void Transaction::Rollback() {
  if (!open_) return;
  // Some errors (disk full, I/O) already rolled back: nothing left to undo.
  if (sqlite3_get_autocommit(db_) == 0) Exec(db_, "ROLLBACK");
  // Still open when ROLLBACK was refused (by an authorizer): the owner's
  // own Commit or destructor ends it.
  open_ = sqlite3_get_autocommit(db_) == 0;
  if (!open_) EndTurn();
}

void Transaction::EndTurn() {
  if (!has_turn_) return;
  has_turn_ = false;
  WriteTurns::OfProcess().EndTransaction();
}

}  // namespace flexmail::sql
