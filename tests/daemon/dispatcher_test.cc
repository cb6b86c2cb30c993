// The dispatcher's hand, through the command line on a real ledger:
// overrides of a verdict (reference before and after, the shipper's
// threaded answer, later declarations judged on the override) and the end
// of a shortage.
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
  for (const char* sql : {"UPDATE overrides SET reason = 'x'", "DELETE FROM overrides"}) {
    char* msg = nullptr;
    EXPECT_NE(sqlite3_exec(db, sql, nullptr, nullptr, &msg), SQLITE_OK) << sql;
    EXPECT_NE(std::string(msg ? msg : "").find("never"), std::string::npos) << sql;
    sqlite3_free(msg);
  }
  sqlite3_close(db);
}

// A note on a declaration: stored as written with who and when, shown by
// report (text and JSON) and v_annotations, never changed.
TEST_F(OverrideTest, NotesAreKeptAndShown) {
  desk.clock.now = At("2026-12-03T10:32:00");
  Json note = desk.RunJson({"annotate", "2", "--text", "confirmé par téléphone avec M. X à 10h32",
                            "--by", "J. Dupont"});
  EXPECT_EQ(note["declarationId"], 2);
  EXPECT_EQ(note["writtenAt"], "2026-12-03T10:32:00.000+01:00");
  EXPECT_EQ(note["by"], "J. Dupont");
  ASSERT_EQ(desk.Run({"annotate", "2", "--text", "rappel prévu à 11h", "--by", "A. Martin"}), 0);
  Json report = desk.RunJson({"report", "--gas-day", "2026-12-03"});
  const Json* v2 = nullptr;
  for (const auto& d : report["declarations"]) {
    if (d["declarationId"] == 2) v2 = &d;
    else EXPECT_EQ(d["annotations"], Json::array()) << d;
  }
  ASSERT_NE(v2, nullptr) << report;
  ASSERT_EQ((*v2)["annotations"].size(), 2u);
  EXPECT_EQ((*v2)["annotations"][0]["text"], "confirmé par téléphone avec M. X à 10h32");
  EXPECT_EQ((*v2)["annotations"][1]["by"], "A. Martin");
  // The email's own text, decoded, beside the notes.
  EXPECT_EQ((*v2)["emailText"], "Bonjour");
  ASSERT_EQ(desk.Run({"report", "--gas-day", "2026-12-03"}), 0);
  EXPECT_NE(desk.out.find("Notes:"), std::string::npos) << desk.out;
  EXPECT_NE(desk.out.find("rappel prévu à 11h"), std::string::npos) << desk.out;
  EXPECT_NE(desk.out.find("  | Bonjour"), std::string::npos) << desk.out;
  // Mistakes: exit 2, nothing stored.
  EXPECT_EQ(desk.Run({"annotate", "99", "--text", "x", "--by", "y"}), 2);
  EXPECT_NE(desk.err.find("no such declaration"), std::string::npos) << desk.err;
  EXPECT_EQ(desk.Run({"annotate", "2", "--text", "", "--by", "y"}), 2);
  EXPECT_EQ(desk.Run({"annotate", "2", "--text", "a\tb", "--by", "y"}), 2);
  EXPECT_EQ(desk.Run({"annotate", "2", "--text", std::string(2001, 'x'), "--by", "y"}), 2);
  EXPECT_NE(desk.err.find("at most 2000 bytes"), std::string::npos) << desk.err;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(desk.bed.database().c_str(), &db), SQLITE_OK);
  for (const char* sql : {"UPDATE annotations SET text = 'x'", "DELETE FROM annotations"}) {
    EXPECT_NE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sql;
  }
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM v_annotations WHERE declaration = 2", -1,
                               &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 2);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// The technical bounds a shipper declares with each programme (CSV fields
// 9-10) are kept per site and day as last declared, refused programmes
// included, and shown by reference and report.
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
  ASSERT_EQ(desk.Run({"reference", "--site", "LI0001", "--gas-day", "2026-12-03"}), 0);
  EXPECT_NE(desk.out.find("Technical bounds (last declared, 20261203-LI0001-GFQUIMP01-2): qMin "
                          "2000, qMax 120000 kWh/h"),
            std::string::npos)
      << desk.out;
  Json report = desk.RunJson({"report", "--gas-day", "2026-12-03"});
  ASSERT_EQ(report["technicalBounds"].size(), 1u) << report;
  EXPECT_EQ(report["technicalBounds"][0]["hmsSiteId"], "LI0001");
  EXPECT_EQ(report["technicalBounds"][0]["technicalQMax"], 120000.0);
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
