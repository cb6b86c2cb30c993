#include "db/schema.h"

#include <gtest/gtest.h>

#include "db/codec.h"
#include "db/sha256.h"
#include "tests/db/ledger_test_util.h"

namespace flexmail::testing {
namespace {

TEST(SchemaTest, MigratesAnEmptyFileToTheLatestVersion) {
  // Given no file, Open creates it at the latest schema version, in WAL mode, with every table and view.
  TempDir dir;
  std::string path = dir.File("new.db");
  std::unique_ptr<Ledger> ledger;
  Status s = Ledger::Open(path, &ledger);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ledger->schema_version(), LatestSchemaVersion());
  EXPECT_EQ(LatestSchemaVersion(), 15);

  RawDb raw(path);
  EXPECT_EQ(raw.One("PRAGMA user_version"), std::to_string(LatestSchemaVersion()));
  EXPECT_EQ(raw.One("PRAGMA journal_mode"), "wal");
  for (const char* const* t = kAllTables; *t; ++t) {
    EXPECT_EQ(raw.One(std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                  "AND name = '") + *t + "'"), "1") << *t;
  }
  EXPECT_EQ(raw.One("SELECT group_concat(name, ' ') FROM "
                    "(SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name)"),
            "v_annotations v_canary v_declarations v_errors v_indicators v_message_texts "
            "v_messages v_outbox v_outbox_pending v_overrides v_polls v_programme_hours v_programmes "
            "v_reference_current v_reference_history v_shortages");
  EXPECT_EQ(TotalRows(raw), 0);
}

TEST(SchemaTest, ReopeningIsIdempotent) {
  // Given a migrated ledger with data, opening it again changes neither the schema nor the data.
  TempDir dir;
  std::string path = dir.File("again.db");
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(path, &ledger).ok());
  ASSERT_TRUE(ledger->DeclareShortage(Shortage{D(), "", Utc(2026, 12, 3, 8)}).ok());
  std::string schema = RawDb(path).One("SELECT group_concat(sql, ';') FROM sqlite_master");
  ledger.reset();

  for (int i = 0; i < 2; ++i) {
    Status s = Ledger::Open(path, &ledger);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(ledger->schema_version(), LatestSchemaVersion());
    std::vector<Shortage> shortages;
    ASSERT_TRUE(ledger->Shortages(&shortages).ok());
    EXPECT_EQ(shortages.size(), 1u);
    ledger.reset();
  }
  EXPECT_EQ(RawDb(path).One("SELECT group_concat(sql, ';') FROM sqlite_master"), schema);
}

