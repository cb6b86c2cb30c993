// Copies and checks of a ledger file, for operators, while the daemon may
// be running on it. Neither ever creates nor migrates the ledger: a missing
// file is kNotFound.
//
// BackupLedger copies with SQLite's online backup API from a read-only
// connection that holds one read transaction for the whole copy. The ledger
// is in WAL mode, where a reader never blocks a writer: the daemon commits
// as usual meanwhile (its WAL grows until the copy ends), and the copy is
// the ledger exactly as of the moment it began, with every row committed
// before. Without that one snapshot a stepped backup starts over whenever
// another connection commits, and under steady intake might never end. The
// pages are copied `pages_per_step` at a time.
//
// The copy is written to FILE.tmp-XXXXXX (mode 0600) beside FILE, switched
// to the rollback journal (one self-contained file, readable without -wal
// or -shm companions), synced, renamed over FILE, and the directory synced:
// FILE is the old copy or the new one, never a part. On failure the
// temporary is removed and FILE left as it was.
//
// The copy gets an instance id of its own (Ledger::instance_id): a ledger
// restored from it numbers declarations again from where the copy stopped,
// and must not write the Message-IDs the original wrote after the copy.
//
// Thread safety: each call has its own connections; calls are independent.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "rules/status.h"

namespace flexmail {

struct BackupOptions {
  // 1024 pages: 4 MiB at the ledger's 4 KiB pages.
  int pages_per_step = 1024;
  // Called after each step with the pages left and the total (progress;
  // tests let writers commit between steps).
  std::function<void(int remaining, int total)> after_step;
};

struct BackupStats {
  int pages = 0;      // in the copy
  int page_size = 0;  // bytes
  int steps = 0;
};

// Copies the ledger at `ledger` to `file` (see above). kNotFound when the
// ledger is missing; kInvalidInput when `file` is the ledger itself or one
// of its -wal, -shm or -journal files (by name or by inode); kInternal for
// any other failure, the message naming the file and what failed.
Status BackupLedger(const std::string& ledger, const std::string& file,
                    const BackupOptions& options, BackupStats* stats);

// What CheckLedger found: each list empty when its check passed.
struct LedgerCheck {
  int schema_version = -1;  // PRAGMA user_version; -1 when unreadable
  // The version is not one this flexmail knows (0: not a ledger; above
  // LatestSchemaVersion: written by a newer flexmail).
  std::vector<std::string> schema;
  // PRAGMA integrity_check's findings (at most 100), or the corruption
  // that stopped it.
  std::vector<std::string> integrity;
  // PRAGMA foreign_key_check's violations, "TABLE row N: COLUMN has no row
  // in PARENT", the first 100 and then how many more.
  std::vector<std::string> foreign_keys;
  bool clean() const { return schema.empty() && integrity.empty() && foreign_keys.empty(); }
};

// Checks the ledger at `ledger` read-only, in one read transaction (so
// beside a running daemon, which it never blocks). Damage found is in *out
// with an ok Status; a non-ok Status means the checks could not run:
// kNotFound when the file is missing, kInternal otherwise.
Status CheckLedger(const std::string& ledger, LedgerCheck* out);

}  // namespace flexmail
