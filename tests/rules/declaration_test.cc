// Judging integrated declarations (RULES §4, §6): several versions in one
// declaration, shortages per mesh, unknown indicators and DST gas days.
#include "rules/declaration.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/rules/test_support.h"

namespace flexmail {
namespace {

using test::Cest;
using test::Cet;
using test::D;
using test::Day;
using test::Dm1;
using test::FakeLedger;
using test::Flat;
using test::LineSpec;
using test::OnD;
using test::Single;
using test::Slots;
using test::Martigues;
using test::Quimper;
using test::Vals;
using test::With;

constexpr Light kGreen = Light::kGreen, kRed = Light::kRed, kGrey = Light::kGrey;
constexpr IndicatorKind kQMinus = IndicatorKind::kQMinus, kQPlus = IndicatorKind::kQPlus,
                        kPartial = IndicatorKind::kPartial;

const ProgrammeResult* Find(const DeclarationResult& r, int version, GasDay day = D()) {
  for (const auto& p : r.programmes) {
    if (p.id.version == version && p.id.day == day) return &p;
  }
  return nullptr;
}

class Declarations : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_.PublishAll("ME0005", kGreen, Dm1(5, 52));
    ledger_.PublishAll("ME0008", kGreen, Dm1(5, 52));
    ledger_.Submit(Single(Quimper(1, Flat(100))), Dm1(15, 0), ref_);
  }
  DeclarationResult SubmitLines(const std::vector<LineSpec>& lines, Instant t) {
    return ledger_.Submit(test::MakeDeclaration({test::MakeFile(D(), lines)}), t, ref_);
  }
  Referential ref_ = test::ExamplesReferential();
  FakeLedger ledger_;
};

TEST_F(Declarations, SeveralVersionsJudgedAgainstStateBefore) {
  // Each version is judged against the state before the declaration (150
  // after 200 would be a decrease under a red Q→Q-, but both exceed the
  // reference of 100), and the highest accepted version updates the reference
  // whatever the line order.
  ledger_.Publish("ME0005", kQMinus, kRed, OnD(9, 52));
  for (bool reversed : {false, true}) {
    SCOPED_TRACE(reversed ? "v3 first" : "v2 first");
    FakeLedger saved = ledger_;
    std::vector<LineSpec> lines = {Quimper(2, Flat(200)), Quimper(3, Flat(150))};
    if (reversed) std::swap(lines[0], lines[1]);
    DeclarationResult r = SubmitLines(lines, OnD(12, 5));
    ASSERT_EQ(std::string(OutcomeName(r.outcome)), "INTEGRATED");
    const ProgrammeResult* v2 = Find(r, 2);
    const ProgrammeResult* v3 = Find(r, 3);
    ASSERT_TRUE(v2 && v3);
    EXPECT_TRUE(v2->accepted);
    EXPECT_TRUE(v3->accepted);
    EXPECT_TRUE(v2->superseded);
    EXPECT_FALSE(v3->superseded);
    EXPECT_EQ(v2->comment.rfind("Programme accepté", 0), 0u) << v2->comment;
    EXPECT_EQ(v3->comment, "Programme accepté");
    ASSERT_EQ(r.updates.size(), 1u);
    EXPECT_EQ(r.updates[0].version.programme_id, "20261203-LI0001-GFQUIMP01-3");
    Hourly want = Flat(150);
    for (int i = 0; i < test::SlotOfHour(11); ++i) want[i] = 100;
    EXPECT_EQ(Vals(r.updates[0].version.values), Vals(want));
    EXPECT_EQ(ledger_.snap().max_version[(SiteDay{"LI0001", D()})], 3);
    ledger_ = saved;
  }
}

