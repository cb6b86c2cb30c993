#include "db/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "db/schema.h"
#include "db/sqlite.h"

namespace flexmail {
namespace {

namespace fs = std::filesystem;

// Like the ledger's own connections: long enough to ride out a commit.
constexpr int kBusyTimeoutMs = 5000;
// Findings kept per check: enough to see what is wrong, not a flood.
constexpr int kMaxFindings = 100;

// A connection, closed at the end of its scope unless closed before.
class Connection {
 public:
  Connection() = default;
  ~Connection() { sqlite3_close_v2(db_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  sqlite3* get() const { return db_; }
  sqlite3** out() { return &db_; }
  // Closes now: the copy's last pages are written by then, or the failure
  // is known.
  Status Close() {
    int rc = sqlite3_close(db_);
    if (rc != SQLITE_OK) return sql::FromCode(db_, rc, "close");
    db_ = nullptr;
    return Status::Ok();
  }

 private:
  sqlite3* db_ = nullptr;
};

Status SystemError(const std::string& what) {
  return Status::Internal(what + ": " + std::strerror(errno));
}

// Opens `path` only if it exists: a missing ledger is never created.
Status OpenExisting(const std::string& path, int flags, Connection* c) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file (nothing was created)");
    return SystemError(path);
  }
  int rc = sqlite3_open_v2(path.c_str(), c->out(), flags, nullptr);
  if (rc != SQLITE_OK) return sql::WithContext(sql::FromCode(c->get(), rc, "open"), path);
  sqlite3_extended_result_codes(c->get(), 1);
  sql::WaitWhenBusy(c->get(), kBusyTimeoutMs);
  return Status::Ok();
}

// True when writing `file` would overwrite the ledger or one of the files
// SQLite keeps beside it: the same name once resolved, or the same inode
// (a hard link, a bind mount).
bool IsLedgerItself(const std::string& ledger, const std::string& file) {
  std::error_code ec;
  const fs::path target = fs::weakly_canonical(file, ec);
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const fs::path companion = ledger + suffix;
    std::error_code same_ec, canon_ec;
    if (fs::equivalent(companion, file, same_ec)) return true;
    if (!ec && fs::weakly_canonical(companion, canon_ec) == target && !canon_ec) return true;
  }
  return false;
}

Status CreateTemporary(const std::string& file, std::string* tmp) {
  std::string name = file + ".tmp-XXXXXX";
  int fd = ::mkstemp(name.data());
  if (fd < 0) return SystemError("cannot create " + name);
  ::close(fd);
  *tmp = name;
  return Status::Ok();
}

void RemoveTemporary(const std::string& tmp) {
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((tmp + suffix).c_str());
}

Status SyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return SystemError("cannot open " + path);
  Status s = ::fsync(fd) == 0 ? Status::Ok() : SystemError("cannot sync " + path);
  ::close(fd);
  return s;
}

// The synced temporary becomes `file`; the directory is synced so that the
// rename itself survives a crash.
Status Publish(const std::string& tmp, const std::string& file) {
  Status s = SyncPath(tmp, O_RDONLY);
  if (s.ok() && ::rename(tmp.c_str(), file.c_str()) != 0)
    s = SystemError("cannot rename " + tmp + " to " + file);
  const fs::path dir = fs::path(file).parent_path();
  if (s.ok()) s = SyncPath(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY);
  return s;
}

Status ReadInt(sqlite3* db, const char* query, int* out) {
  sql::Statement st;
  Status s = sql::Statement::Prepare(db, query, &st);
  bool row = false;
  if (s.ok()) s = st.Step(&row);
  if (s.ok() && !row) s = Status::Internal(std::string(query) + " returned nothing");
  if (s.ok()) *out = static_cast<int>(st.Int(0));
  return s;
}

