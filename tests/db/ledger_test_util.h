// Shared helpers for the ledger tests: a fresh temporary directory per test,
// hand-built declaration results (the tests judge the ledger, not the
// rules), and a raw sqlite3 connection to look at what was really stored.
#pragma once

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "db/ledger.h"

namespace flexmail::testing {

using namespace std::chrono_literals;

// A directory removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "flexmail-db-XXXXXX").string();
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

// An instant given in UTC.
inline Instant Utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return Instant{date::sys_days{date::year{y} / date::month{m} / date::day{d}} +
                 std::chrono::hours{h} + std::chrono::minutes{min}};
}

inline GasDay Day(int y, unsigned m, unsigned d) { return *GasDay::FromYmd(y, m, d); }

// The test gas day: a winter day, Paris is UTC+1.
inline GasDay D() { return Day(2026, 12, 3); }

inline std::string FileName(GasDay day) {
  return "Export_DECLARATIONS_CCG-UPLOAD-" + day.Compact() + "_20261202101500.csv";
}

// An accepted programme of `site` with values base, base+1, ...
ProgrammeResult Programme(const std::string& site, GasDay day, int version, double base = 1000);

// A refused programme: Q0 delay on slots 8 and 9.
ProgrammeResult Refused(const std::string& site, GasDay day, int version);

// An INTEGRATED result received at t: every accepted, not superseded
// programme becomes a reference version.
DeclarationResult Integrated(Instant t, std::vector<ProgrammeResult> programmes);

// A REJECTED result received at t with one located error and one warning.
DeclarationResult Rejected(Instant t);

DeclarationEnvelope Envelope(Instant t, GasDay day = D());

// The keys a result touches, as the rules would ask for them.
SnapshotKeys KeysOf(const DeclarationResult& r);

Publication Pub(const std::string& mesh, IndicatorKind kind, Light status, Instant at);

// A raw connection to the ledger file, to check rows the API does not show.
class RawDb {
 public:
  explicit RawDb(const std::string& path);
  ~RawDb();
  sqlite3* get() const { return db_; }
  // Every row as text; NULL reads "NULL". Fails the test on SQL errors.
  std::vector<std::vector<std::string>> Rows(const std::string& sql) const;
  // The first column of the first row.
  std::string One(const std::string& sql) const;
  long Count(const std::string& table) const { return std::stol(One("SELECT count(*) FROM " + table)); }

 private:
  sqlite3* db_ = nullptr;
};

// A new ledger file migrated only up to schema `version`: an older ledger,
// for the upgrade tests. Fails the test (fatally) when it cannot.
void CreateLedgerAtVersion(const std::string& path, int version);

// Every table of the schema, to check that nothing at all was written.
extern const char* const kAllTables[];
long TotalRows(const RawDb& raw);

// A fixture with a ledger on a real file in a fresh directory.
class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override { ledger_.reset(); }
  // Closes and opens again, as a daemon restart would.
  void Reopen();
  // Submits a result built by hand, whatever the snapshot holds.
  Status SubmitResult(const DeclarationResult& r, std::int64_t* id = nullptr,
                      const Ledger::Extension& extend = nullptr);

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace flexmail::testing