TEST_F(Declarations, RefusedHigherVersionDoesNotWin) {
  // Among the versions of one declaration only accepted ones compete: a
  // refused higher version leaves the lower accepted one in charge.
  ledger_.Publish("ME0005", kQPlus, kRed, OnD(9, 52));
  ledger_.Publish("ME0005", kPartial, kRed, OnD(9, 52));
  const Hourly down = With(Flat(100), 13, 13, 50);
  DeclarationResult r =
      SubmitLines({Quimper(2, down), Quimper(3, With(Flat(100), 13, 13, 150))}, OnD(12, 5));
  const ProgrammeResult* v2 = Find(r, 2);
  const ProgrammeResult* v3 = Find(r, 3);
  ASSERT_TRUE(v2 && v3);
  EXPECT_TRUE(v2->accepted);
  EXPECT_FALSE(v2->superseded);
  EXPECT_FALSE(v3->accepted);
  EXPECT_FALSE(v3->superseded);
  ASSERT_EQ(r.updates.size(), 1u);
  EXPECT_EQ(r.updates[0].version.programme_id, "20261203-LI0001-GFQUIMP01-2");
  EXPECT_EQ(Vals(r.updates[0].version.values), Vals(down));
  EXPECT_EQ(ledger_.snap().max_version[(SiteDay{"LI0001", D()})], 3);

  DeclarationResult none = SubmitLines(
      {Quimper(4, With(Flat(100), 13, 13, 150)), Quimper(5, With(Flat(100), 14, 14, 150))},
      OnD(12, 30));
  ASSERT_EQ(none.programmes.size(), 2u);
  EXPECT_FALSE(none.programmes[0].accepted);
  EXPECT_FALSE(none.programmes[1].accepted);
  EXPECT_TRUE(none.updates.empty());
}

TEST_F(Declarations, UpdateFollowsAVersionStoredAtTheSameInstant) {
  // Two declarations received at one instant: the second's update is ordered
  // after the first's, so the history it is shown with has it in force at t.
  SubmitLines({Quimper(2, Flat(200))}, OnD(12, 5));
  DeclarationResult r = EvaluateDeclaration(
      test::MakeDeclaration({test::MakeFile(D(), {Quimper(3, Flat(150))})}), test::kQuimperSender,
      OnD(12, 5), ref_, ledger_.snap());
  ASSERT_EQ(r.updates.size(), 1u);
  ReferenceHistory shown = ledger_.snap().references.at(SiteDay{"LI0001", D()});
  for (const auto& v : shown.versions()) EXPECT_GT(r.updates[0].version.seq, v.seq);
  shown.Add(r.updates[0].version);
  ASSERT_NE(shown.InForceAt(OnD(12, 5)), nullptr);
  EXPECT_EQ(shown.InForceAt(OnD(12, 5))->programme_id, "20261203-LI0001-GFQUIMP01-3");
}

TEST_F(Declarations, DifferentSiteDaysAreIndependent) {
  // Programmes for different (site, day) pairs of one declaration are
  // independent: each gets its own reference update.
  ParsedDeclaration d =
      test::MakeDeclaration({test::MakeFile(D(), {Quimper(2, Flat(300))}),
                             test::MakeFile(D().Next(), {Quimper(1, Flat(400), D().Next())})});
  DeclarationResult r = ledger_.Submit(d, Dm1(16, 0), ref_);
  ASSERT_EQ(r.programmes.size(), 2u);
  EXPECT_FALSE(r.programmes[0].superseded);
  EXPECT_FALSE(r.programmes[1].superseded);
  ASSERT_EQ(r.updates.size(), 2u);
  EXPECT_EQ(Vals(ledger_.RefAt("LI0001", D(), Dm1(16, 0))->values), Vals(Flat(300)));
  EXPECT_EQ(Vals(ledger_.RefAt("LI0001", D().Next(), Dm1(16, 0))->values), Vals(Flat(400)));
  EXPECT_EQ(r.touched, (std::vector<SiteDay>{{"LI0001", D()}, {"LI0001", D().Next()}}));
}

