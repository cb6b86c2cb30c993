// The worked examples A–I of EXAMPLES.md, each driven through
// EvaluateDeclaration step by step, with a ledger that records what every
// step integrates.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/declaration.h"
#include "tests/rules/test_support.h"

namespace flexmail {
namespace {

using test::D;
using test::Dm1;
using test::Dp1;
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

constexpr Light kGreen = Light::kGreen, kRed = Light::kRed;
constexpr IndicatorKind kQMinus = IndicatorKind::kQMinus, kQPlus = IndicatorKind::kQPlus,
                        kPartial = IndicatorKind::kPartial;

const char* const kAccepted = "Programme accepté";

// A copy of the single programme of an integrated declaration.
ProgrammeResult Only(const DeclarationResult& r) {
  EXPECT_EQ(std::string(OutcomeName(r.outcome)), "INTEGRATED");
  for (const auto& e : r.errors) ADD_FAILURE() << FormatDiagnostic(e);
  if (r.programmes.size() != 1) {
    ADD_FAILURE() << r.programmes.size() << " programmes";
    return ProgrammeResult{};
  }
  return r.programmes.front();
}

class Examples : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_.PublishAll("ME0005", kGreen, Dm1(5, 52));
    ledger_.PublishAll("ME0008", kGreen, Dm1(5, 52));
  }

  DeclarationResult Submit(const LineSpec& s, Instant at) {
    return ledger_.Submit(Single(s), at, ref_,
                          s.site == "LI0002" ? test::kMartiguesSender : test::kQuimperSender);
  }

  // The reference of (site, D) as it stands after everything so far.
  std::vector<double> RefNow(const char* site = "LI0001") {
    const ReferenceVersion* v = ledger_.RefAt(site, D(), Dp1(5, 59));
    return v ? Vals(v->values) : std::vector<double>{};
  }
  std::string RefIdNow(const char* site = "LI0001") {
    const ReferenceVersion* v = ledger_.RefAt(site, D(), Dp1(5, 59));
    return v ? v->programme_id : "";
  }

  Referential ref_ = test::ExamplesReferential();
  FakeLedger ledger_;
};

TEST_F(Examples, A_QPlusRedPartialRedRefused) {
  // Contract §3.2.3 example 1: Q→Q+ red and partial red refuse the increases
  // inside the window; the decrease under a green Q→Q- is fine.
  const ProgrammeResult v1 = Only(Submit(Quimper(1, Flat(100)), Dm1(15, 0)));
  EXPECT_TRUE(v1.accepted);
  EXPECT_EQ(v1.path, FeasibilityPath::kEmptyWindow);
  EXPECT_EQ(v1.comment, kAccepted);
  EXPECT_EQ(RefNow(), Vals(Flat(100)));

  ledger_.Publish("ME0005", kQPlus, kRed, OnD(9, 52));
  ledger_.Publish("ME0005", kPartial, kRed, OnD(10, 52));
  const Hourly v2 = With(With(Flat(100), 13, 13, 90), 14, 19, 110);
  DeclarationResult r2 = Submit(Quimper(2, v2), OnD(12, 5));
  const ProgrammeResult p2 = Only(r2);
  EXPECT_FALSE(p2.accepted);
  EXPECT_EQ(p2.path, FeasibilityPath::kChecked);
  ASSERT_EQ(p2.violations.size(), 1u);
  EXPECT_EQ(p2.violations[0].code, Code::HMS_PROFILE_NOT_RESPECT_QMAX_DELAY);
  EXPECT_EQ(p2.violations[0].slots, Slots(14, 17));
  EXPECT_EQ(p2.comment,
            "Le programme ne respecte pas le délai de prévenance sur les heures 14h00, 15h00, "
            "16h00, 17h00. Indicateur de Flexibilité Q → Q+ rouge");
  EXPECT_EQ(p2.indicators.q_minus.status, kGreen);
  EXPECT_EQ(p2.indicators.q_plus.status, kRed);
  EXPECT_EQ(p2.indicators.partial.status, kRed);
  EXPECT_TRUE(r2.updates.empty());
  EXPECT_EQ(RefNow(), Vals(Flat(100)));
  EXPECT_EQ(RefIdNow(), "20261203-LI0001-GFQUIMP01-1");
}

