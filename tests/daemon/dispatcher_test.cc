// The dispatcher's hand, through the command line on a real ledger:
// overrides of a verdict (reference before and after, the shipper's
// threaded answer, later declarations judged on the override), notes on
// declarations, and the end of a shortage.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using testing::At;
using testing::DeclarationEmail;
using testing::FixedClock;
using testing::Flat;
using testing::Line;
using testing::RunCliIn;
using testing::Testbed;
using Json = nlohmann::json;

constexpr const char kV2[] = "20261203-LI0001-GFQUIMP01-2";

struct Desk {
  Testbed bed{"[mail]\naddress = \"declarations@flexmail.example\"\n"};
  FixedClock clock;
  std::string out, err;

  Desk() { clock.now = At("2026-12-03T12:00:00"); }
  int Run(std::vector<std::string> args) { return RunCliIn(bed, clock, args, &out, &err); }
  Json RunJson(std::vector<std::string> args) {
    args.push_back("--json");
    EXPECT_EQ(Run(args), 0) << err;
    return out.empty() ? Json() : Json::parse(out);
  }
  // Ingests version `v` (every hour `value`) as an email received at `at`.
  Json Ingest(int v, const std::string& value, const char* at) {
    const std::string eml = bed.dir() + "/v" + std::to_string(v) + ".eml";
    std::ofstream(eml, std::ios::binary) << DeclarationEmail(v, value);
    return RunJson({"ingest", eml, "--received-at", at});
  }
  // The 24 reference quantities in force at `at`.
  std::vector<double> Reference(const char* at) {
    Json j = RunJson({"reference", "--site", "LI0001", "--gas-day", "2026-12-03", "--at", at});
    std::vector<double> out;
    for (const auto& h : j["hourlyQuantities"]) out.push_back(h["quantity"].get<double>());
    return out;
  }
  Json Override(const char* status, const char* at) {
    return RunJson({"override", kV2, "--status", status, "--reason",
                    "confirmé par téléphone avec M. Martin", "--by", "J. Dupont", "--at", at});
  }
  std::string Reply(int id) {
    EXPECT_EQ(Run({"outbox", "show", std::to_string(id)}), 0) << err;
    return out;
  }
};

// `before` for the hours before slot `from`, `value` from it on.
std::vector<double> Split(int from, double before, double value) {
  std::vector<double> out(24, before);
  for (int i = from; i < 24; ++i) out[i] = value;
  return out;
}

const std::string& Status(const Json& verdict) {
  return verdict["hmsProfiles"][0]["hmsProfileFeasibility"]["hmsProfileFeasibilityStatus"]
      .get_ref<const std::string&>();
}

// A refusal overridden into an acceptance and back, and a later
// declaration judged on the corrected reference.
class OverrideTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Status(desk.Ingest(1, "100", "2026-12-01T12:00:00")), "ACCEPTED");
    ASSERT_EQ(desk.Run({"shortage", "declare", "--gas-day", "2026-12-03", "--at",
                        "2026-12-03T08:00:00"}), 0) << desk.err;
    ASSERT_EQ(Status(desk.Ingest(2, "200", "2026-12-03T10:00:00")), "REFUSED");
    ASSERT_EQ(desk.Run({"shortage", "cancel", "--gas-day", "2026-12-03", "--at",
                        "2026-12-03T10:10:00"}), 0) << desk.err;
  }
  Desk desk;
};

