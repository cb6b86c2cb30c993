#include "db/ledger.h"

#include <sqlite3.h>

#include <algorithm>
#include <exception>
#include <map>
#include <optional>
#include <utility>

#include "db/reader.h"
#include "db/schema.h"
#include "db/writer.h"

namespace flexmail {
namespace {

using Mode = sql::Transaction::Mode;

// Long enough to ride out another process's write transaction (a
// declaration is written in milliseconds), short enough that a stuck peer
// turns into a retry-later instead of a hung daemon.
constexpr int kBusyTimeoutMs = 5000;

Status NotAMesh(const std::string& mesh) {
  return Status::InvalidInput("mesh \"" + mesh + "\" is not ME followed by 4 digits");
}

Status ExpectPragma(sqlite3* db, const char* pragma, std::string_view expected) {
  sql::Statement st;
  Status s = sql::Statement::Prepare(db, pragma, &st);
  std::string value;
  if (s.ok()) {
    s = st.ForEach([&] {
      value = st.Text(0);
      return Status::Ok();
    });
  }
  if (s.ok() && value != expected) {
    s = Status::Permanent(std::string(pragma) + " gives \"" + value + "\", not \"" +
                          std::string(expected) + "\"");
  }
  return s;
}

// The integer a one-row query (a pragma) gives.
Status ReadInteger(sqlite3* db, const std::string& query, std::int64_t* out) {
  sql::Statement st;
  Status s = sql::Statement::Prepare(db, query, &st);
  bool row = false;
  if (s.ok()) s = st.Step(&row);
  if (s.ok() && !row) s = Status::Internal(query + " gave no row");
  if (s.ok()) *out = st.Int(0);
  return s;
}

// WAL lets operators read with sqlite3 while the daemon writes;
// synchronous=FULL makes every commit durable before a reply is sent.
// Both journal_mode and foreign_keys can be silently refused (a file system
// without shared memory, a SQLite built without foreign keys): check them.
Status Configure(sqlite3* db) {
  sqlite3_extended_result_codes(db, 1);
  sql::WaitWhenBusy(db, kBusyTimeoutMs);
  Status s = ExpectPragma(db, "PRAGMA journal_mode = WAL", "wal");
  if (s.ok()) s = sql::Exec(db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON");
  if (s.ok()) s = ExpectPragma(db, "PRAGMA synchronous", "2");
  if (s.ok()) s = ExpectPragma(db, "PRAGMA foreign_keys", "1");
  return s;
}

// Runs the rules' evaluation. They are not expected to throw, but an
// exception must not escape with the write lock held, nor be taken for a
// verdict.
Status RunEvaluate(const Ledger::Evaluate& evaluate, const LedgerSnapshot& snap,
                   Instant received_at, DeclarationResult* out) {
  if (!evaluate) return Status::Internal("Submit without an evaluation");
  try {
    *out = evaluate(snap);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("evaluation failed: ") + e.what());
  }
  if (out->received_at != received_at) {
    return Status::Internal("evaluation judged a reception at " + FormatUtcIso(out->received_at) +
                            ", the declaration was received at " + FormatUtcIso(received_at));
  }
  return Status::Ok();
}

// While the extension runs, statements that would end the transaction are
// refused when prepared: the declaration and what the extension adds commit
// together, in Submit, or not at all.
class TransactionControlDenied {
 public:
  explicit TransactionControlDenied(sqlite3* db) : db_(db) {
    sqlite3_set_authorizer(db_, &Deny, nullptr);
  }
  ~TransactionControlDenied() { sqlite3_set_authorizer(db_, nullptr, nullptr); }
  TransactionControlDenied(const TransactionControlDenied&) = delete;
  TransactionControlDenied& operator=(const TransactionControlDenied&) = delete;