TEST_F(Examples, B_QMinusRedDecreaseOutsideWindowAccepted) {
  // Contract §3.2.3 example 2: Q→Q− red, but the decreases lie outside the
  // window and the increases are under a green Q→Q+.
  Only(Submit(Quimper(1, Flat(100)), Dm1(15, 0)));
  ledger_.Publish("ME0005", kQMinus, kRed, OnD(9, 52));
  const Hourly v2 = With(With(Flat(100), 13, 17, 110), 18, 19, 90);
  DeclarationResult r2 = Submit(Quimper(2, v2), OnD(12, 5));
  const ProgrammeResult p2 = Only(r2);
  EXPECT_TRUE(p2.accepted);
  EXPECT_TRUE(p2.violations.empty());
  EXPECT_EQ(p2.comment, kAccepted);
  EXPECT_EQ(p2.indicators.q_minus.status, kRed);
  EXPECT_EQ(p2.indicators.q_plus.status, kGreen);
  ASSERT_EQ(r2.updates.size(), 1u);
  EXPECT_EQ(r2.updates[0].version.effective_at, OnD(12, 5));
  EXPECT_EQ(r2.updates[0].version.programme_id, "20261203-LI0001-GFQUIMP01-2");
  // 6h..10h keep version 1 (100), 11h onwards take version 2.
  EXPECT_EQ(RefNow(), Vals(v2));
  EXPECT_EQ(Vals(ledger_.RefAt("LI0001", D(), OnD(12, 4))->values), Vals(Flat(100)));
}

TEST_F(Examples, C_TwentyThreeMinuteDelay) {
  // Contract §3.2.2.1 example 1: a partial RED published at 10:52 applies at
  // 11:15, so 11:10 still uses the budget and 11:20 does not.
  Only(Submit(Quimper(1, Flat(300000)), Dm1(15, 0)));
  ledger_.Publish("ME0005", kQPlus, kRed, OnD(9, 52));
  ledger_.Publish("ME0005", kPartial, kRed, OnD(10, 52));

  const Hourly v2 = With(Flat(300000), 12, 17, 400000);
  const ProgrammeResult p2 = Only(Submit(Quimper(2, v2), OnD(11, 10)));
  EXPECT_TRUE(p2.accepted);
  EXPECT_EQ(p2.indicators.q_plus.status, kRed);
  EXPECT_EQ(p2.indicators.partial.status, kGreen);
  EXPECT_EQ(RefNow(), Vals(v2));

  const Hourly v3 = With(Flat(300000), 12, 17, 410000);
  DeclarationResult r3 = Submit(Quimper(3, v3), OnD(11, 20));
  const ProgrammeResult p3 = Only(r3);
  EXPECT_FALSE(p3.accepted);
  EXPECT_EQ(p3.indicators.partial.status, kRed);
  ASSERT_EQ(p3.violations.size(), 1u);
  EXPECT_EQ(p3.violations[0].code, Code::HMS_PROFILE_NOT_RESPECT_QMAX_DELAY);
  EXPECT_EQ(p3.violations[0].slots, Slots(12, 16));
  EXPECT_EQ(p3.comment,
            "Le programme ne respecte pas le délai de prévenance sur les heures 12h00, 13h00, "
            "14h00, 15h00, 16h00. Indicateur de Flexibilité Q → Q+ rouge");
  EXPECT_TRUE(r3.updates.empty());
  EXPECT_EQ(RefNow(), Vals(v2));
  EXPECT_EQ(RefIdNow(), "20261203-LI0001-GFQUIMP01-2");
}

TEST_F(Examples, C_VariantGreenAfterRedAppliesAtOnce) {
  // Contract §3.2.2.1 example 2: a partial GREEN published at 10:52 after a
  // RED applies at 10:52 at once.
  Only(Submit(Quimper(1, Flat(300000)), Dm1(15, 0)));
  ledger_.Publish("ME0005", kQPlus, kRed, OnD(9, 52));
  ledger_.Publish("ME0005", kPartial, kRed, OnD(9, 52));
  ledger_.Publish("ME0005", kPartial, kGreen, OnD(10, 52));
  const Hourly up = With(Flat(300000), 12, 17, 400000);

  const ProgrammeResult before = Only(Submit(Quimper(2, up), OnD(10, 51, 59, 999)));
  EXPECT_FALSE(before.accepted);
  EXPECT_EQ(before.indicators.partial.status, kRed);
  ASSERT_EQ(before.violations.size(), 1u);
  EXPECT_EQ(before.violations[0].code, Code::HMS_PROFILE_NOT_RESPECT_QMAX_DELAY);
  EXPECT_EQ(before.violations[0].slots, Slots(12, 15));  // window 9h..15h

  const ProgrammeResult at = Only(Submit(Quimper(3, up), OnD(10, 52)));
  EXPECT_TRUE(at.accepted);
  EXPECT_EQ(at.indicators.partial.status, kGreen);
  ASSERT_TRUE(at.indicators.partial.source.has_value());
  EXPECT_EQ(at.indicators.partial.source->published_at, OnD(10, 52));
}

