// The site/day page's data and body over a ledger filled by the real parser,
// rules and Submit: what was integrated is what is shown.
#include "console/site_day.h"

#include <gtest/gtest.h>

#include "parser/csv.h"
#include "tests/db/ledger_test_util.h"
#include "tests/console/text_search.h"

namespace flexmail::testing {
namespace {

using testing::Count;

const char kSender[] = "ops@quimper.example";

Referential TwoSites() {
  return Referential({Mesh{"ME0005", "Bretagne"}},
                     {Site{"LI0002", "Quimper <B&C>", "ME0005", "EDF", 1},
                      Site{"LI0003", "Brest", "ME0005", "EDF", 1}},
                     {Contract{"GFQUIMP01", {ContractSite{"LI0002", 1000, 1000000, 5}}}},
                     {Shipper{"Quimper", {kSender}, {"LI0002", "LI0003"}, {}, "", {}}},
                     RuleSettings{});
}

RawFile Csv(int version, const std::vector<int>& values) {
  std::string text = "DECLARATIONS_CCG;02/12/2026;150000;UPLOAD;PROD;03/12/2026;03/12/2026\r\n";
  text += "20261203-LI0002-GFQUIMP01-" + std::to_string(version) +
          ";03/12/2026;LI0002;Quimper;02/12/2026;150000;02/12/2026;150000;0;1000000";
  for (int v : values) text += ";" + std::to_string(v);
  return RawFile{FileName(D()), text + "\r\n"};
}


class SiteDayTest : public LedgerTest {
 protected:
  void Submit(Instant t, const RawFile& file, bool accepted) {
    ParsedDeclaration parsed;
    ParseDeclarationFile(file, &parsed);
    DeclarationEnvelope env{kSender, t, "cli", {file}, std::nullopt};
    DeclarationResult r;
    std::int64_t id = 0;
    Status s = ledger_->Submit(
        env, SnapshotKeysOf(parsed, ref_, t),
        [&](const LedgerSnapshot& snap) {
          return EvaluateDeclaration(parsed, kSender, t, ref_, snap);
        },
        &r, &id);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(r.outcome, Outcome::kIntegrated);
    ASSERT_EQ(r.programmes.size(), 1u);
    ASSERT_EQ(r.programmes[0].accepted, accepted) << r.programmes[0].comment;
  }
  void Publish(IndicatorKind kind, Light status, Instant at) {
    Publication p = Pub("ME0005", kind, status, at);
    ASSERT_TRUE(ledger_->PublishIndicator(&p, 23min).ok());
  }
  // Version 1 early (all 100 000), version 2 accepted during the day (all
  // 200 000), version 3 refused (Q+ and partial RED: above the reference).
  void FillDay() {
    for (IndicatorKind k : kAllIndicators) Publish(k, Light::kGreen, Utc(2026, 12, 2, 4, 52));
    Submit(Utc(2026, 12, 1, 14), Csv(1, std::vector<int>(24, 100000)), true);
    Submit(Utc(2026, 12, 3, 7, 5), Csv(2, std::vector<int>(24, 200000)), true);
    Publish(IndicatorKind::kQPlus, Light::kRed, Utc(2026, 12, 3, 8, 52));
    Publish(IndicatorKind::kPartial, Light::kRed, Utc(2026, 12, 3, 9, 52));
    std::vector<int> v3(24, 200000);
    for (int i = 8; i <= 13; ++i) v3[i] = 300000;
    Submit(Utc(2026, 12, 3, 11, 5), Csv(3, v3), false);
  }
  Referential ref_ = TwoSites();
};

TEST_F(SiteDayTest, GathersReferenceVersionsProgrammesAndBounds) {
  // Given three submitted versions (two accepted, one refused), the data holds both reference versions, the three programmes with their quantities and verdicts, and the contract bounds.
  FillDay();
  SiteDayData d;
  Status s = GatherSiteDay(*ledger_, ref_, "LI0002", D(), &d);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(d.site_label, "Quimper <B&C>");
  EXPECT_EQ(d.contract, "GFQUIMP01");
  EXPECT_EQ(d.chart.qmin, 1000);
  EXPECT_EQ(d.chart.qmax, 1000000);
  EXPECT_EQ(d.tolerance_pct, 5);
  EXPECT_EQ(d.chart.slots, 24);
  ASSERT_EQ(d.chart.slot_labels.size(), 24u);
  EXPECT_EQ(d.chart.slot_labels[0], "06h00");
  EXPECT_EQ(d.reference_versions, 2);
  ASSERT_EQ(d.chart.series.size(), 5u);
  using K = ChartSeries::Kind;
  EXPECT_EQ(d.chart.series[0].kind, K::kReferenceEarlier);
  EXPECT_EQ(d.chart.series[1].kind, K::kReference);
  EXPECT_EQ(d.chart.series[2].kind, K::kAccepted);
  EXPECT_EQ(d.chart.series[3].kind, K::kAccepted);
  EXPECT_EQ(d.chart.series[4].kind, K::kRefused);
  EXPECT_EQ(d.chart.series[0].kwh[0], 100000);
  // Version 2 was accepted at 08:05 Paris (current slot 07h00 = 1): the
  // reference keeps version 1's values before it (RULES §6).
  EXPECT_EQ(d.chart.series[1].kwh[0], 100000);
  EXPECT_EQ(d.chart.series[1].kwh[5], 200000);
  EXPECT_EQ(d.chart.series[4].kwh[8], 300000);
  EXPECT_EQ(d.chart.series[4].kwh[7], 200000);
  EXPECT_EQ(d.chart.series[0].label, "Référence antérieure (v1, 01/12 15:00)");
  EXPECT_EQ(d.chart.series[1].label, "Référence (v2, 03/12 08:05)");
  EXPECT_EQ(d.chart.series[4].label, "Programme v3 (refusé)");
  ASSERT_EQ(d.programmes.size(), 3u);
  EXPECT_TRUE(d.programmes[0].accepted);
  EXPECT_TRUE(d.programmes[1].accepted);
  EXPECT_FALSE(d.programmes[2].accepted);
  ASSERT_EQ(d.programmes[2].codes.size(), 1u);
  EXPECT_EQ(d.programmes[2].codes[0],
            "HMS_PROFILE_NOT_RESPECT_QMAX_DELAY (14h00, 15h00, 16h00, 17h00)");
  // Versions 2 and 3 were checked on their windows; version 1 was early.
  ASSERT_EQ(d.chart.windows.size(), 2u);
  EXPECT_EQ(d.chart.windows[0].first, 1);
  EXPECT_EQ(d.chart.windows[0].last, 7);  // 08:05 Paris: 07h00 .. 13h00
  EXPECT_EQ(d.chart.windows[1].first, 5);
  EXPECT_EQ(d.chart.windows[1].last, 11);
  // The technical bounds as last declared: version 3's, refused or not.
  EXPECT_EQ(d.tech_from, "20261203-LI0002-GFQUIMP01-3");
  EXPECT_EQ(d.tech_qmin, 0);
  EXPECT_EQ(d.tech_qmax, 1000000);
}

TEST_F(SiteDayTest, BodyHasTitleChartAndOneRowPerSlot) {
  // Given the filled day, the body has the French title, one inline SVG, and a captioned table of 24 rows plus the header, one column per series.
  FillDay();
  SiteDayData d;
  ASSERT_TRUE(GatherSiteDay(*ledger_, ref_, "LI0002", D(), &d).ok());
  const std::string body = SiteDayBody(d);
  EXPECT_EQ(SiteDayTitle(d), "LI0002 — 03/12/2026");
  EXPECT_EQ(body.find("<h1>"), std::string::npos) << "the layout gives the page its title";
  EXPECT_EQ(Count(body, "<svg xmlns=\"http://www.w3.org/2000/svg\""), 1);
  EXPECT_EQ(Count(body, "<polyline"), 5);
  EXPECT_EQ(Count(body, "<tr>"), 25);
  EXPECT_EQ(Count(body, "<caption>"), 1);
  EXPECT_EQ(Count(body, "<th scope=\"col\">"), 6);
  EXPECT_NE(body.find("<td>300\u202f000</td>"), std::string::npos);
  EXPECT_NE(body.find("REFUSÉ"), std::string::npos);
  EXPECT_NE(body.find("bornes techniques déclarées en dernier (20261203-LI0002-GFQUIMP01-3) : "
                      "qmin 0 kWh, qmax 1\u202f000\u202f000 kWh"),
            std::string::npos)
      << body;
  // The referential's label is escaped, never markup.
  EXPECT_EQ(body.find("<B&C>"), std::string::npos);
  EXPECT_NE(body.find("Quimper &lt;B&amp;C&gt;"), std::string::npos);
}

TEST_F(SiteDayTest, EmptyDayIsNotAnError) {
  // Given a known site with nothing integrated, the data has no series and the body says so, still with 24 rows.
  SiteDayData d;
  ASSERT_TRUE(GatherSiteDay(*ledger_, ref_, "LI0003", D(), &d).ok());
  EXPECT_TRUE(d.chart.series.empty());
  EXPECT_TRUE(d.contract.empty());
  const std::string body = SiteDayBody(d);
  EXPECT_EQ(Count(body, "<tr>"), 25);
  EXPECT_NE(body.find("Aucun programme intégré"), std::string::npos);
}

TEST_F(SiteDayTest, BadSiteIsInvalidUnknownSiteIsNotFound) {
  // Given a malformed id, the status is kInvalidInput; given a well-formed one the referential lacks, kNotFound.
  SiteDayData d;
  EXPECT_EQ(GatherSiteDay(*ledger_, ref_, "LI02<x>", D(), &d).kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(GatherSiteDay(*ledger_, ref_, "LI9999", D(), &d).kind(), Status::Kind::kNotFound);
}

TEST(SiteDayParamTest, DayParameter) {
  // A day is read as ISO or compact; anything else is kInvalidInput.
  GasDay day;
  ASSERT_TRUE(ParseGasDayParam("2026-12-03", &day).ok());
  EXPECT_EQ(day, D());
  ASSERT_TRUE(ParseGasDayParam("20261203", &day).ok());
  EXPECT_EQ(day, D());
  EXPECT_EQ(ParseGasDayParam("2026-02-30", &day).kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(ParseGasDayParam("x", &day).kind(), Status::Kind::kInvalidInput);
}

TEST(SiteDayDstTest, SlotLabelsFollowTheRules) {
  // Given the 23-hour and 25-hour days of 2026, the data keeps 24 slots and marks the 02:00 one (nonexistent, or covering two hours).
  Referential ref = TwoSites();
  TempDir dir;
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(dir.File("l.db"), &ledger).ok());
  SiteDayData spring, autumn;
  ASSERT_TRUE(GatherSiteDay(*ledger, ref, "LI0002", Day(2026, 3, 28), &spring).ok());
  ASSERT_TRUE(GatherSiteDay(*ledger, ref, "LI0002", Day(2026, 10, 24), &autumn).ok());
  EXPECT_EQ(spring.hours, 23);
  EXPECT_EQ(autumn.hours, 25);
  EXPECT_EQ(spring.chart.slot_labels[20], "02h00 (inexistant)");
  EXPECT_EQ(autumn.chart.slot_labels[20], "02h00 (×2)");
  EXPECT_EQ(Count(SiteDayBody(spring), "<tr>"), 25);
}

}  // namespace
}  // namespace flexmail::testing