TEST(SchemaTest, RefusesADatabaseFromANewerFlexmail) {
  // Given a file whose schema version is above what this code knows, Open fails with a clear permanent error and leaves the file alone.
  TempDir dir;
  std::string path = dir.File("future.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::string sql = "CREATE TABLE later_things (x); PRAGMA user_version = " +
                      std::to_string(LatestSchemaVersion() + 1);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  std::unique_ptr<Ledger> ledger;
  Status s = Ledger::Open(path, &ledger);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  const std::string known = std::to_string(LatestSchemaVersion());
  const std::string found = std::to_string(LatestSchemaVersion() + 1);
  EXPECT_EQ(s.message(), "ledger " + path + ": schema version " + found +
                             " is newer than this flexmail knows (" + known +
                             "): run a flexmail at least as recent as the one that wrote it");
  EXPECT_EQ(ledger, nullptr);
  RawDb raw(path);
  EXPECT_EQ(raw.One("PRAGMA user_version"), found);
  EXPECT_EQ(raw.One("SELECT count(*) FROM sqlite_master"), "1");
}

// 32 lowercase hex digits: what an instance id must be.
bool IsInstanceId(const std::string& id) {
  return id.size() == 32 &&
         id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(SchemaTest, EveryNewLedgerDrawsItsOwnInstanceId) {
  // Given two ledgers created alike, each has a random instance id of its own, stored in one row, the same when opened again or read-only.
  TempDir dir;
  std::unique_ptr<Ledger> first, second;
  ASSERT_TRUE(Ledger::Open(dir.File("first.db"), &first).ok());
  ASSERT_TRUE(Ledger::Open(dir.File("second.db"), &second).ok());
  EXPECT_TRUE(IsInstanceId(first->instance_id())) << first->instance_id();
  EXPECT_TRUE(IsInstanceId(second->instance_id())) << second->instance_id();
  EXPECT_NE(first->instance_id(), second->instance_id());
  const std::string id = first->instance_id();
  first.reset();
  ASSERT_TRUE(Ledger::Open(dir.File("first.db"), &first).ok());
  EXPECT_EQ(first->instance_id(), id);
  std::unique_ptr<Ledger> reader;
  ASSERT_TRUE(Ledger::OpenReadOnly(dir.File("first.db"), &reader).ok());
  EXPECT_EQ(reader->instance_id(), id);
  RawDb raw(dir.File("first.db"));
  EXPECT_EQ(raw.Rows("SELECT id, instance_id FROM ledger_instance"),
            (std::vector<std::vector<std::string>>{{"1", id}}));
  const std::string second_row = "INSERT INTO ledger_instance VALUES (2, '" + id + "')";
  EXPECT_NE(sqlite3_exec(raw.get(), second_row.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(raw.get(), "UPDATE ledger_instance SET instance_id = 'ABC'", nullptr,
                         nullptr, nullptr), SQLITE_OK);
}

TEST(SchemaTest, UpgradingAVersion11LedgerDrawsAnInstanceId) {
  // Given a ledger of version 11 (before instance ids) holding a shortage, Open migrates it to 12: it gets an instance id and keeps its rows.
  TempDir dir;
  std::string path = dir.File("v11.db");
  ASSERT_NO_FATAL_FAILURE(CreateLedgerAtVersion(path, 11));
  {
    RawDb raw(path);
    ASSERT_EQ(raw.One("SELECT count(*) FROM sqlite_master WHERE name = 'ledger_instance'"), "0");
    ASSERT_EQ(sqlite3_exec(raw.get(),
                           "INSERT INTO shortages (gas_day, declared_at, declared_at_local) "
                           "VALUES ('2026-12-03', '2026-12-03T08:00:00.000Z', "
                           "'2026-12-03T09:00:00.000+01:00')",
                           nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw.get());
  }
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(path, &ledger).ok());
  EXPECT_EQ(ledger->schema_version(), LatestSchemaVersion());
  EXPECT_TRUE(IsInstanceId(ledger->instance_id())) << ledger->instance_id();
  RawDb raw(path);
  EXPECT_EQ(raw.One("SELECT instance_id FROM ledger_instance"), ledger->instance_id());
  EXPECT_EQ(raw.One("SELECT count(*) FROM shortages"), "1");
  // Migration 13: the shortage written before ends of shortages existed is
  // a shortage, not an end.
  EXPECT_EQ(raw.One("SELECT action FROM v_shortages"), "SHORTAGE");
}

TEST(SchemaTest, ReportsAFileThatIsNotADatabase) {
  // Given a file that is not SQLite, Open fails and says which file.
  TempDir dir;
  std::string path = dir.File("garbage.db");
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not a database, but it is long enough to look like a header......", f);
    std::fclose(f);
  }
  std::unique_ptr<Ledger> ledger;
  Status s = Ledger::Open(path, &ledger);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("ledger " + path + ": ", 0), 0u) << s.message();
  EXPECT_NE(s.message().find("not a database"), std::string::npos) << s.message();
}

TEST(Sha256Test, MatchesKnownDigests) {
  // Given the FIPS 180-4 examples and inputs around the padding boundaries, the digests are the standard ones.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  const std::pair<int, const char*> boundaries[] = {
      {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
      {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
      {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
      {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
  };
  for (const auto& [n, digest] : boundaries) EXPECT_EQ(Sha256Hex(std::string(n, 'a')), digest) << n;
}

TEST(CodecTest, SlotListsRoundTrip) {
  // Given slot lists, their text form reads back the same and malformed text is refused.
  EXPECT_EQ(store::SlotsText({}), "");
  EXPECT_EQ(store::SlotsText({8, 9, 23}), "8,9,23");
  std::vector<int> slots;
  ASSERT_TRUE(store::ParseSlots("8,9,23", &slots));
  EXPECT_EQ(slots, (std::vector<int>{8, 9, 23}));
  ASSERT_TRUE(store::ParseSlots("", &slots));
  EXPECT_TRUE(slots.empty());
  for (const char* bad : {"8,", ",8", "8,,9", "24", "-1", "x", "8 ,9"}) {
    EXPECT_FALSE(store::ParseSlots(bad, &slots)) << bad;
  }
}

TEST(CodecTest, LocalTimesRoundTrip) {
  // Given a wall-clock time with milliseconds, its text has no offset and reads back exactly.
  LocalTime t = LocalTime{date::local_days{date::year{2026} / 3 / 29}} + 2h + 30min + 5ms;
  EXPECT_EQ(store::LocalText(t), "2026-03-29T02:30:00.005");
  LocalTime back;
  ASSERT_TRUE(store::ParseLocalText("2026-03-29T02:30:00.005", &back));
  EXPECT_EQ(back, t);
  EXPECT_FALSE(store::ParseLocalText("2026-03-29T02:30:00.005+01:00", &back));
  EXPECT_FALSE(store::ParseLocalText("yesterday", &back));
  EXPECT_FALSE(store::ParseLocalText("2026-02-30T02:30:00.005", &back));
  EXPECT_FALSE(store::ParseLocalText("2026-03-29T24:00:00.000", &back));
}

}  // namespace
}  // namespace flexmail::testing