TEST_F(OverrideTest, AcceptedFromTheCurrentSlotThenBack) {
  EXPECT_EQ(desk.Reference("2026-12-03T10:29:59"), Split(0, 100, 100));
  Json o = desk.Override("ACCEPTED", "2026-12-03T10:30:00");
  EXPECT_EQ(o["replaces"], "REFUSED");
  EXPECT_EQ(o["status"], "ACCEPTED");
  EXPECT_EQ(o["by"], "J. Dupont");
  EXPECT_EQ(o["hmsProfileId"], kV2);
  EXPECT_EQ(o["siteId"], "LI0001");
  EXPECT_EQ(o["gasDay"], "2026-12-03");
  EXPECT_EQ(o["replyMessageId"].get<std::string>().rfind("<override-1.", 0), 0u) << o;
  EXPECT_FALSE(o["referenceSeq"].is_null());
  // 10:30 is in slot 4 (10h00): the hours before keep the old reference.
  EXPECT_EQ(desk.Reference("2026-12-03T10:29:59"), Split(0, 100, 100));
  EXPECT_EQ(desk.Reference("2026-12-03T10:30:00"), Split(4, 100, 200));
  Json back = desk.Override("REFUSED", "2026-12-03T11:20:00");
  EXPECT_EQ(back["replaces"], "ACCEPTED");
  // Slot 5 (11h00) on goes back to what stood without v2; 10h00 stays.
  std::vector<double> expected = Split(5, 100, 100);
  expected[4] = 200;
  EXPECT_EQ(desk.Reference("2026-12-03T11:20:00"), expected);
  // The automatic verdict is never rewritten.
  Json programs = desk.RunJson({"programs", "--site", "LI0001", "--gas-day", "2026-12-03"});
  EXPECT_EQ(programs["hmsProfiles"][1]["hmsProfileFeasibility"]["hmsProfileFeasibilityStatus"], "REFUSED");
  ASSERT_EQ(desk.Run({"report", "--gas-day", "2026-12-03"}), 0);
  EXPECT_NE(desk.out.find("REFUSED, overridden: REFUSED from 2026-12-03T11:20:00.000+01:00 by "
                          "J. Dupont"),
            std::string::npos)
      << desk.out;
  EXPECT_NE(desk.out.find("Overrides by the dispatcher"), std::string::npos);
}

TEST_F(OverrideTest, TheShipperIsAnsweredInTheThread) {
  desk.Override("ACCEPTED", "2026-12-03T10:30:00");
  Json list = desk.RunJson({"outbox", "list"});
  ASSERT_EQ(list["replies"].size(), 3u);  // v1, v2, the override
  const std::string reply = desk.Reply(3);
  EXPECT_NE(reply.find("In-Reply-To: <v2.200@engie.example>"), std::string::npos) << reply;
  EXPECT_NE(reply.find("Message-ID: <override-1."), std::string::npos) << reply;
  EXPECT_NE(reply.find("To: ops@engie.example"), std::string::npos) << reply;
  // Subject and body are encoded; the JSON of the queued item is not.
  Json j = desk.RunJson({"report", "--gas-day", "2026-12-03"});
  const Json& ov = j["hmsProfiles"][1]["overrides"];
  ASSERT_EQ(ov.size(), 1u);
  EXPECT_EQ(ov[0]["reason"], "confirmé par téléphone avec M. Martin");
  EXPECT_EQ(ov[0]["effectiveAt"], "2026-12-03T10:30:00.000+01:00");
}

TEST_F(OverrideTest, ALaterDeclarationIsJudgedOnTheOverride) {
  desk.Override("ACCEPTED", "2026-12-03T10:30:00");
  // v3 keeps 200: equal to the corrected reference, nothing to check.
  EXPECT_EQ(Status(desk.Ingest(3, "200", "2026-12-03T11:00:00")), "ACCEPTED");
}

TEST_F(OverrideTest, WithoutTheOverrideTheSameDeclarationIsRefused) {
  // The control of the test above: against 100, 200 rises within the
  // notice period under the default RED Q+ indicator.
  EXPECT_EQ(Status(desk.Ingest(3, "200", "2026-12-03T11:00:00")), "REFUSED");
}