TEST_F(Examples, D_FirstAdjustableSlot) {
  // Contract §7: the first adjustable slot of the reference is c (14:35 ->
  // 14h, 14:08 -> 13h, 06:05 on D -> 6h).
  struct Case {
    Instant t;
    int first_hour;
  } cases[] = {{OnD(14, 35), 14}, {OnD(14, 8), 13}, {OnD(6, 5), 6}};
  Referential ref = test::ExamplesReferential();
  for (const auto& c : cases) {
    SCOPED_TRACE(FormatLocalIso(c.t));
    FakeLedger ledger;
    ledger.PublishAll("ME0005", kGreen, Dm1(5, 52));
    ledger.Submit(Single(Quimper(1, Flat(100))), Dm1(15, 0), ref);
    DeclarationResult r = ledger.Submit(Single(Quimper(2, Flat(200))), c.t, ref);
    EXPECT_TRUE(Only(r).accepted);
    ASSERT_EQ(r.updates.size(), 1u);
    EXPECT_EQ(r.updates[0].key.day, D());  // nothing for D-1's 5h slot
    Hourly want = Flat(200);
    for (int i = 0; i < test::SlotOfHour(c.first_hour); ++i) want[i] = 100;
    EXPECT_EQ(Vals(r.updates[0].version.values), Vals(want));
    EXPECT_EQ(Vals(ledger.RefAt("LI0001", D(), c.t)->values), Vals(want));
  }
}

TEST_F(Examples, E_PartialBudgetAgainstRefAtWindowStart) {
  // The partial budget is measured against the reference in force at the
  // start of slot c, so successive small increases cannot spend it twice.
  Only(Submit(Martigues(1, Flat(400000)), Dm1(10, 0)));
  ledger_.Publish("ME0008", kQPlus, kRed, Dm1(20, 0));
  ledger_.Publish("ME0008", kPartial, kGreen, Dm1(20, 0));

  const Hourly v2 = With(Flat(400000), 12, 17, 650000);
  const ProgrammeResult p2 = Only(Submit(Martigues(2, v2), OnD(12, 20)));
  EXPECT_TRUE(p2.accepted);
  EXPECT_EQ(p2.indicators.q_plus.status, kRed);
  EXPECT_EQ(p2.indicators.partial.status, kGreen);
  EXPECT_EQ(RefNow("LI0002"), Vals(v2));

  DeclarationResult r3 = Submit(Martigues(3, With(Flat(400000), 12, 17, 700000)), OnD(12, 40));
  const ProgrammeResult p3 = Only(r3);
  EXPECT_FALSE(p3.accepted);
  ASSERT_EQ(p3.violations.size(), 1u);
  EXPECT_EQ(p3.violations[0].code, Code::HMS_PROFILE_NOT_RESPECT_FLEXIBILITY_TOLERANCE);
  EXPECT_EQ(p3.comment,
            "Le programme est rejeté car il ne respecte pas le volume de Flexibilité partielle "
            "accordé");
  EXPECT_TRUE(r3.updates.empty());
  EXPECT_EQ(RefNow("LI0002"), Vals(v2));

  const ProgrammeResult p4 =
      Only(Submit(Martigues(4, With(Flat(400000), 13, 18, 700000)), OnD(13, 20)));
  EXPECT_TRUE(p4.accepted);
  Hourly want = With(With(Flat(400000), 12, 12, 650000), 13, 18, 700000);
  EXPECT_EQ(RefNow("LI0002"), Vals(want));
  EXPECT_EQ(RefIdNow("LI0002"), "20261203-LI0002-GFMART01-4");
}

