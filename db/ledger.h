// The ledger: flexmail's durable record, one SQLite file.
//
// WAL journal, synchronous=FULL, foreign keys on, schema versioned with
// numbered migrations (PRAGMA user_version). Every declaration is written in
// one transaction together with everything it caused; a rejected declaration
// leaves only its rejection record (declaration, files, errors). Times are
// stored as UTC ISO 8601 text, with a Paris-local copy for humans.
//
// One Ledger per thread; several processes may open the same file (SQLite
// locking, busy timeout 5 s).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "db/sqlite.h"
#include "parser/csv.h"
#include "rules/declaration.h"
#include "rules/status.h"

struct sqlite3;

namespace flexmail {

// How a declaration reached flexmail, and the files it carried.
struct DeclarationEnvelope {
  std::string sender;
  Instant received_at{};
  std::string source = "cli";  // cli | maildir | imap
  std::vector<RawFile> files;
};

// A programme as stored, with its verdict (for `programs` and reports).
struct StoredProgramme {
  std::int64_t declaration_id = 0;
  Instant received_at{};
  std::string sender;
  ProgrammeResult result;
};

// A stored declaration with its outcome (for reports).
struct StoredDeclaration {
  std::int64_t id = 0;
  Instant received_at{};
  std::string sender;
  std::string source;
  Outcome outcome = Outcome::kRejected;
  int error_count = 0;
  int warning_count = 0;
};

class Ledger {
 public:
  // Opens (creating if needed) and migrates the database at `path`.
  static Status Open(const std::string& path, std::unique_ptr<Ledger>* out);
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // What the rules need, read in one read transaction.
  Status Snapshot(const SnapshotKeys& keys, LedgerSnapshot* out);

  using Evaluate = std::function<DeclarationResult(const LedgerSnapshot&)>;
  // Called by Submit inside its transaction, after the declaration and all
  // it caused are written and before COMMIT, whatever the outcome. Rows it
  // writes through `tx` (e.g. the reply emails to send) commit together with
  // the declaration or not at all; a non-ok Status rolls everything back and
  // is what Submit returns. It cannot end the transaction: COMMIT and
  // ROLLBACK are refused while it runs (tx.Commit() returns an error).
  using Extension = std::function<Status(sql::Transaction& tx, std::int64_t declaration_id,
                                         const DeclarationResult& result)>;
  // One write transaction (BEGIN IMMEDIATE): reads the snapshot of `keys`,
  // calls `evaluate`, writes the declaration and all it caused, calls
  // `extend` (when set), commits. Programmes and reference versions are
  // written only when the outcome is INTEGRATED; otherwise only the
  // declaration, its files and its diagnostics. On any failure nothing is
  // written and the status says why (kTransient when the database is busy).
  // REQUIRES: `evaluate` returns a result for env.received_at.
  Status Submit(const DeclarationEnvelope& env, const SnapshotKeys& keys,
                const Evaluate& evaluate, DeclarationResult* result, std::int64_t* declaration_id,
                const Extension& extend = nullptr);

  // Stores a publication; fills p->seq and p->applied_at (from the previous
  // publication of the same mesh and indicator, and `delay`). A publication
  // dated before ones already stored may change when those apply: their
  // applied_at is recomputed in the same transaction, so every stored
  // applied_at is the one IndicatorTimeline would give.
  Status PublishIndicator(Publication* p, std::chrono::minutes delay);
  // Every publication, or those of one mesh when `mesh` is non-empty.
  Status Publications(const std::string& mesh, std::vector<Publication>* out);
  Status DeclareShortage(const Shortage& s);
  Status Shortages(std::vector<Shortage>* out);

  Status ReferenceHistoryOf(const SiteDay& key, ReferenceHistory* out);
  // Every integrated programme of (site, day), by version.
  Status ProgrammesOf(const SiteDay& key, std::vector<StoredProgramme>* out);
  // The declarations received during gas day `day` (D 06:00 to D+1 06:00
  // Paris), whatever they declared, in reception order.
  Status DeclarationsOn(GasDay day, std::vector<StoredDeclaration>* out);

  // The schema version after migration (for tests and `status`).
  int schema_version() const;

 private:
  explicit Ledger(sqlite3* db);
  sqlite3* db_;
  int schema_version_ = 0;
};

}  // namespace flexmail