TEST_F(Declarations, ShortageWithAndWithoutMesh) {
  // A shortage for one mesh refuses only that mesh's sites; one without a
  // mesh refuses every site; a GREY indicator refuses like a shortage.
  ledger_.Submit(Single(Martigues(1, Flat(100))), Dm1(15, 0), ref_, test::kMartiguesSender);
  struct Case {
    const char* what;
    const char* mesh;
    bool quimper_refused, martigues_refused;
  } cases[] = {{"Provence only", "ME0008", false, true}, {"every mesh", "", true, true}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    FakeLedger ledger = ledger_;
    ledger.DeclareShortage(D(), c.mesh, Dm1(20, 30));
    DeclarationResult q = ledger.Submit(Single(Quimper(2, Flat(100))), OnD(12, 5), ref_);
    DeclarationResult m =
        ledger.Submit(Single(Martigues(2, Flat(100))), OnD(12, 5), ref_, test::kMartiguesSender);
    ASSERT_EQ(q.programmes.size(), 1u);
    ASSERT_EQ(m.programmes.size(), 1u);
    EXPECT_EQ(q.programmes[0].accepted, !c.quimper_refused);
    EXPECT_EQ(m.programmes[0].accepted, !c.martigues_refused);
    EXPECT_EQ(test::CodesOf(m.programmes[0].violations),
              std::vector<Code>{Code::HMS_PROFILE_NOT_RESPECT_GRAY_INDICATOR});
  }
  ledger_.Publish("ME0005", kPartial, kGrey, OnD(8, 0));  // applies 08:23
  DeclarationResult g = ledger_.Submit(Single(Quimper(3, Flat(100))), OnD(12, 5), ref_);
  ASSERT_EQ(g.programmes.size(), 1u);
  EXPECT_FALSE(g.programmes[0].accepted);
  EXPECT_EQ(g.programmes[0].indicators.partial.status, kGrey);
  EXPECT_EQ(test::CodesOf(g.programmes[0].violations),
            std::vector<Code>{Code::HMS_PROFILE_NOT_RESPECT_GRAY_INDICATOR});
}

TEST(DeclarationIndicators, UnknownIndicatorDefault) {
  // With no publication for the mesh, the default (RED unless configured)
  // applies, the result records it as unknown and the reply warns.
  for (Light fallback : {kRed, kGreen}) {
    SCOPED_TRACE(LightName(fallback));
    RuleSettings settings;
    settings.unknown_indicator = fallback;
    const Referential ref = test::ExamplesReferential(settings);
    FakeLedger ledger;  // nothing published, no reference
    DeclarationResult r = ledger.Submit(Single(Quimper(1, Flat(100))), OnD(12, 5), ref);
    ASSERT_EQ(r.programmes.size(), 1u);
    const ProgrammeResult& p = r.programmes[0];
    for (IndicatorKind k : kAllIndicators) {
      EXPECT_FALSE(p.indicators.Get(k).known);
      EXPECT_EQ(p.indicators.Get(k).status, fallback);
    }
    if (fallback == kRed) {
      EXPECT_FALSE(p.accepted);  // an increase over the zero baseline
      ASSERT_EQ(p.violations.size(), 1u);
      EXPECT_EQ(p.violations[0].code, Code::HMS_PROFILE_NOT_RESPECT_QMAX_DELAY);
      EXPECT_EQ(p.violations[0].slots, Slots(11, 17));
    } else {
      EXPECT_TRUE(p.accepted);
    }
    ASSERT_EQ(test::CodesOf(r.warnings), std::vector<Code>{Code::UNKNOWN_INDICATOR});
    EXPECT_EQ(r.warnings[0].severity, Severity::kWarning);
    EXPECT_EQ(r.warnings[0].line, 2);
  }
}

TEST_F(Declarations, KnownIndicatorsDoNotWarn) {
  // Known indicators give no UNKNOWN_INDICATOR warning.
  DeclarationResult r = ledger_.Submit(Single(Quimper(2, Flat(100))), OnD(12, 5), ref_);
  EXPECT_TRUE(r.warnings.empty());
  ASSERT_EQ(r.programmes.size(), 1u);
  EXPECT_TRUE(r.programmes[0].indicators.q_plus.known);
}

const GasDay kSpring = Day(2026, 3, 28);
const GasDay kAutumn = Day(2026, 10, 24);