TEST_F(Examples, F_EarlyDeclarationsAcceptedWithoutIndicators) {
  // Contract §3.1: before (D-1) 01:00 a programme is accepted without
  // consulting the indicators; from 01:00 it is evaluated.
  Referential ref = test::ExamplesReferential();
  struct Case {
    Instant t;
    FeasibilityPath path;
    bool accepted;
  } cases[] = {
      {test::Cet(2026, 12, 1, 18, 0), FeasibilityPath::kEarly, true},
      {Dm1(0, 59), FeasibilityPath::kEarly, true},
      {Dm1(0, 59, 59, 999), FeasibilityPath::kEarly, true},
      {Dm1(1, 0), FeasibilityPath::kEmptyWindow, true},
      {OnD(1, 20), FeasibilityPath::kChecked, false},  // window 6h: the RED bites
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(FormatLocalIso(c.t));
    FakeLedger ledger;
    ledger.PublishAll("ME0005", kRed, test::Cet(2026, 11, 30, 12, 0));
    DeclarationResult r = ledger.Submit(Single(Quimper(1, Flat(500))), c.t, ref);
    const ProgrammeResult p = Only(r);
    EXPECT_EQ(p.path, c.path);
    EXPECT_EQ(p.accepted, c.accepted);
    EXPECT_EQ(r.updates.size(), c.accepted ? 1u : 0u);
  }
}

TEST_F(Examples, G_OneErrorRejectsWholeEmail) {
  // Contract §2.6: one error in one file rejects the whole email; nothing is
  // integrated and the valid id can be sent again.
  DeclarationFile good = test::MakeFile(D(), {Quimper(1, Flat(100))});
  DeclarationFile short_file = test::MakeFile(D().Next(), {Quimper(1, Flat(100), D().Next())});
  short_file.programmes[0].values.pop_back();
  short_file.programmes[0].structurally_valid = false;
  ParsedDeclaration both = test::MakeDeclaration({good, short_file});
  both.diagnostics.push_back(Diagnostic{Code::BAD_NUMBER_QUANTITIES, Severity::kError,
                                        "ligne de programme : 23 valeurs horaires trouvées, 24 "
                                        "attendues",
                                        short_file.name, 2, 0});

  DeclarationResult r = ledger_.Submit(both, Dm1(15, 0), ref_);
  EXPECT_EQ(std::string(OutcomeName(r.outcome)), "REJECTED");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, Code::BAD_NUMBER_QUANTITIES);
  EXPECT_EQ(r.errors[0].file, "Export_DECLARATIONS_CCG-UPLOAD-20261204_20261202150000.csv");
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_TRUE(r.programmes.empty());
  EXPECT_TRUE(r.updates.empty());

  DeclarationResult again = ledger_.Submit(test::MakeDeclaration({good}), Dm1(15, 30), ref_);
  const ProgrammeResult p = Only(again);
  EXPECT_TRUE(p.accepted);
  EXPECT_EQ(p.raw_id, "20261203-LI0001-GFQUIMP01-1");
}

TEST_F(Examples, H_Versions) {
  // Contract §2.2: once v3 is integrated (accepted or refused), v2 is not
  // incremented, v3 already exists (that code only) and v4 goes on.
  Referential ref = test::ExamplesReferential();
  for (bool v3_refused : {false, true}) {
    SCOPED_TRACE(v3_refused ? "v3 refused" : "v3 accepted");
    FakeLedger ledger;
    ledger.PublishAll("ME0005", v3_refused ? kRed : kGreen, Dm1(5, 52));
    const ProgrammeResult v3 = Only(ledger.Submit(Single(Quimper(3, Flat(100))), OnD(12, 5), ref));
    EXPECT_EQ(v3.accepted, !v3_refused);

    DeclarationResult r2 = ledger.Submit(Single(Quimper(2, Flat(100))), OnD(12, 30), ref);
    EXPECT_EQ(std::string(OutcomeName(r2.outcome)), "REJECTED");
    EXPECT_EQ(test::CodesOf(r2.errors), std::vector<Code>{Code::VERSION_NOT_INCREMENTED});

    DeclarationResult r3 = ledger.Submit(Single(Quimper(3, Flat(100))), OnD(12, 30), ref);
    EXPECT_EQ(std::string(OutcomeName(r3.outcome)), "REJECTED");
    EXPECT_EQ(test::CodesOf(r3.errors), std::vector<Code>{Code::HMS_PROFILE_ID_ALREADY_EXISTS});

    DeclarationResult r4 = ledger.Submit(Single(Quimper(4, Flat(100))), OnD(12, 30), ref);
    const ProgrammeResult p4 = Only(r4);
    EXPECT_EQ(p4.path, FeasibilityPath::kChecked);
    EXPECT_EQ(p4.id.version, 4);
  }
}