TEST_F(OverrideTest, MistakesAreRefusedWithAReason) {
  struct Case {
    std::vector<std::string> args;
    const char* says;
  } cases[] = {
      {{"override", kV2, "--status", "MAYBE", "--reason", "x", "--by", "y"}, "ACCEPTED or REFUSED"},
      {{"override", kV2, "--status", "REFUSED", "--reason", "x", "--by", "y"}, "already REFUSED"},
      {{"override", "20261203-LI0001-GFQUIMP01-9", "--status", "ACCEPTED", "--reason", "x", "--by",
        "y"},
       "no integrated programme"},
      {{"override", kV2, "--status", "ACCEPTED", "--reason", " ", "--by", "y"}, "--reason"},
      {{"override", kV2, "--status", "ACCEPTED", "--reason", "a\nb", "--by", "y"}, "--reason"},
      {{"override", kV2, "--status", "ACCEPTED", "--reason", "x", "--by", ""}, "--by"},
      {{"override", kV2, "--status", "ACCEPTED", "--reason", "x", "--by", "y", "--at",
        "2026-12-03T09:00:00"},
       "verdicts given are never rewritten"},
      {{"override", kV2, "--status", "ACCEPTED", "--reason", "x", "--by", "y", "--at",
        "2026-12-03T13:00:00"},
       "to now"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(desk.Run(c.args), 2) << c.says;
    EXPECT_NE(desk.err.find(c.says), std::string::npos) << desk.err;
  }
  Json list = desk.RunJson({"outbox", "list"});
  EXPECT_EQ(list["replies"].size(), 2u);  // nothing queued by a refused command
}

// What operators read in the ledger; and an override, once written, is
// never changed nor deleted (the ledger's own triggers).
TEST_F(OverrideTest, TheLedgerKeepsEveryOverride) {
  desk.Override("ACCEPTED", "2026-12-03T10:30:00");
  desk.Override("REFUSED", "2026-12-03T11:20:00");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(desk.bed.database().c_str(), &db), SQLITE_OK);
  auto text = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    std::string out;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    while (sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      out += (out.empty() ? "" : "|") + std::string(t ? reinterpret_cast<const char*>(t) : "NULL");
    }
    sqlite3_finalize(st);
    return out;
  };
  EXPECT_EQ(text("SELECT replaces || '>' || status || ' ' || decided_by FROM v_overrides"),
            "REFUSED>ACCEPTED J. Dupont|ACCEPTED>REFUSED J. Dupont");
  EXPECT_EQ(text("SELECT status || ' ' || status_now FROM v_programmes ORDER BY version"),
            "ACCEPTED ACCEPTED|REFUSED REFUSED");
  EXPECT_EQ(text("SELECT count(*) FROM v_overrides WHERE reference_seq IS NOT NULL"), "2");
  for (const char* sql :
       {"UPDATE overrides SET reason = 'x'", "DELETE FROM overrides",
        "INSERT OR REPLACE INTO overrides SELECT * FROM overrides WHERE id = 1"}) {
    char* msg = nullptr;
    EXPECT_NE(sqlite3_exec(db, sql, nullptr, nullptr, &msg), SQLITE_OK) << sql;
    EXPECT_NE(std::string(msg ? msg : "").find("never"), std::string::npos) << sql;
    sqlite3_free(msg);
  }
  sqlite3_close(db);
}

// Notes on declarations (`flexmail annotate`): stored as written with who
// and when, shown by report (text and JSON) and v_annotations; mistakes
// refused with their reason, nothing stored.

// The declaration id of version `v` (its email's text: "Bonjour"), by
// email at `at`.
std::int64_t Declared(Desk& desk, int v, const char* at) {
  return desk.Ingest(v, "100", at)["declarationId"].get<std::int64_t>();
}