// Every page of `src` as of one read transaction, into `dst`.
Status CopyPages(sqlite3* src, sqlite3* dst, const BackupOptions& options, BackupStats* stats) {
  sql::Transaction snapshot(src);
  Status s = snapshot.Begin(sql::Transaction::Mode::kRead);
  // A deferred transaction takes its snapshot at its first read.
  int tables = 0;
  if (s.ok()) s = ReadInt(src, "SELECT count(*) FROM sqlite_master", &tables);
  if (s.ok()) s = ReadInt(src, "PRAGMA page_size", &stats->page_size);
  sqlite3_backup* b = s.ok() ? sqlite3_backup_init(dst, "main", src, "main") : nullptr;
  if (s.ok() && !b) return sql::FromCode(dst, sqlite3_errcode(dst), "backup");
  int rc = SQLITE_OK;
  while (b && rc == SQLITE_OK) {
    rc = sqlite3_backup_step(b, options.pages_per_step);
    ++stats->steps;
    if ((rc == SQLITE_OK || rc == SQLITE_DONE) && options.after_step)
      options.after_step(sqlite3_backup_remaining(b), sqlite3_backup_pagecount(b));
  }
  if (b) {
    stats->pages = sqlite3_backup_pagecount(b);
    // finish puts the step's error on `dst`, where FromCode reads it.
    int finished = sqlite3_backup_finish(b);
    if (rc == SQLITE_DONE && finished != SQLITE_OK) rc = finished;
    if (rc != SQLITE_DONE) s = sql::FromCode(dst, rc, "backup step");
  }
  return s;
}

Status ExpectText(sqlite3* db, const char* query, const std::string& expected) {
  sql::Statement st;
  Status s = sql::Statement::Prepare(db, query, &st);
  bool row = false;
  if (s.ok()) s = st.Step(&row);
  if (s.ok() && (!row || st.Text(0) != expected))
    s = Status::Internal(std::string(query) + " did not give " + expected);
  return s;
}

// The copy as one file of its own: the rollback journal instead of WAL (the
// copy carries the ledger's WAL flag), and a new instance id. A copy of a
// ledger older than instance ids gets one when flexmail migrates it.
Status MakeIndependent(sqlite3* dst) {
  Status s = ExpectText(dst, "PRAGMA journal_mode = DELETE", "delete");
  int has_instance = 0;
  if (s.ok())
    s = ReadInt(dst, "SELECT count(*) FROM sqlite_master WHERE name = 'ledger_instance'",
                &has_instance);
  if (s.ok() && has_instance) s = RegisterMigrationFunctions(dst);
  if (s.ok() && has_instance)
    s = sql::Exec(dst, "UPDATE ledger_instance SET instance_id = flexmail_random_hex(16)");
  return s;
}

Status WriteCopy(sqlite3* src, const std::string& tmp, const BackupOptions& options,
                 BackupStats* stats) {
  Connection dst;
  int rc = sqlite3_open_v2(tmp.c_str(), dst.out(), SQLITE_OPEN_READWRITE, nullptr);
  Status s = rc == SQLITE_OK ? Status::Ok() : sql::FromCode(dst.get(), rc, "open");
  if (s.ok()) sqlite3_extended_result_codes(dst.get(), 1);
  if (s.ok()) s = CopyPages(src, dst.get(), options, stats);
  if (s.ok()) s = MakeIndependent(dst.get());
  if (s.ok()) s = dst.Close();
  return s;
}

}  // namespace

Status BackupLedger(const std::string& ledger, const std::string& file,
                    const BackupOptions& options, BackupStats* stats) {
  *stats = BackupStats();
  if (IsLedgerItself(ledger, file))
    return Status::InvalidInput(file + " is the ledger itself (or one of its files)");
  Connection src;
  Status s = OpenExisting(ledger, SQLITE_OPEN_READONLY, &src);
  if (!s.ok()) return sql::WithContext(s, "ledger");
  std::string tmp;
  s = CreateTemporary(file, &tmp);
  if (!s.ok()) return s;
  s = sql::WithContext(WriteCopy(src.get(), tmp, options, stats), tmp);
  if (s.ok()) s = Publish(tmp, file);
  if (!s.ok()) RemoveTemporary(tmp);
  return s;
}

