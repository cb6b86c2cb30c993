#include <gtest/gtest.h>

#include "tests/db/ledger_test_util.h"

namespace flexmail::testing {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// A day as an operator finds it: an integrated declaration (one accepted,
// one refused programme), a later version of the accepted one, a rejected
// declaration, two publications and a shortage for every mesh.
class ViewsTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    ASSERT_TRUE(SubmitResult(Integrated(Utc(2026, 12, 3, 9), {Programme("LI0001", D(), 1),
                                                              Refused("LI0002", D(), 1)})).ok());
    ProgrammeResult v2 = Programme("LI0001", D(), 2, 2000);
    v2.values[0] = std::nullopt;
    ASSERT_TRUE(SubmitResult(Integrated(Utc(2026, 12, 3, 10, 20), {v2})).ok());
    ASSERT_TRUE(SubmitResult(Rejected(Utc(2026, 12, 3, 11))).ok());
    Publication green = Pub("ME0005", IndicatorKind::kQMinus, Light::kGreen, Utc(2026, 12, 3, 8, 52));
    Publication red = Pub("ME0005", IndicatorKind::kQMinus, Light::kRed, Utc(2026, 12, 3, 9, 52));
    ASSERT_TRUE(ledger_->PublishIndicator(&green, 23min).ok());
    ASSERT_TRUE(ledger_->PublishIndicator(&red, 23min).ok());
    ASSERT_TRUE(ledger_->DeclareShortage(Shortage{D().Next(), "", Utc(2026, 12, 3, 12)}).ok());
    raw_ = std::make_unique<RawDb>(path_);
  }
  std::unique_ptr<RawDb> raw_;
};

TEST_F(ViewsTest, DeclarationsShowOutcomeCountsAndFiles) {
  // Given three declarations, v_declarations lists them in reception order with local times, outcome, counts and file names.
  EXPECT_EQ(raw_->Rows("SELECT id, received, sender, source, outcome, errors, warnings, files "
                       "FROM v_declarations"),
            (Rows{{"1", "2026-12-03T10:00:00.000+01:00", "ops@quimper.example", "imap",
                   "INTEGRATED", "0", "0", FileName(D())},
                  {"2", "2026-12-03T11:20:00.000+01:00", "ops@quimper.example", "imap",
                   "INTEGRATED", "0", "0", FileName(D())},
                  {"3", "2026-12-03T12:00:00.000+01:00", "ops@quimper.example", "imap",
                   "REJECTED", "1", "1", FileName(D())}}));
}

// RULES §9. A declaration processed out of order keeps its reception
// instant and records when it was judged; v_declarations shows both, the
// others being judged at reception. A snapshot asked with a processing
// instant reads the latest judgement per (site, day) and is bounded there.
TEST_F(ViewsTest, DeclarationsShowWhenJudgedOutOfOrder) {
  DeclarationResult late = Integrated(Utc(2026, 12, 3, 10, 5), {Programme("LI0001", D(), 3)});
  late.judged_at = Utc(2026, 12, 3, 10, 25);
  for (auto& u : late.updates) u.version.effective_at = late.judged_at;
  ASSERT_TRUE(SubmitResult(late).ok());
  EXPECT_EQ(raw_->Rows("SELECT id, received, judged FROM v_declarations WHERE id IN (2, 4)"),
            (Rows{{"4", "2026-12-03T11:05:00.000+01:00", "2026-12-03T11:25:00.000+01:00"},
                  {"2", "2026-12-03T11:20:00.000+01:00", "2026-12-03T11:20:00.000+01:00"}}));
  EXPECT_EQ(raw_->One("SELECT judged_at FROM declarations WHERE id = 2"), "NULL");
  EXPECT_EQ(raw_->One("SELECT judged_at FROM declarations WHERE id = 4"),
            "2026-12-03T10:25:00.000Z");

  SnapshotKeys keys = KeysAt(
      KeysOf(Integrated(Utc(2026, 12, 3, 9, 30), {Programme("LI0001", D(), 4)})),
      Utc(2026, 12, 3, 9, 30));
  LedgerSnapshot snap;
  ASSERT_TRUE(ledger_->Snapshot(keys, &snap).ok());
  EXPECT_TRUE(snap.latest_judged.empty());  // no processing instant: the state at `at` only
  keys.processed_at = Utc(2026, 12, 3, 10, 40);
  ASSERT_TRUE(ledger_->Snapshot(keys, &snap).ok());
  ASSERT_EQ(snap.latest_judged.size(), 1u);
  EXPECT_EQ(snap.latest_judged.at(SiteDay{"LI0001", D()}), Utc(2026, 12, 3, 10, 25));
  // Judged at 10:40: the versions of v2 (10:20) and v3 (10:25) are seen.
  const auto& versions = snap.references.at(SiteDay{"LI0001", D()}).versions();
  ASSERT_FALSE(versions.empty());
  EXPECT_EQ(versions.back().programme_id, "20261203-LI0001-CR_0042-3");
}