// How many notes the ledger holds.
int NotesIn(const Desk& desk) {
  sqlite3* db = nullptr;
  sqlite3_stmt* st = nullptr;
  int n = -1;
  if (sqlite3_open(desk.bed.database().c_str(), &db) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT count(*) FROM v_annotations", -1, &st, nullptr) ==
          SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

const Json* DeclarationIn(const Json& report, std::int64_t id) {
  for (const auto& d : report["declarations"]) {
    if (d["declarationId"] == id) return &d;
  }
  return nullptr;
}

TEST(Annotate, TheNoteIsStoredAsWrittenAndShown) {
  // Given two declarations by email and one rejected by submit, notes are stored with who and the clock's now, printed back, listed per declaration by report --json (with the email's text) and as a table by report.
  Desk desk;
  desk.clock.now = At("2026-12-03T10:32:00");
  const std::int64_t v1 = Declared(desk, 1, "2026-12-03T08:00:00");
  const std::int64_t v2 = Declared(desk, 2, "2026-12-03T09:00:00");
  const std::string bad = desk.bed.WriteCsv("20261203", {"pas une ligne"}, "20261203093000");
  const std::int64_t rejected =
      desk.RunJson({"submit", bad, "--sender", "ops@engie.example", "--received-at",
                    "2026-12-03T09:30:00"})["declarationId"];

  ASSERT_EQ(desk.Run({"annotate", std::to_string(v2), "--text",
                      "confirmé par téléphone avec M. X à 10h32", "--by", "J. Dupont"}),
            0)
      << desk.err;
  EXPECT_EQ(desk.out, "Note 1 on declaration " + std::to_string(v2) +
                          ", 2026-12-03T10:32:00.000+01:00, by J. Dupont\n");
  desk.clock.now = At("2026-12-03T10:40:00");
  ASSERT_EQ(desk.Run({"annotate", std::to_string(v2), "--text", "rappel prévu à 11h", "--by",
                      "A. Martin", "--json"}),
            0)
      << desk.err;
  const nlohmann::ordered_json printed = nlohmann::ordered_json::parse(desk.out);
  const nlohmann::ordered_json second = {{"id", 2},
                                         {"declarationId", v2},
                                         {"writtenAt", "2026-12-03T10:40:00.000+01:00"},
                                         {"by", "A. Martin"},
                                         {"text", "rappel prévu à 11h"}};
  EXPECT_EQ(printed.dump(), second.dump());  // the keys in their fixed order
  Json on_rejected = desk.RunJson({"annotate", std::to_string(rejected), "--text",
                                   "fichier renvoyé corrigé par téléphone", "--by", "J. Dupont"});
  EXPECT_EQ(on_rejected["declarationId"], rejected);

  Json report = desk.RunJson({"report", "--gas-day", "2026-12-03"});
  const Json *d1 = DeclarationIn(report, v1), *d2 = DeclarationIn(report, v2),
             *dr = DeclarationIn(report, rejected);
  ASSERT_TRUE(d1 && d2 && dr) << report;
  EXPECT_EQ((*d1)["annotations"], Json::array());
  ASSERT_EQ((*d2)["annotations"].size(), 2u);
  EXPECT_EQ((*d2)["annotations"][0]["text"], "confirmé par téléphone avec M. X à 10h32");
  EXPECT_EQ((*d2)["annotations"][0]["writtenAt"], "2026-12-03T10:32:00.000+01:00");
  EXPECT_EQ((*d2)["annotations"][1], Json::parse(second.dump()));
  EXPECT_EQ((*d2)["emailText"], "Bonjour");
  EXPECT_EQ((*dr)["emailText"], nullptr);  // submit: no email
  EXPECT_EQ((*dr)["annotations"].size(), 1u);

  ASSERT_EQ(desk.Run({"report", "--gas-day", "2026-12-03"}), 0);
  const std::string& text = desk.out;
  const size_t notes = text.find("\nNotes:\n");
  ASSERT_NE(notes, std::string::npos) << text;
  EXPECT_LT(text.find("confirmé par téléphone avec M. X à 10h32", notes),
            text.find("rappel prévu à 11h", notes));
  EXPECT_NE(text.find("fichier renvoyé corrigé par téléphone", notes), std::string::npos);
  EXPECT_NE(text.find("Declaration " + std::to_string(v1) + ", from ops@engie.example:\n"
                      "  | Bonjour\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(NotesIn(desk), 3);
}

TEST(Annotate, MistakesAreRefusedWithTheirReasonAndNothingIsStored) {
  // Given one declaration, each mistake exits 2 with an error naming the option and what is wrong, where, and no note is stored.
  Desk desk;
  desk.clock.now = At("2026-12-03T10:32:00");
  const std::string id = std::to_string(Declared(desk, 1, "2026-12-03T08:00:00"));
  const std::string control = ": expected one line without control characters\n";
  const struct {
    const char* name;
    std::vector<std::string> args;  // after "annotate"
    std::string err;                // exact, or a part when partial
    bool partial = false;
  } cases[] = {
      {"unknown declaration", {"99", "--text", "x", "--by", "y"},
       "flexmail: declaration 99: no such declaration\n"},
      {"declaration 0", {"0", "--text", "x", "--by", "y"},
       "flexmail: declaration 0: no such declaration\n"},
      {"not a number", {"deux", "--text", "x", "--by", "y"}, "deux", true},
      {"no --by", {id, "--text", "x"}, "--by is required", true},
      {"empty text", {id, "--text", "", "--by", "y"}, "flexmail: --text: empty\n"},
      {"blank text", {id, "--text", "  ", "--by", "y"}, "flexmail: --text: empty\n"},
      {"empty name", {id, "--text", "x", "--by", ""}, "flexmail: --by: empty\n"},
      {"line feed", {id, "--text", "a\nb", "--by", "y"},
       "flexmail: --text: control character U+000A at byte 2" + control},
      {"tab", {id, "--text", "a\tb", "--by", "y"},
       "flexmail: --text: control character U+0009 at byte 2" + control},
      {"escape sequence", {id, "--text", "\x1b[31mrouge", "--by", "y"},
       "flexmail: --text: control character U+001B at byte 1" + control},
      {"DEL", {id, "--text", "a\x7f", "--by", "y"},
       "flexmail: --text: control character U+007F at byte 2" + control},
      {"C1 control (NEL)", {id, "--text", "\xc3\xa9\xc2\x85", "--by", "y"},
       "flexmail: --text: control character U+0085 at byte 3" + control},
      {"line separator", {id, "--text", "a\u2028b", "--by", "y"},
       "flexmail: --text: control character U+2028 at byte 2" + control},
      {"control in the name", {id, "--text", "x", "--by", "J.\rDupont"},
       "flexmail: --by: control character U+000D at byte 3" + control},
      {"Latin-1, not UTF-8", {id, "--text", "d\xe9j\xe0", "--by", "y"},
       "flexmail: --text: byte 2 is not UTF-8\n"},
      {"text too long", {id, "--text", std::string(2001, 'x'), "--by", "y"},
       "flexmail: --text: 2001 bytes, at most 2000 bytes\n"},
      {"name too long", {id, "--text", "x", "--by", std::string(201, 'y')},
       "flexmail: --by: 201 bytes, at most 200 bytes\n"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"annotate"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    desk.err.clear();
    EXPECT_EQ(desk.Run(args), 2) << c.name;
    if (c.partial) {
      EXPECT_NE(desk.err.find(c.err), std::string::npos) << c.name << ": " << desk.err;
    } else {
      EXPECT_EQ(desk.err, c.err) << c.name;
    }
    EXPECT_EQ(desk.out, "") << c.name;
  }
  EXPECT_EQ(NotesIn(desk), 0);
}

TEST(Annotate, TheLongestNoteAndNameAreKeptWhole) {
  // Given a text of exactly 2000 bytes (1000 "é") and a name of 200, both are stored and read back whole.
  Desk desk;
  desk.clock.now = At("2026-12-03T10:32:00");
  const std::string id = std::to_string(Declared(desk, 1, "2026-12-03T08:00:00"));
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "é";
  const std::string name(200, 'n');
  Json note = desk.RunJson({"annotate", id, "--text", text, "--by", name});
  EXPECT_EQ(note["text"], text);
  EXPECT_EQ(note["by"], name);
  Json report = desk.RunJson({"report", "--gas-day", "2026-12-03"});
  EXPECT_EQ(report["declarations"][0]["annotations"][0]["text"], text);
}

// The technical bounds a shipper declares with each programme (CSV fields
// 9-10) are kept per site and day as last declared, refused programmes
// included, rejected files not, and shown by reference (as known at its
// --at) and report.
TEST(TechnicalBounds, AsLastDeclared) {
  Desk desk;
  Json none = desk.RunJson({"reference", "--site", "LI0001", "--gas-day", "2026-12-03"});
  EXPECT_TRUE(none["technicalQMin"].is_null());
  auto bounded = [](int version, const char* qmin, const char* qmax) {
    std::string line = Line("20261203", version, Flat("100"));
    const std::string fixed = ";0;2000000;";
    line.replace(line.find(fixed), fixed.size(), std::string(";") + qmin + ";" + qmax + ";");
    return line;
  };
  auto v1 = desk.bed.WriteCsv("20261203", {bounded(1, "1000", "150000")}, "20261201120000");
  ASSERT_EQ(desk.Run({"submit", v1, "--sender", "ops@engie.example", "--received-at",
                      "2026-12-01T12:00:00"}), 0) << desk.err;
  // v2 is refused (a shortage) but declares new bounds all the same.
  ASSERT_EQ(desk.Run({"shortage", "declare", "--gas-day", "2026-12-03", "--at",
                      "2026-12-02T08:00:00"}), 0);
  auto v2 = desk.bed.WriteCsv("20261203", {bounded(2, "2000", "120000")}, "20261202120000");
  Json j2 = desk.RunJson({"submit", v2, "--sender", "ops@engie.example", "--received-at",
                          "2026-12-02T12:00:00"});
  EXPECT_EQ(Status(j2), "REFUSED");
  Json ref = desk.RunJson({"reference", "--site", "LI0001", "--gas-day", "2026-12-03"});
  EXPECT_EQ(ref["technicalQMin"], 2000.0);
  EXPECT_EQ(ref["technicalQMax"], 120000.0);
  EXPECT_EQ(ref["technicalBoundsFrom"], "20261203-LI0001-GFQUIMP01-2");
  EXPECT_EQ(ref["hourlyQuantities"][0]["quantity"], 100.0);  // the reference is v1's
  // v3 declares qMin > qMax: rejected, its bounds are never kept.
  auto v3 = desk.bed.WriteCsv("20261203", {bounded(3, "5000", "100")}, "20261202130000");
  Json j3 = desk.RunJson({"submit", v3, "--sender", "ops@engie.example", "--received-at",
                          "2026-12-02T13:00:00"});
  EXPECT_EQ(j3["outcome"], "REJECTED");
  EXPECT_EQ(desk.RunJson({"reference", "--site", "LI0001", "--gas-day", "2026-12-03"}), ref);
  // Before v2 was judged, v1's were the last declared; before v1, none.
  Json before = desk.RunJson({"reference", "--site", "LI0001", "--gas-day", "2026-12-03",
                              "--at", "2026-12-02T11:59:59"});
  EXPECT_EQ(before["technicalQMin"], 1000.0);
  EXPECT_EQ(before["technicalQMax"], 150000.0);
  EXPECT_EQ(before["technicalBoundsFrom"], "20261203-LI0001-GFQUIMP01-1");
  Json earliest = desk.RunJson({"reference", "--site", "LI0001", "--gas-day", "2026-12-03",
                                "--at", "2026-12-01T11:59:59"});
  EXPECT_TRUE(earliest["technicalQMin"].is_null()) << earliest;
  EXPECT_TRUE(earliest["technicalBoundsFrom"].is_null()) << earliest;
  ASSERT_EQ(desk.Run({"reference", "--site", "LI0001", "--gas-day", "2026-12-03"}), 0);
  EXPECT_NE(desk.out.find("Technical bounds (last declared, 20261203-LI0001-GFQUIMP01-2): qMin "
                          "2000, qMax 120000 kWh/h"),
            std::string::npos)
      << desk.out;
  Json report = desk.RunJson({"report", "--gas-day", "2026-12-03"});
  ASSERT_EQ(report["technicalBounds"].size(), 1u) << report;
  EXPECT_EQ(report["technicalBounds"][0]["hmsSiteId"], "LI0001");
  EXPECT_EQ(report["technicalBounds"][0]["technicalQMax"], 120000.0);
  ASSERT_EQ(desk.Run({"report", "--gas-day", "2026-12-03"}), 0);
  EXPECT_NE(desk.out.find("\nTechnical bounds, as last declared:\n"), std::string::npos)
      << desk.out;
}

// A shortage refuses with its own words, `indicators show` lists it, and
// once ended programmes are judged normally again.
TEST(Shortage, EndedProgrammesAreJudgedNormally) {
  Desk desk;
  ASSERT_EQ(Status(desk.Ingest(1, "100", "2026-12-01T12:00:00")), "ACCEPTED");
  ASSERT_EQ(desk.Run({"shortage", "declare", "--gas-day", "2026-12-03", "--mesh", "ME0005", "--at",
                      "2026-12-03T08:00:00"}), 0) << desk.err;
  Json shown = desk.RunJson({"indicators", "show", "--at", "2026-12-03T09:00:00"});
  ASSERT_EQ(shown["shortages"].size(), 1u);
  EXPECT_EQ(shown["shortages"][0]["gasDay"], "2026-12-03");
  EXPECT_EQ(shown["shortages"][0]["meshId"], "ME0005");
  // Equal to the reference, yet refused: the shortage says so.
  EXPECT_EQ(Status(desk.Ingest(2, "100", "2026-12-03T09:00:00")), "REFUSED");
  const std::string reply = desk.Reply(2);
  EXPECT_NE(reply.find("p=C3=A9nurie de flexibilit=C3=A9 en cours"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("indicateur de flexibilit=C3=A9 gris"), std::string::npos) << reply;
  EXPECT_EQ(desk.Run({"shortage", "cancel", "--gas-day", "2026-12-03", "--mesh", "ME0005",
                      "--at", "2026-12-03T09:30:00"}), 0) << desk.err;
  EXPECT_EQ(desk.RunJson({"indicators", "show", "--at", "2026-12-03T09:31:00"})["shortages"],
            Json::array());
  EXPECT_EQ(Status(desk.Ingest(3, "100", "2026-12-03T10:00:00")), "ACCEPTED");
  // Nothing left to end.
  EXPECT_EQ(desk.Run({"shortage", "cancel", "--gas-day", "2026-12-03", "--at",
                      "2026-12-03T10:30:00"}), 2);
  EXPECT_NE(desk.err.find("nothing to end"), std::string::npos) << desk.err;
}

}  // namespace
}  // namespace flexmail
