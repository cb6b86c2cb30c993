// Backups and checks of the ledger file (db/backup.h) on real files: a copy
// taken while another connection commits, the atomic replacement of FILE,
// and what check finds in a sound, a corrupted and an inconsistent ledger.
#include "db/backup.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "db/schema.h"
#include "tests/db/ledger_test_util.h"

namespace flexmail::testing {
namespace {

namespace fs = std::filesystem;
using Rows = std::vector<std::vector<std::string>>;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// `n` shortages in one transaction, through a raw connection: a ledger of
// some megabytes in a second.
void AddShortages(const std::string& path, int n) {
  RawDb raw(path);
  const std::string sql =
      "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < " +
      std::to_string(n) +
      ") INSERT INTO shortages (gas_day, declared_at, declared_at_local) "
      "SELECT '2026-12-03', '2026-12-03T08:00:00.000Z', '2026-12-03T09:00:00.000+01:00' FROM i";
  ASSERT_EQ(sqlite3_exec(raw.get(), sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(raw.get());
}

// A fresh ledger file holding `shortages` rows, closed.
std::string MakeLedger(const TempDir& dir, const std::string& name, int shortages) {
  const std::string path = dir.File(name);
  std::unique_ptr<Ledger> ledger;
  EXPECT_TRUE(Ledger::Open(path, &ledger).ok());
  ledger.reset();
  AddShortages(path, shortages);
  return path;
}

// The names in `dir` that start with `prefix`.
std::vector<std::string> Names(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Commits one shortage after another through its own Ledger until stopped;
// `committed` counts those whose commit returned.
class Writer {
 public:
  explicit Writer(const std::string& path) : path_(path) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~Writer() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int committed() const { return committed_; }
  bool failed() const { return failed_; }
  // Waits until `n` commits were made (false after 10 s).
  bool WaitFor(int n) const {
    for (int i = 0; i < 1000 && committed_ < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return committed_ >= n;
  }

 private:
  void Loop() {
    std::unique_ptr<Ledger> ledger;
    if (!Ledger::Open(path_, &ledger).ok()) failed_ = true;
    while (!stop_ && !failed_) {
      Shortage s{D(), "", Utc(2026, 12, 3, 10) + std::chrono::seconds(committed_ + 1)};
      if (!ledger->DeclareShortage(s).ok()) failed_ = true;
      else ++committed_;
    }
  }
  std::string path_;
  std::atomic<bool> stop_{false}, failed_{false};
  std::atomic<int> committed_{0};
  std::thread thread_;
};

TEST(BackupTest, CopyTakenWhileAnotherConnectionCommitsHoldsEveryCommittedRow) {
  // Given a ledger of 20 000 rows and a thread committing more through its own connection throughout, the copy, taken in small steps, passes integrity_check and holds every row committed before it began, and nothing after its first step, in order and without a gap.
  TempDir dir;
  const int kFilled = 20000;
  const std::string path = MakeLedger(dir, "live.db", kFilled);
  Writer writer(path);
  ASSERT_TRUE(writer.WaitFor(3));
  const int before = writer.committed();
  int at_first_step = -1;
  BackupOptions options;
  options.pages_per_step = 8;
  options.after_step = [&](int, int) {
    if (at_first_step >= 0) return;
    at_first_step = writer.committed();
    EXPECT_TRUE(writer.WaitFor(at_first_step + 5)) << "the writer was blocked by the backup";
  };
  BackupStats stats;
  const std::string copy = dir.File("copy.db");
  Status s = BackupLedger(path, copy, options, &stats);
  const int during = writer.committed();
  writer.Stop();
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_FALSE(writer.failed());
  EXPECT_GT(stats.steps, 10);
  EXPECT_EQ(stats.page_size, 4096);
  EXPECT_GT(during, at_first_step + 4);

  RawDb backup(copy);
  EXPECT_EQ(backup.One("PRAGMA integrity_check"), "ok");
  EXPECT_TRUE(backup.Rows("PRAGMA foreign_key_check").empty());
  const long rows = backup.Count("shortages");
  EXPECT_GE(rows, kFilled + before);
  // At most one commit was in flight, done but not yet counted, at the first step.
  EXPECT_LE(rows, kFilled + at_first_step + 1);
  EXPECT_EQ(backup.One("SELECT max(id) FROM shortages"), std::to_string(rows));
  const std::string all = "SELECT group_concat(id || declared_at) FROM shortages WHERE id <= " +
                          std::to_string(rows);
  EXPECT_EQ(backup.One(all), RawDb(path).One(all));
  EXPECT_EQ(backup.One("PRAGMA page_count"), std::to_string(stats.pages));
}

TEST(BackupTest, TheCopyIsOneFileWithAnInstanceIdOfItsOwn) {
  // Given a ledger, its copy is in rollback-journal mode (no -wal or -shm needed nor left), opens as a ledger of the same version and rows, and has another instance id.
  TempDir dir;
  const std::string path = MakeLedger(dir, "live.db", 10);
  BackupStats stats;
  ASSERT_TRUE(BackupLedger(path, dir.File("copy.db"), BackupOptions(), &stats).ok());
  EXPECT_EQ(Names(dir.File(""), "copy.db"), std::vector<std::string>{"copy.db"});
  struct stat st;
  ASSERT_EQ(::stat(dir.File("copy.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string header(20, '\0');
  std::ifstream(dir.File("copy.db"), std::ios::binary).read(header.data(), 20);
  EXPECT_EQ(header.substr(0, 16), std::string("SQLite format 3\0", 16));
  EXPECT_EQ(header[18], 1) << "write version: rollback journal, not WAL";
  EXPECT_EQ(header[19], 1) << "read version: rollback journal, not WAL";

  std::unique_ptr<Ledger> original, restored;
  ASSERT_TRUE(Ledger::Open(path, &original).ok());
  ASSERT_TRUE(Ledger::Open(dir.File("copy.db"), &restored).ok());
  EXPECT_EQ(restored->schema_version(), LatestSchemaVersion());
  EXPECT_EQ(restored->instance_id().size(), 32u);
  EXPECT_NE(restored->instance_id(), original->instance_id());
  std::vector<Shortage> shortages;
  ASSERT_TRUE(restored->Shortages(&shortages).ok());
  EXPECT_EQ(shortages.size(), 10u);
}

TEST(BackupTest, ReplacesAnExistingFileAtomically) {
  // Given FILE already there (an older copy, hard-linked as FILE.old), the backup renames its copy over FILE: FILE is the new copy, the old inode keeps the old bytes untouched, and no FILE.tmp-* is left.
  TempDir dir;
  const std::string path = MakeLedger(dir, "live.db", 100);
  const std::string file = dir.File("nightly.db");
  std::ofstream(file) << "yesterday's copy";
  ASSERT_EQ(::link(file.c_str(), dir.File("nightly.db.old").c_str()), 0);
  BackupStats stats;
  Status s = BackupLedger(path, file, BackupOptions(), &stats);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ReadAll(dir.File("nightly.db.old")), "yesterday's copy");
  EXPECT_EQ(RawDb(file).Count("shortages"), 100);
  EXPECT_EQ(Names(dir.File(""), "nightly.db"),
            (std::vector<std::string>{"nightly.db", "nightly.db.old"}));
}

TEST(BackupTest, RefusesToWriteOverTheLedgerItself) {
  // Given FILE naming the ledger (as given, by another spelling, through a hard link, or its -wal), the backup refuses (kInvalidInput) and the ledger stays whole.
  TempDir dir;
  const std::string path = MakeLedger(dir, "live.db", 100);
  ASSERT_EQ(::link(path.c_str(), dir.File("alias.db").c_str()), 0);
  BackupStats stats;
  for (const std::string& file :
       {path, dir.File("./live.db"), dir.File("alias.db"), path + "-wal"}) {
    Status s = BackupLedger(path, file, BackupOptions(), &stats);
    EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput) << file;
    EXPECT_EQ(s.message(), file + " is the ledger itself (or one of its files)");
  }
  EXPECT_EQ(RawDb(path).One("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(RawDb(path).Count("shortages"), 100);
}

TEST(BackupTest, AMissingLedgerIsNotCreated) {
  // Given no ledger file, the backup fails with kNotFound naming it, and creates neither the ledger nor FILE.
  TempDir dir;
  BackupStats stats;
  Status s = BackupLedger(dir.File("missing.db"), dir.File("copy.db"), BackupOptions(), &stats);
  EXPECT_EQ(s.kind(), Status::Kind::kNotFound);
  EXPECT_EQ(s.message(), "ledger: " + dir.File("missing.db") + ": no such file (nothing was created)");
  EXPECT_TRUE(Names(dir.File(""), "").empty());
}

TEST(BackupTest, AFailedCopyLeavesFileAndNoTemporary) {
  // Given a "ledger" that is no database and an existing FILE, the copy fails naming the temporary and the cause, FILE keeps its bytes and no temporary is left; a FILE in a missing directory fails naming what could not be created.
  TempDir dir;
  std::ofstream(dir.File("garbage.db")) << std::string(8192, 'x');
  std::ofstream(dir.File("copy.db")) << "previous";
  BackupStats stats;
  Status s = BackupLedger(dir.File("garbage.db"), dir.File("copy.db"), BackupOptions(), &stats);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), Status::Kind::kInternal);
  EXPECT_EQ(s.message().rfind(dir.File("copy.db.tmp-"), 0), 0u) << s.message();
  EXPECT_NE(s.message().find("file is not a database"), std::string::npos) << s.message();
  EXPECT_EQ(ReadAll(dir.File("copy.db")), "previous");
  EXPECT_EQ(Names(dir.File(""), "copy.db"), std::vector<std::string>{"copy.db"});

  const std::string path = MakeLedger(dir, "live.db", 1);
  s = BackupLedger(path, dir.File("no/such/dir/copy.db"), BackupOptions(), &stats);
  EXPECT_EQ(s.message().rfind("cannot create " + dir.File("no/such/dir/copy.db.tmp-"), 0), 0u)
      << s.message();
  EXPECT_NE(s.message().find("No such file or directory"), std::string::npos) << s.message();
}

TEST(CheckLedgerTest, ASoundLedgerIsClean) {
  // Given a ledger with rows, every check passes and the version is the latest.
  TempDir dir;
  const std::string path = MakeLedger(dir, "live.db", 1000);
  LedgerCheck check;
  Status s = CheckLedger(path, &check);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(check.clean());
  EXPECT_EQ(check.schema_version, LatestSchemaVersion());
  EXPECT_TRUE(check.integrity.empty());
  EXPECT_TRUE(check.foreign_keys.empty());
}

TEST(CheckLedgerTest, BytesOverwrittenInAPageAreFound) {
  // Given a copy of a ledger of 20 000 rows with 64 bytes overwritten at the start of a page in its middle, integrity_check reports damage there.
  TempDir dir;
  const std::string path = MakeLedger(dir, "live.db", 20000);
  const std::string broken = dir.File("broken.db");
  fs::copy_file(path, broken);
  const auto pages = static_cast<long>(fs::file_size(broken) / 4096);
  ASSERT_GT(pages, 100);
  {
    std::fstream f(broken, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((pages / 2) * 4096);
    f.write(std::string(64, '\xA5').data(), 64);
  }
  LedgerCheck check;
  Status s = CheckLedger(broken, &check);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(check.clean());
  ASSERT_FALSE(check.integrity.empty());
  // "Page N: btreeInitPage() returns error code 11", or a cell of page N.
  const std::string page = "age " + std::to_string(pages / 2 + 1) + ":";
  EXPECT_TRUE(std::any_of(check.integrity.begin(), check.integrity.end(),
                          [&](const std::string& f) { return f.find(page) != std::string::npos; }))
      << check.integrity[0];
  EXPECT_TRUE(CheckLedger(path, &check).ok());
  EXPECT_TRUE(check.clean()) << "the original is untouched";
}

// A declaration_files row whose declaration does not exist, written with
// foreign keys off (as a careless hand edit would).
void AddDanglingFile(const std::string& path) {
  RawDb raw(path);
  ASSERT_EQ(sqlite3_exec(raw.get(),
                         "PRAGMA foreign_keys = OFF; "
                         "INSERT INTO declaration_files "
                         "(declaration_id, ordinal, name, bytes, size, sha256) "
                         "VALUES (999, 0, 'a.csv', X'41', 1, printf('%064d', 0))",
                         nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(raw.get());
}

TEST(CheckLedgerTest, ADanglingForeignKeyIsFound) {
  // Given a file row pointing at no declaration, foreign_key_check names the table, the row, the column and the missing parent; integrity_check alone would not see it.
  TempDir dir;
  const std::string path = MakeLedger(dir, "live.db", 10);
  AddDanglingFile(path);
  LedgerCheck check;
  ASSERT_TRUE(CheckLedger(path, &check).ok());
  EXPECT_FALSE(check.clean());
  EXPECT_TRUE(check.integrity.empty());
  EXPECT_EQ(check.foreign_keys,
            std::vector<std::string>{"declaration_files row 1: declaration_id has no row in "
                                     "declarations"});
}

TEST(CheckLedgerTest, AVersionThisFlexmailDoesNotKnowIsFound) {
  // Given a file of a newer flexmail, and an empty SQLite file, the schema check says why each is not a ledger this flexmail reads.
  TempDir dir;
  const std::string path = MakeLedger(dir, "live.db", 1);
  const int newer = LatestSchemaVersion() + 1;
  {
    RawDb raw(path);
    const std::string sql = "PRAGMA user_version = " + std::to_string(newer);
    ASSERT_EQ(sqlite3_exec(raw.get(), sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  }
  LedgerCheck check;
  ASSERT_TRUE(CheckLedger(path, &check).ok());
  EXPECT_EQ(check.schema_version, newer);
  EXPECT_EQ(check.schema, std::vector<std::string>{
                              "version " + std::to_string(newer) +
                              " is newer than this flexmail knows (" +
                              std::to_string(LatestSchemaVersion()) + ")"});
  std::ofstream(dir.File("empty.db"));
  ASSERT_TRUE(CheckLedger(dir.File("empty.db"), &check).ok());
  EXPECT_EQ(check.schema, std::vector<std::string>{"version 0: not a flexmail ledger"});
}

TEST(CheckLedgerTest, AMissingLedgerIsAnErrorAndIsNotCreated) {
  // Given no file, the check fails (kNotFound) and creates nothing.
  TempDir dir;
  LedgerCheck check;
  Status s = CheckLedger(dir.File("missing.db"), &check);
  EXPECT_EQ(s.kind(), Status::Kind::kNotFound);
  EXPECT_EQ(s.message(), "ledger: " + dir.File("missing.db") + ": no such file (nothing was created)");
  EXPECT_TRUE(Names(dir.File(""), "").empty());
}

}  // namespace
}  // namespace flexmail::testing