TEST_F(ViewsTest, ErrorsAreLocated) {
  // Given a rejected declaration, v_errors shows each diagnostic with its file, line and field.
  EXPECT_EQ(raw_->Rows("SELECT * FROM v_errors WHERE declaration = 3"),
            (Rows{{"3", "ERROR", "BAD_FORMAT", FileName(D()), "3", "14",
                   "valeur \"12,5x\" illisible, nombre attendu"},
                  {"3", "WARNING", "SUBJECT_MISMATCH", "NULL", "NULL", "NULL",
                   "objet inattendu"}}));
}

TEST_F(ViewsTest, ProgrammesShowVerdictCodesAndIndicators) {
  // Given accepted and refused programmes, v_programmes shows status, violation codes with hours and the indicators applied.
  EXPECT_EQ(raw_->Rows("SELECT id, hms_profile_id, declaration, site, gas_day, version, received, "
                       "status, superseded, codes, indicators FROM v_programmes"),
            (Rows{{"1", "20261203-LI0001-CR_0042-1", "1", "LI0001", "2026-12-03", "1",
                   "2026-12-03T10:00:00.000+01:00", "ACCEPTED", "0", "NULL",
                   "Q_MINUS=GREEN, Q_PLUS=GREEN, PARTIAL=RED (défaut)"},
                  {"3", "20261203-LI0001-CR_0042-2", "2", "LI0001", "2026-12-03", "2",
                   "2026-12-03T11:20:00.000+01:00", "ACCEPTED", "0", "NULL",
                   "Q_MINUS=GREEN, Q_PLUS=GREEN, PARTIAL=RED (défaut)"},
                  {"2", "20261203-LI0002-CR_0042-1", "1", "LI0002", "2026-12-03", "1",
                   "2026-12-03T10:00:00.000+01:00", "REFUSED", "0",
                   "HMS_PROFILE_NOT_RESPECT_Q0_DELAY (14h00, 15h00)",
                   "Q_MINUS=RED, Q_PLUS=GREEN, PARTIAL=RED (défaut)"}}));
  EXPECT_EQ(raw_->One("SELECT comment FROM v_programmes WHERE id = 1"), "Programme accepté");
}

TEST_F(ViewsTest, ProgrammeHoursGiveLocalSlotStarts) {
  // Given a programme with an empty past hour, v_programme_hours lists its 24 slots with local starts and a NULL quantity.
  Rows rows = raw_->Rows("SELECT slot, slot_start, quantity FROM v_programme_hours "
                         "WHERE hms_profile_id = '20261203-LI0001-CR_0042-2'");
  ASSERT_EQ(rows.size(), 24u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"0", "2026-12-03T06:00:00.000+01:00", "NULL"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "2026-12-03T07:00:00.000+01:00", "2001.0"}));
  EXPECT_EQ(rows[23], (std::vector<std::string>{"23", "2026-12-04T05:00:00.000+01:00", "2023.0"}));
}

TEST_F(ViewsTest, ReferenceCurrentIsTheLatestVersion) {
  // Given two reference versions of LI0001, v_reference_current shows the later one slot by slot, and nothing for the refused LI0002.
  Rows rows = raw_->Rows("SELECT site, gas_day, effective, programme, slot, slot_start, quantity "
                         "FROM v_reference_current");
  ASSERT_EQ(rows.size(), 24u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"LI0001", "2026-12-03",
                                               "2026-12-03T11:20:00.000+01:00",
                                               "20261203-LI0001-CR_0042-2", "0",
                                               "2026-12-03T06:00:00.000+01:00", "NULL"}));
  EXPECT_EQ(rows[5][6], "2005.0");
}

TEST_F(ViewsTest, ReferenceHistoryListsEveryVersion) {
  // Given two reference versions, v_reference_history shows both in effect order with their quantities on one line.
  Rows rows = raw_->Rows("SELECT site, gas_day, effective, programme, contract, quantities "
                         "FROM v_reference_history");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][2], "2026-12-03T10:00:00.000+01:00");
  EXPECT_EQ(rows[0][3], "20261203-LI0001-CR_0042-1");
  EXPECT_EQ(rows[0][4], "CR_0042");
  EXPECT_EQ(rows[0][5].substr(0, 20), "1000.0 1001.0 1002.0");
  EXPECT_EQ(rows[1][5].substr(0, 15), "- 2001.0 2002.0");
}

TEST_F(ViewsTest, IndicatorsShowPublishedAndAppliedTimes) {
  // Given GREEN then RED, v_indicators shows the RED applied 23 minutes after its publication.
  EXPECT_EQ(raw_->Rows("SELECT mesh, indicator, status, published, applied, delay_min "
                       "FROM v_indicators"),
            (Rows{{"ME0005", "Q_MINUS", "GREEN", "2026-12-03T09:52:00.000+01:00",
                   "2026-12-03T09:52:00.000+01:00", "0"},
                  {"ME0005", "Q_MINUS", "RED", "2026-12-03T10:52:00.000+01:00",
                   "2026-12-03T11:15:00.000+01:00", "23"}}));
}

TEST_F(ViewsTest, ShortagesShowAllMeshes) {
  // Given a shortage for every mesh, v_shortages says ALL.
  EXPECT_EQ(raw_->Rows("SELECT gas_day, mesh, declared FROM v_shortages"),
            (Rows{{"2026-12-04", "ALL", "2026-12-03T13:00:00.000+01:00"}}));
}

}  // namespace
}  // namespace flexmail::testing