TEST_F(Examples, I_PastGasDay) {
  // A gas day is over at D+1 06:00:00; at D+1 05:59 only the 5h slot is
  // still controlled, and past hours may be left empty.
  Only(Submit(Quimper(1, Flat(100)), Dm1(15, 0)));
  ledger_.Publish("ME0005", kQMinus, kRed, OnD(9, 52));

  DeclarationResult late = Submit(Quimper(2, Flat(50)), Dp1(6, 0, 0, 0));
  EXPECT_EQ(std::string(OutcomeName(late.outcome)), "REJECTED");
  EXPECT_EQ(test::CodesOf(late.errors), std::vector<Code>{Code::PAST_GAS_DAY});

  Hourly last_hour;  // every hour empty but 5h
  last_hour[23] = 50;
  const ProgrammeResult p = Only(Submit(Quimper(2, last_hour), Dp1(5, 59)));
  EXPECT_FALSE(p.accepted);
  ASSERT_EQ(p.violations.size(), 1u);
  EXPECT_EQ(p.violations[0].code, Code::HMS_PROFILE_NOT_RESPECT_Q0_DELAY);
  EXPECT_EQ(p.violations[0].slots, std::vector<int>{23});
  EXPECT_EQ(p.comment,
            "Le programme ne respecte pas le délai de prévenance sur les heures 05h00. "
            "Indicateur de Flexibilité Q → Q- rouge");
}

TEST_F(Examples, I_Shortage) {
  // A shortage declared for D at D-1 20:30 refuses D's programmes from then
  // on, not those received before (D-1) 01:00, and not D+1's.
  ledger_.DeclareShortage(D(), "", Dm1(20, 30));
  const ProgrammeResult early = Only(Submit(Quimper(1, Flat(100)), Dm1(0, 30)));
  EXPECT_TRUE(early.accepted);
  EXPECT_EQ(early.path, FeasibilityPath::kEarly);

  ParsedDeclaration two_days =
      test::MakeDeclaration({test::MakeFile(D(), {Quimper(2, Flat(100))}),
                             test::MakeFile(D().Next(), {Quimper(1, Flat(100), D().Next())})});
  DeclarationResult r = ledger_.Submit(two_days, Dm1(21, 0), ref_);
  EXPECT_EQ(std::string(OutcomeName(r.outcome)), "INTEGRATED");
  ASSERT_EQ(r.programmes.size(), 2u);
  for (const auto& p : r.programmes) {
    SCOPED_TRACE(p.raw_id);
    if (p.id.day == D()) {
      EXPECT_FALSE(p.accepted);
      EXPECT_EQ(p.path, FeasibilityPath::kShortage);
      EXPECT_EQ(test::CodesOf(p.violations),
                std::vector<Code>{Code::HMS_PROFILE_NOT_RESPECT_GRAY_INDICATOR});
      EXPECT_EQ(p.comment,
                "Le programme est rejeté dû à une pénurie de Flexibilité : pénurie de "
                "flexibilité en cours, déclarée par le gestionnaire de réseau pour cette "
                "journée gazière");
    } else {
      EXPECT_TRUE(p.accepted);
    }
  }
  ASSERT_EQ(r.updates.size(), 1u);
  EXPECT_EQ(r.updates[0].key.day, D().Next());
  EXPECT_EQ(RefIdNow(), "20261203-LI0001-GFQUIMP01-1");

  // D+1 evaluated for real (after its early limit, D-1 gas day's 01:00 on
  // Dec 3) is still not affected: its window is not yet inside D+1.
  const ProgrammeResult next = Only(Submit(Quimper(2, Flat(100), D().Next()), OnD(2, 0)));
  EXPECT_TRUE(next.accepted);
  EXPECT_EQ(next.path, FeasibilityPath::kEmptyWindow);
  const ProgrammeResult next_checked = Only(Submit(Quimper(3, Flat(100), D().Next()), Dp1(2, 0)));
  EXPECT_TRUE(next_checked.accepted);
  EXPECT_EQ(next_checked.path, FeasibilityPath::kChecked);
}

}  // namespace
}  // namespace flexmail