 private:
  static int Deny(void*, int action, const char*, const char*, const char*, const char*) {
    return action == SQLITE_TRANSACTION ? SQLITE_DENY : SQLITE_OK;
  }
  sqlite3* db_;
};

Status RunExtension(const Ledger::Extension& extend, sql::Transaction& tx, std::int64_t id,
                    const DeclarationResult& result) {
  if (!extend) return Status::Ok();
  TransactionControlDenied guard(tx.db());
  return extend(tx, id, result);
}

// Publications after `fresh` may apply at another time now that it precedes
// them; those before it cannot see it. Each applied_at depends only on the
// publication just before, so {fresh} and the later ones suffice (fresh's
// own applied_at, computed from its predecessor, is not rewritten).
Status RecomputeLater(sqlite3* db, const Publication& fresh, std::chrono::minutes delay) {
  std::vector<Publication> later;
  Status s = store::ReadLaterPublications(db, fresh, &later);
  if (!s.ok() || later.empty()) return s;
  std::map<std::int64_t, Instant> stored;
  for (const Publication& q : later) stored[q.seq] = q.applied_at;
  later.push_back(fresh);
  IndicatorTimeline timeline(fresh.mesh, fresh.kind, std::move(later), delay);
  for (const Publication& q : timeline.publications()) {
    auto it = stored.find(q.seq);
    if (s.ok() && it != stored.end() && it->second != q.applied_at) {
      s = store::SetAppliedAt(db, q.seq, q.applied_at);
    }
  }
  return s;
}

Status ReadInstanceId(sqlite3* db, std::string* out) {
  sql::Statement st;
  Status s = sql::Statement::Prepare(db, "SELECT instance_id FROM ledger_instance", &st);
  bool row = false;
  if (s.ok()) s = st.Step(&row);
  if (s.ok() && !row) s = Status::Internal("ledger_instance holds no instance id");
  if (s.ok()) *out = st.Text(0);
  return s;
}

}  // namespace

Ledger::Ledger(sqlite3* db) : db_(db) {}

// close_v2 because a statement leaked by a bug would make plain close fail
// and keep the file open; v2 closes as soon as the last one is finalized.
Ledger::~Ledger() { sqlite3_close_v2(db_); }

Status Ledger::Open(const std::string& path, std::unique_ptr<Ledger>* out) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  // The handle exists (and must be closed) even when opening failed.
  std::unique_ptr<Ledger> ledger(new Ledger(db));
  Status s = rc == SQLITE_OK ? Status::Ok() : sql::FromCode(db, rc, "open");
  if (s.ok()) s = Configure(db);
  if (s.ok()) s = Migrate(db, &ledger->schema_version_);
  if (s.ok()) s = ReadInstanceId(db, &ledger->instance_id_);
  if (!s.ok()) return sql::WithContext(s, "ledger " + path);
  *out = std::move(ledger);
  return s;
}

Status Ledger::OpenReadOnly(const std::string& path, std::unique_ptr<Ledger>* out) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<Ledger> ledger(new Ledger(db));
  Status s = rc == SQLITE_OK ? Status::Ok() : sql::FromCode(db, rc, "open read-only");
  if (rc == SQLITE_CANTOPEN) s = Status::NotFound("cannot open (missing?)");
  if (s.ok()) {
    sqlite3_extended_result_codes(db, 1);
    sql::WaitWhenBusy(db, kBusyTimeoutMs);
    s = sql::Exec(db, "PRAGMA query_only = ON");
  }
  sql::Statement st;
  bool row = false;
  if (s.ok()) s = sql::Statement::Prepare(db, "PRAGMA user_version", &st);
  if (s.ok()) s = st.Step(&row);
  if (s.ok() && row) ledger->schema_version_ = static_cast<int>(st.Int(0));
  if (s.ok() && ledger->schema_version_ != LatestSchemaVersion())
    s = Status::Permanent("schema version " + std::to_string(ledger->schema_version_) +
                          ", this flexmail reads " + std::to_string(LatestSchemaVersion()) +
                          ": let the daemon (or any writing command) migrate it first");
  st = sql::Statement();
  if (s.ok()) s = ReadInstanceId(db, &ledger->instance_id_);
  if (!s.ok()) return sql::WithContext(s, "ledger " + path);
  *out = std::move(ledger);
  return s;
}

Status Ledger::CommitWithoutWaitingForDisk() {
  Status s = sql::Exec(db_, "PRAGMA synchronous = NORMAL");
  if (s.ok()) s = ExpectPragma(db_, "PRAGMA synchronous", "1");
  return s;
}

Status Ledger::LimitSize(std::int64_t max_bytes) {
  std::int64_t page = 0;
  Status s = ReadInteger(db_, "PRAGMA page_size", &page);
  if (!s.ok()) return s;
  // SQLite's own ceiling stands for "no cap" (max_page_count = 0 is ignored).
  const std::int64_t pages = max_bytes > 0 ? std::max<std::int64_t>(1, max_bytes / page)
                                           : std::int64_t{0xFFFFFFFE};
  std::int64_t set = 0;
  return ReadInteger(db_, "PRAGMA max_page_count = " + std::to_string(pages), &set);
}