TEST(DeclarationDst, NonexistentHourZeroed) {
  // On the 23-hour day a non-zero 02:00 value is stored, compared and rebuilt
  // as 0, with a warning naming its field; a zero gives no warning.
  const Referential ref = test::ExamplesReferential();
  for (double v : {500.0, 0.0}) {
    SCOPED_TRACE(v);
    FakeLedger ledger;
    ledger.PublishAll("ME0005", kGreen, Cet(2026, 3, 27, 5, 52));
    Hourly values = Flat(100);
    values[kNonexistentDstSlot] = v;
    DeclarationResult r =
        ledger.Submit(Single(Quimper(1, values, kSpring)), Cet(2026, 3, 27, 15, 0), ref);
    ASSERT_EQ(std::string(OutcomeName(r.outcome)), "INTEGRATED");
    ASSERT_EQ(r.programmes.size(), 1u);
    EXPECT_EQ(r.programmes[0].values[kNonexistentDstSlot], 0.0);
    EXPECT_EQ(r.programmes[0].values[kNonexistentDstSlot - 1], 100.0);
    ASSERT_EQ(r.updates.size(), 1u);
    EXPECT_EQ(r.updates[0].version.values[kNonexistentDstSlot], 0.0);
    if (v != 0) {
      ASSERT_EQ(test::CodesOf(r.warnings), std::vector<Code>{Code::NONEXISTENT_HOUR_ZEROED});
      EXPECT_EQ(r.warnings[0].file, "Export_DECLARATIONS_CCG-UPLOAD-20260328_20261202150000.csv");
      EXPECT_EQ(r.warnings[0].line, 2);
      EXPECT_EQ(r.warnings[0].field, 11 + kNonexistentDstSlot);
    } else {
      EXPECT_TRUE(r.warnings.empty());
    }
  }
}

TEST(DeclarationDst, ZeroedHourIsNotBelowQmin) {
  // The zero the rules require in the nonexistent hour is not an hourly value
  // "below qmin": a site whose contract (or declared technical minimum) is
  // above 0 can still declare the 23-hour day without error or warning.
  const Referential ref = test::ExamplesReferential({}, 50, 0);
  LineSpec l = Quimper(1, Flat(100), kSpring);
  l.values[kNonexistentDstSlot] = 0;
  l.tech_qmin = 50.0;
  DeclarationResult r =
      EvaluateDeclaration(Single(l), test::kQuimperSender, Cet(2026, 3, 27, 15, 0), ref, {});
  for (const auto& e : r.errors) ADD_FAILURE() << FormatDiagnostic(e);
  for (const auto& w : r.warnings) {
    // Nothing is published for the mesh in this test: that warning is due.
    if (w.code != Code::UNKNOWN_INDICATOR) ADD_FAILURE() << FormatDiagnostic(w);
  }
  EXPECT_EQ(std::string(OutcomeName(r.outcome)), "INTEGRATED");
}