namespace {

// Runs `query`, calling on_row(statement) for each row. Returns SQLite's
// result code (SQLITE_DONE once every row is read) and, on failure, its
// message in *error.
template <typename F>
int EachRow(sqlite3* db, const std::string& query, std::string* error, F&& on_row) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr);
  while (rc == SQLITE_OK || rc == SQLITE_ROW) {
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) on_row(st);
  }
  if (rc != SQLITE_DONE) *error = sqlite3_errmsg(db);
  sqlite3_finalize(st);
  return rc;
}

std::string Column(sqlite3_stmt* st, int col) {
  const unsigned char* p = sqlite3_column_text(st, col);
  return p ? reinterpret_cast<const char*>(p) : "";
}

// Damage met while checking (the file is corrupt, or no database) is a
// finding of that check; anything else means the check could not run.
Status Classify(int rc, const std::string& error, const char* check,
                std::vector<std::string>* findings) {
  if (rc == SQLITE_DONE) return Status::Ok();
  const int primary = rc & 0xff;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    findings->push_back(error + " (sqlite " + std::to_string(rc) + ")");
    return Status::Ok();
  }
  return Status::Internal(std::string(check) + ": " + error + " (sqlite " + std::to_string(rc) +
                          ")");
}

Status CheckVersion(sqlite3* db, LedgerCheck* out) {
  std::string error;
  int rc = EachRow(db, "PRAGMA user_version", &error,
                   [&](sqlite3_stmt* st) { out->schema_version = sqlite3_column_int(st, 0); });
  Status s = Classify(rc, error, "user_version", &out->schema);
  const int v = out->schema_version;
  if (!s.ok() || v < 0) return s;
  if (v == 0) out->schema.push_back("version 0: not a flexmail ledger");
  if (v > LatestSchemaVersion())
    out->schema.push_back("version " + std::to_string(v) + " is newer than this flexmail knows (" +
                          std::to_string(LatestSchemaVersion()) + ")");
  return s;
}

Status CheckIntegrity(sqlite3* db, LedgerCheck* out) {
  std::string error;
  const std::string query = "PRAGMA integrity_check(" + std::to_string(kMaxFindings) + ")";
  int rc = EachRow(db, query, &error, [&](sqlite3_stmt* st) {
    std::string line = Column(st, 0);
    for (char& c : line) c = c == '\n' ? ' ' : c;
    if (line != "ok") out->integrity.push_back(line);
  });
  return Classify(rc, error, "integrity_check", &out->integrity);
}

// Each violation with the child's columns, from the foreign key's own list.
constexpr const char kForeignKeyViolations[] = R"sql(
SELECT c."table", c.rowid, c.parent,
       (SELECT group_concat(l."from", ', ') FROM pragma_foreign_key_list(c."table") AS l
         WHERE l.id = c.fkid)
  FROM pragma_foreign_key_check AS c
)sql";

Status CheckForeignKeys(sqlite3* db, LedgerCheck* out) {
  std::string error;
  int count = 0;
  int rc = EachRow(db, kForeignKeyViolations, &error, [&](sqlite3_stmt* st) {
    if (++count > kMaxFindings) return;
    out->foreign_keys.push_back(Column(st, 0) + " row " + Column(st, 1) + ": " + Column(st, 3) +
                                " has no row in " + Column(st, 2));
  });
  if (count > kMaxFindings)
    out->foreign_keys.push_back("and " + std::to_string(count - kMaxFindings) + " more");
  return Classify(rc, error, "foreign_key_check", &out->foreign_keys);
}

}  // namespace

Status CheckLedger(const std::string& ledger, LedgerCheck* out) {
  *out = LedgerCheck();
  Connection c;
  Status s = OpenExisting(ledger, SQLITE_OPEN_READONLY, &c);
  if (!s.ok()) return sql::WithContext(s, "ledger");
  // One snapshot for every check, however the daemon writes meanwhile.
  sql::Transaction snapshot(c.get());
  s = snapshot.Begin(sql::Transaction::Mode::kRead);
  if (s.ok()) s = CheckVersion(c.get(), out);
  if (s.ok()) s = CheckIntegrity(c.get(), out);
  if (s.ok()) s = CheckForeignKeys(c.get(), out);
  if (!s.ok()) return sql::WithContext(s, "ledger " + ledger);
  return s;
}

}  // namespace flexmail
