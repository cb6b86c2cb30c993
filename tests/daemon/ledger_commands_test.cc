// `flexmail backup` and `flexmail check-ledger` through the command line:
// what they print, their exit codes, and that neither creates a missing
// ledger.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "db/ledger.h"
#include "db/schema.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using testing::At;
using testing::FixedClock;
using testing::RunBinary;
using testing::RunCliIn;
using testing::Testbed;

// The bed's ledger, created with `shortages` rows, then closed.
void MakeLedger(const Testbed& bed, int shortages) {
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(bed.database(), &ledger).ok());
  for (int i = 0; i < shortages; ++i) {
    Shortage s{*GasDay::FromYmd(2026, 12, 3), "",
               At("2026-12-02T10:00:00") + std::chrono::minutes(i)};
    ASSERT_TRUE(ledger->DeclareShortage(s).ok());
  }
}

std::string Report(const std::string& first, const std::string& path,
                   const std::string& foreign_keys = "ok") {
  return first + "\nledger:            " + path + " (schema version " +
         std::to_string(LatestSchemaVersion()) + ")\nintegrity_check:   ok\nforeign_key_check: " +
         foreign_keys + "\n";
}

TEST(LedgerCommands, BackupThenCheckTheCopy) {
  // Given a ledger, the real binary copies it to FILE, saying how many pages, and check-ledger --database FILE finds the copy sound (exit 0).
  Testbed bed;
  MakeLedger(bed, 50);
  const std::string file = bed.dir() + "/nightly.db";
  auto r = RunBinary({"--config", bed.config(), "backup", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto pages = std::filesystem::file_size(file) / 4096;
  EXPECT_EQ(r.out, "ledger " + bed.database() + " copied to " + file + ": " +
                       std::to_string(pages) + " pages of 4096 bytes\n");
  EXPECT_EQ(r.err, "");
  r = RunBinary({"--config", bed.config(), "check-ledger", "--database", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, Report("OK", file));
  r = RunBinary({"--config", bed.config(), "check-ledger"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, Report("OK", bed.database()));
}

TEST(LedgerCommands, CheckLedgerExits3OnADanglingForeignKey) {
  // Given a file row whose declaration is missing (written with foreign keys off), the real binary's check-ledger prints DAMAGED with the violation and exits 3, the code of an unhealthy status.
  Testbed bed;
  MakeLedger(bed, 1);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(bed.database().c_str(), &db), SQLITE_OK);
  const int rc = sqlite3_exec(db,
                              "PRAGMA foreign_keys = OFF; INSERT INTO declaration_files "
                              "(declaration_id, ordinal, name, bytes, size, sha256) "
                              "VALUES (7, 0, 'a.csv', X'41', 1, printf('%064d', 0))",
                              nullptr, nullptr, nullptr);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK);
  auto r = RunBinary({"--config", bed.config(), "check-ledger"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, Report("DAMAGED - 1 problem", bed.database(),
                          "declaration_files row 1: declaration_id has no row in declarations"));
}

TEST(LedgerCommands, BackupRefusesTheLedgerItself) {
  // Given FILE = the configured ledger, backup is a usage error (exit 2) that says so.
  Testbed bed;
  MakeLedger(bed, 1);
  FixedClock clock;
  std::string out, err;
  EXPECT_EQ(RunCliIn(bed, clock, {"backup", bed.database()}, &out, &err), 2);
  EXPECT_EQ(err, "flexmail: backup: " + bed.database() +
                     " is the ledger itself (or one of its files)\n");
  EXPECT_EQ(RunCliIn(bed, clock, {"backup"}, &out, &err), 2);
}

TEST(LedgerCommands, AMissingLedgerIsAnErrorAndIsNotCreated) {
  // Given no ledger yet, backup and check-ledger both fail with exit 1 naming it, and neither creates it (nor the copy).
  Testbed bed;
  FixedClock clock;
  std::string out, err;
  const std::string missing =
      "ledger: " + bed.database() + ": no such file (nothing was created)\n";
  EXPECT_EQ(RunCliIn(bed, clock, {"backup", bed.dir() + "/copy.db"}, &out, &err), 1);
  EXPECT_EQ(err, "flexmail: backup: " + missing);
  err.clear();
  EXPECT_EQ(RunCliIn(bed, clock, {"check-ledger"}, &out, &err), 1);
  EXPECT_EQ(err, "flexmail: check-ledger: " + missing);
  EXPECT_FALSE(std::filesystem::exists(bed.database()));
  EXPECT_FALSE(std::filesystem::exists(bed.dir() + "/copy.db"));
}

}  // namespace
}  // namespace flexmail