// RULES §9: judged at reception unless a declaration of one of the same
// (site, day)s was judged later; then at the processing instant, never
// before that latest judgement.
TEST(OutOfOrder, JudgementInstantTable) {
  const SiteDay a{"LI0001", D()}, b{"LI0002", D()};
  struct Case {
    const char* what;
    Instant received, processed;
    std::map<SiteDay, Instant> latest;
    Instant judged;
  } cases[] = {
      {"nothing stored", OnD(12, 5), OnD(12, 30), {}, OnD(12, 5)},
      {"stored earlier", OnD(12, 5), OnD(12, 30), {{a, OnD(11, 0)}}, OnD(12, 5)},
      {"stored at the same instant", OnD(12, 5), OnD(12, 30), {{a, OnD(12, 5)}}, OnD(12, 5)},
      {"stored later: processing", OnD(12, 5), OnD(12, 30), {{a, OnD(12, 20)}}, OnD(12, 30)},
      {"processing before it: the latest", OnD(12, 5), OnD(12, 10), {{a, OnD(12, 20)}},
       OnD(12, 20)},
      {"the latest of several keys", OnD(12, 5), OnD(12, 5), {{a, OnD(12, 20)}, {b, OnD(13, 0)}},
       OnD(13, 0)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(JudgementInstant(c.received, c.processed, c.latest), c.judged);
  }
}

// v2 received 12:20 is judged; v3 received 12:05 comes after, processed at
// 12:25: it is judged then (window 12h..17h), warned about, and its
// reference takes effect at 12:25, after v2's, so v3 is in force.
TEST(OutOfOrder, LateMailTakesEffectAfterTheLaterOne) {
  FakeLedger ledger;
  ledger.PublishAll("ME0005", Light::kGreen, Dm1(10, 0));
  const Referential ref = test::ExamplesReferential();
  LineSpec v1, v2, v3;
  v1.values = Flat(100000);
  v2.version = 2;
  v2.values = Flat(200000);
  v3.version = 3;
  v3.values = Flat(300000);
  ledger.Submit(Single(v1), Dm1(15, 0), ref);
  DeclarationResult r2 = ledger.Submit(Single(v2), OnD(12, 20), ref);
  EXPECT_EQ(r2.judged_at, OnD(12, 20));
  DeclarationResult r3 = ledger.SubmitProcessed(Single(v3), OnD(12, 5), OnD(12, 25), ref);
  EXPECT_EQ(r3.received_at, OnD(12, 5));
  EXPECT_EQ(r3.judged_at, OnD(12, 25));
  ASSERT_EQ(r3.programmes.size(), 1u);
  EXPECT_TRUE(r3.programmes[0].accepted);
  ASSERT_EQ(test::CodesOf(r3.warnings), std::vector<Code>{Code::PROCESSED_OUT_OF_ORDER});
  EXPECT_NE(r3.warnings[0].message.find("reçue le 2026-12-03T12:05:00.000+01:00"),
            std::string::npos) << r3.warnings[0].message;
  EXPECT_NE(r3.warnings[0].message.find("jugée le 2026-12-03T12:25:00.000+01:00"),
            std::string::npos) << r3.warnings[0].message;
  ASSERT_EQ(r3.updates.size(), 1u);
  EXPECT_EQ(r3.updates[0].version.effective_at, OnD(12, 25));
  const ReferenceVersion* now = ledger.RefAt("LI0001", D(), OnD(13, 0));
  ASSERT_NE(now, nullptr);
  EXPECT_EQ(now->programme_id, test::IdText(D(), "LI0001", "GFQUIMP01", 3));
  // 12h is the current slot at 12:25: from there on v3, before it v1.
  EXPECT_EQ(now->values[test::SlotOfHour(12)], 300000);
  EXPECT_EQ(now->values[test::SlotOfHour(11)], 100000);
}

// A message out of order is checked at the judgement instant too: 11h left
// empty is an error at reception (11:50, current slot 10h) but a past hour
// at judgement (13:30, current slot 13h), kept empty.
TEST(OutOfOrder, TechnicalChecksUseTheJudgementInstant) {
  FakeLedger ledger;
  ledger.PublishAll("ME0005", Light::kGreen, Dm1(10, 0));
  const Referential ref = test::ExamplesReferential();
  LineSpec v1, v2;
  v1.values = Flat(100000);
  ledger.Submit(Single(v1), OnD(13, 20), ref);
  v2.version = 2;
  v2.values = Flat(100000);
  v2.values[test::SlotOfHour(11)] = std::nullopt;
  DeclarationResult on_time = EvaluateDeclaration(Single(v2), test::kQuimperSender, OnD(11, 50),
                                                  ref, {});
  EXPECT_EQ(test::CodesOf(on_time.errors), std::vector<Code>{Code::BAD_QUANTITIES});
  DeclarationResult r = ledger.SubmitProcessed(Single(v2), OnD(11, 50), OnD(13, 30), ref);
  EXPECT_EQ(r.judged_at, OnD(13, 30));
  EXPECT_TRUE(r.errors.empty()) << r.errors[0].message;
  EXPECT_EQ(r.outcome, Outcome::kIntegrated);
}

TEST(DeclarationKeys, SnapshotKeysOf) {
  // The ledger keys a declaration needs: its ids, (site, day) pairs, the
  // meshes of known sites and the days.
  LineSpec unknown = Quimper(2, Flat(1));
  unknown.site = "LI0999";
  ParsedDeclaration d = test::MakeDeclaration(
      {test::MakeFile(D(), {Quimper(1, Flat(1)), Martigues(1, Flat(1)), unknown}),
       test::MakeFile(D().Next(), {Quimper(1, Flat(1), D().Next())})});
  SnapshotKeys k = SnapshotKeysOf(d, test::ExamplesReferential(), OnD(12, 5));
  EXPECT_EQ(k.programme_ids,
            (std::set<std::string>{"20261203-LI0001-GFQUIMP01-1", "20261203-LI0002-GFMART01-1",
                                   "20261203-LI0999-GFQUIMP01-2", "20261204-LI0001-GFQUIMP01-1"}));
  EXPECT_EQ(k.site_days,
            (std::set<SiteDay>{
                {"LI0001", D()}, {"LI0002", D()}, {"LI0999", D()}, {"LI0001", D().Next()}}));
  EXPECT_EQ(k.meshes, (std::set<std::string>{"ME0005", "ME0008"}));
  EXPECT_EQ(k.days, (std::set<GasDay>{D(), D().Next()}));
  EXPECT_EQ(k.at, OnD(12, 5));
  // Before 12:15 the current slot is 11h: its budget instant, then t.
  EXPECT_EQ(k.reference_instants, (std::vector<Instant>{OnD(10, 59, 59, 999), OnD(12, 5)}));
}

TEST(DeclarationDst, NonexistentHourComparedAsZero) {
  // The nonexistent hour is compared as 0: a non-zero value there is no
  // increase under red indicators.
  const Referential ref = test::ExamplesReferential();
  FakeLedger ledger;
  ledger.PublishAll("ME0005", kGreen, Cet(2026, 3, 27, 5, 52));
  ledger.Submit(Single(Quimper(1, Flat(100), kSpring)), Cet(2026, 3, 27, 15, 0), ref);
  ledger.Publish("ME0005", kQPlus, kRed, Cet(2026, 3, 28, 20, 0));
  ledger.Publish("ME0005", kPartial, kRed, Cet(2026, 3, 28, 20, 0));
  Hourly values = Flat(100);
  values[kNonexistentDstSlot] = 999;
  // 01:10 CET: window 0h..5h (slots 18..23) includes the 02:00 slot.
  DeclarationResult r =
      ledger.Submit(Single(Quimper(2, values, kSpring)), Cet(2026, 3, 29, 1, 10), ref);
  ASSERT_EQ(r.programmes.size(), 1u);
  EXPECT_TRUE(r.programmes[0].accepted);
  EXPECT_TRUE(r.programmes[0].violations.empty());
}

TEST(DeclarationDst, TwentyFiveHourDay) {
  // On the 25-hour day 24 values are expected; the window follows wall-clock
  // labels, so at the second 02:10 the 01h slot is still controlled and at
  // the second 02:20 it is not.
  const Referential ref = test::ExamplesReferential();
  struct Case {
    const char* what;
    Instant t;
    bool refused;
  } cases[] = {
      {"first 02:10 (CEST)", Cest(2026, 10, 25, 2, 10), true},
      {"second 02:10 (CET)", Cet(2026, 10, 25, 2, 10), true},
      {"second 02:20 (CET)", Cet(2026, 10, 25, 2, 20), false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    FakeLedger ledger;
    ledger.PublishAll("ME0005", kGreen, Cest(2026, 10, 23, 5, 52));
    DeclarationResult v1 =
        ledger.Submit(Single(Quimper(1, Flat(100), kAutumn)), Cest(2026, 10, 23, 15, 0), ref);
    EXPECT_TRUE(v1.errors.empty());
    EXPECT_TRUE(v1.warnings.empty());
    ledger.Publish("ME0005", kQMinus, kRed, Cest(2026, 10, 24, 20, 0));
    DeclarationResult r =
        ledger.Submit(Single(Quimper(2, With(Flat(100), 1, 1, 50), kAutumn)), c.t, ref);
    ASSERT_EQ(r.programmes.size(), 1u);
    EXPECT_EQ(r.programmes[0].accepted, !c.refused);
    if (c.refused) {
      ASSERT_EQ(r.programmes[0].violations.size(), 1u);
      EXPECT_EQ(r.programmes[0].violations[0].slots, Slots(1, 1));
    }
  }
}

}  // namespace
}  // namespace flexmail