Status Ledger::SizeBytes(std::int64_t* out) {
  std::int64_t page = 0, count = 0;
  Status s = ReadInteger(db_, "PRAGMA page_size", &page);
  if (s.ok()) s = ReadInteger(db_, "PRAGMA page_count", &count);
  if (s.ok()) *out = page * count;
  return s;
}

int Ledger::schema_version() const { return schema_version_; }

const std::string& Ledger::instance_id() const { return instance_id_; }

Status Ledger::Snapshot(const SnapshotKeys& keys, LedgerSnapshot* out) {
  return sql::InTransaction(db_, Mode::kRead, [&] { return store::ReadSnapshot(db_, keys, out); });
}

Status Ledger::Submit(const DeclarationEnvelope& env, const SnapshotKeys& keys,
                      const Evaluate& evaluate, DeclarationResult* result,
                      std::int64_t* declaration_id, const Extension& extend) {
  sql::Transaction tx(db_);
  Status s = tx.Begin(Mode::kWrite);
  // Read under the write lock: no other writer can change what the
  // evaluation saw before this declaration is committed.
  LedgerSnapshot snap;
  if (s.ok()) s = store::ReadSnapshot(db_, keys, &snap);
  DeclarationResult r;
  if (s.ok()) s = RunEvaluate(evaluate, snap, env.received_at, &r);
  std::int64_t id = 0;
  if (s.ok()) s = store::WriteDeclaration(db_, env, r, &id);
  if (s.ok()) s = RunExtension(extend, tx, id, r);
  if (s.ok()) s = tx.Commit();
  if (!s.ok()) return s;  // ~Transaction rolls back
  *result = std::move(r);
  *declaration_id = id;
  return s;
}

Status Ledger::PublishIndicator(Publication* p, std::chrono::minutes delay) {
  if (!IsMeshCode(p->mesh)) {
    return NotAMesh(p->mesh);
  }
  Publication fresh = *p;
  Status s = sql::InTransaction(db_, Mode::kWrite, [&] {
    std::optional<Publication> previous;
    Status r = store::ReadPreviousPublication(db_, fresh, &previous);
    if (!r.ok()) return r;
    fresh.applied_at = AppliedAt(fresh, previous ? &*previous : nullptr, delay);
    r = store::InsertPublication(db_, fresh, &fresh.seq);
    if (r.ok()) r = RecomputeLater(db_, fresh, delay);
    return r;
  });
  if (s.ok()) *p = fresh;
  return s;
}

Status Ledger::Publications(const std::string& mesh, std::vector<Publication>* out) {
  out->clear();
  return store::ReadPublications(db_, mesh, out);
}

Status Ledger::PublicationsDuring(const std::string& mesh, Instant from, Instant to,
                                  std::vector<Publication>* out) {
  out->clear();
  if (!IsMeshCode(mesh)) {
    return NotAMesh(mesh);
  }
  if (to < from) return Status::InvalidInput("publications asked for an empty period");
  return store::ReadPublicationsDuring(db_, mesh, from, to, out);
}

Status Ledger::DeclareShortage(const Shortage& sh) {
  if (!sh.mesh.empty() && !IsMeshCode(sh.mesh)) {
    return NotAMesh(sh.mesh);
  }
  return store::InsertShortage(db_, sh);
}

Status Ledger::Shortages(std::vector<Shortage>* out) {
  out->clear();
  return store::ReadShortages(db_, nullptr, out);
}

Status Ledger::ReferenceHistoryOf(const SiteDay& key, ReferenceHistory* out) {
  return store::ReadReferenceHistory(db_, key, out);
}

Status Ledger::ProgrammesOf(const SiteDay& key, std::vector<StoredProgramme>* out) {
  out->clear();
  // Several statements per programme: one snapshot for all of them.
  return sql::InTransaction(db_, Mode::kRead,
                            [&] { return store::ReadProgrammes(db_, key, out); });
}

Status Ledger::DeclarationsOn(GasDay day, std::vector<StoredDeclaration>* out) {
  out->clear();
  return store::ReadDeclarations(db_, GasDayStart(day), GasDayEnd(day), out);
}

}  // namespace flexmail
