// Functional feasibility of one programme (RULES §4) and the reference
// programme it is compared with (§6), driven directly.
#include "rules/feasibility.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/reference.h"
#include "tests/rules/test_support.h"

namespace flexmail {
namespace {

using test::Cest;
using test::Cet;
using test::D;
using test::Day;
using test::Dm1;
using test::Dp1;
using test::Flat;
using test::OnD;
using test::SlotOfHour;
using test::Slots;
using test::With;

constexpr Light kGreen = Light::kGreen, kRed = Light::kRed, kGrey = Light::kGrey;

AppliedIndicators Lights(Light q_minus, Light q_plus, Light partial) {
  AppliedIndicators a;
  a.q_minus = AppliedLight{q_minus, true, std::nullopt};
  a.q_plus = AppliedLight{q_plus, true, std::nullopt};
  a.partial = AppliedLight{partial, true, std::nullopt};
  return a;
}

ReferenceVersion Version(Instant at, const Hourly& values, std::int64_t seq = 0) {
  ReferenceVersion v;
  v.effective_at = at;
  v.seq = seq;
  v.values = values;
  return v;
}

struct Eval {
  GasDay day = D();
  Instant t = OnD(12, 5);
  Hourly values = Flat(100);
  ReferenceHistory history;
  AppliedIndicators lights = Lights(kGreen, kGreen, kGreen);
  bool shortage = false;
  int tranches = 1;

  FeasibilityResult Run() const {
    FeasibilityInput in;
    in.day = day;
    in.received_at = t;
    in.values = &values;
    in.history = &history;
    in.indicators = lights;
    in.shortage = shortage;
    in.tranches = tranches;
    in.budget_per_tranche = 800000;
    return EvaluateFeasibility(in);
  }
};

// The case found wrong by hand (contract §3.2.3: "inférieur ou égal ...
// majoré de 0,8 GWh/tranche"): at D 12:20 the window is 12h..17h; v1 sums
// to 1 372 911.8 there, v2 to exactly 800 000 more. In binary floating
// point the sum was 2 172 911.8000000003 and v2 was refused.
TEST(Feasibility, PartialBudgetIsExactAtItsBound) {
  const Hourly v1 = [] {
    Hourly h = Flat(100000);
    const double hours[] = {274146.3, 149877.5, 118534.6, 353750.5, 357753.6, 118849.3};
    for (int i = 0; i < 6; ++i) h[SlotOfHour(12 + i)] = hours[i];
    return h;
  }();
  Hourly v2 = v1;
  const double raised[] = {274146.3, 149877.5, 152908.6, 380419.5, 862606.7, 352953.2};
  for (int i = 0; i < 6; ++i) v2[SlotOfHour(12 + i)] = raised[i];
  Eval e;
  e.t = OnD(12, 20);
  e.history.Add(Version(Dm1(15, 0), v1, 1));
  e.lights = Lights(kGreen, kRed, kGreen);
  e.values = v2;
  FeasibilityResult r = e.Run();
  EXPECT_EQ(r.window_first, SlotOfHour(12));
  EXPECT_EQ(r.window_last, SlotOfHour(17));
  EXPECT_TRUE(r.accepted) << test::CodesOf(r.violations).size();
  e.values[SlotOfHour(16)] = 862606.701;  // one thousandth over the budget
  r = e.Run();
  EXPECT_FALSE(r.accepted);
  EXPECT_EQ(test::CodesOf(r.violations),
            std::vector<Code>{Code::HMS_PROFILE_NOT_RESPECT_FLEXIBILITY_TOLERANCE});
}

TEST(Feasibility, WindowTable) {
  // The window is c .. H+5 cut to the day: 7 slots before H:15, 6 after,
  // only the part inside D, on wall-clock labels across DST nights.
  const GasDay spring = Day(2026, 3, 28), autumn = Day(2026, 10, 24);
  struct Case {
    const char* what;
    GasDay day;
    Instant t;
    int first, last;  // first > last: empty
  } cases[] = {
      {"12:05 -> 11h..17h", D(), OnD(12, 5), 5, 11},
      {"12:14:59.999 -> 11h..17h", D(), OnD(12, 14, 59, 999), 5, 11},
      {"12:15:00.000 -> 12h..17h", D(), OnD(12, 15), 6, 11},
      {"18:05 -> 17h..23h", D(), OnD(18, 5), 11, 17},
      {"06:05 -> 6h..11h (5h is D-1)", D(), OnD(6, 5), 0, 5},
      {"06:15 -> 6h..11h", D(), OnD(6, 15), 0, 5},
      {"05:59 on D -> 6h..10h of D", D(), OnD(5, 59), 0, 4},
      {"05:10 on D -> 6h..10h of D", D(), OnD(5, 10), 0, 4},
      {"01:20 on D -> 6h only", D(), OnD(1, 20), 0, 0},
      {"00:59 on D -> empty", D(), OnD(0, 59), 0, -1},
      {"D-1 15:00 -> empty", D(), Dm1(15, 0), 0, -1},
      {"D+1 02:20 -> 2h..5h", D(), Dp1(2, 20), 20, 23},
      {"D+1 05:14 -> 4h..5h", D(), Dp1(5, 14), 22, 23},
      {"D+1 05:59 -> 5h only", D(), Dp1(5, 59), 23, 23},
      {"23-h day 01:10 CET -> 0h..5h", spring, Cet(2026, 3, 29, 1, 10), 18, 23},
      {"23-h day 03:10 CEST -> 2h..5h", spring, Cest(2026, 3, 29, 3, 10), 20, 23},
      {"23-h day 03:20 CEST -> 3h..5h", spring, Cest(2026, 3, 29, 3, 20), 21, 23},
      {"25-h day first 02:20 -> 2h..5h", autumn, Cest(2026, 10, 25, 2, 20), 20, 23},
      {"25-h day second 02:10 -> 1h..5h", autumn, Cet(2026, 10, 25, 2, 10), 19, 23},
      {"25-h day second 02:20 -> 2h..5h", autumn, Cet(2026, 10, 25, 2, 20), 20, 23},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    Eval e;
    e.day = c.day;
    e.t = c.t;
    FeasibilityResult r = e.Run();
    EXPECT_TRUE(r.accepted);
    if (c.first > c.last) {
      EXPECT_GT(r.window_first, r.window_last);
      EXPECT_EQ(r.path, FeasibilityPath::kEmptyWindow);
    } else {
      EXPECT_EQ(r.window_first, c.first);
      EXPECT_EQ(r.window_last, c.last);
      EXPECT_EQ(r.path, FeasibilityPath::kChecked);
    }
  }
}

struct RuleCase {
  const char* what;
  AppliedIndicators lights;
  Hourly values;
  std::vector<Violation> want;  // empty: accepted
};

TEST(Feasibility, RulesTable) {
  // At 12:05 (window 11h..17h) against a flat reference of 100 000: which
  // indicator judges which change, and the hours listed.
  const double r = 100000;
  const Hourly ref = Flat(r);
  using V = Violation;
  const Code q0 = Code::HMS_PROFILE_NOT_RESPECT_Q0_DELAY;
  const Code qmax = Code::HMS_PROFILE_NOT_RESPECT_QMAX_DELAY;
  const Code tol = Code::HMS_PROFILE_NOT_RESPECT_FLEXIBILITY_TOLERANCE;
  const RuleCase cases[] = {
      {"unchanged, all red", Lights(kRed, kRed, kRed), ref, {}},
      {"Q- red, decrease at 11h", Lights(kRed, kGreen, kGreen), With(ref, 11, 11, 0), {V{q0, {5}}}},
      {"Q- red, decrease at 10h (past)", Lights(kRed, kGreen, kGreen), With(ref, 10, 10, 0), {}},
      {"Q- red, decrease at 18h (after H+5)",
       Lights(kRed, kGreen, kGreen),
       With(ref, 18, 18, 0),
       {}},
      {"Q- red, decreases 11h, 17h, 18h",
       Lights(kRed, kGreen, kGreen),
       With(With(ref, 11, 11, 1), 17, 18, 1),
       {V{q0, {5, 11}}}},
      {"Q- green, decrease", Lights(kGreen, kRed, kRed), With(ref, 11, 17, 0), {}},
      {"Q+ red, partial red, increase 12h-13h",
       Lights(kGreen, kRed, kRed),
       With(ref, 12, 13, r + 1),
       {V{qmax, Slots(12, 13)}}},
      {"Q+ red, partial red, increase at 18h",
       Lights(kGreen, kRed, kRed),
       With(ref, 18, 20, 2 * r),
       {}},
      {"Q+ green, partial red, increase",
       Lights(kGreen, kGreen, kRed),
       With(ref, 11, 17, 2 * r),
       {}},
      {"Q+ red, partial green, +800 000 exactly",
       Lights(kGreen, kRed, kGreen),
       With(ref, 12, 15, r + 200000),
       {}},
      {"Q+ red, partial green, +800 001",
       Lights(kGreen, kRed, kGreen),
       With(With(ref, 12, 15, r + 200000), 16, 16, r + 1),
       {V{tol, {}}}},
      {"Q+ red, partial green, net total counts",
       Lights(kGreen, kRed, kGreen),
       With(With(ref, 12, 12, r + 900000), 13, 13, 0),
       {}},
      {"decrease and increase, both red",
       Lights(kRed, kRed, kRed),
       With(With(ref, 11, 11, 0), 13, 13, 2 * r),
       {V{q0, {5}}, V{qmax, {7}}}},
      {"decrease red and budget exceeded",
       Lights(kRed, kRed, kGreen),
       With(With(ref, 11, 11, 0), 13, 13, r + 900001),
       {V{q0, {5}}, V{tol, {}}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    Eval e;
    e.values = c.values;
    e.history.Add(Version(Dm1(15, 0), ref));
    e.lights = c.lights;
    FeasibilityResult got = e.Run();
    EXPECT_EQ(got.path, FeasibilityPath::kChecked);
    EXPECT_EQ(got.accepted, c.want.empty());
    ASSERT_EQ(got.violations.size(), c.want.size());
    for (size_t i = 0; i < c.want.size(); ++i) {
      EXPECT_EQ(CodeName(got.violations[i].code), CodeName(c.want[i].code));
      EXPECT_EQ(got.violations[i].slots, c.want[i].slots);
    }
  }
}

TEST(Feasibility, BudgetScalesWithTranches) {
  // The partial budget is 800 000 kWh per tranche.
  for (double extra : {1600000.0, 1600001.0}) {
    Eval e;
    e.tranches = 2;
    e.history.Add(Version(Dm1(15, 0), Flat(0)));
    e.values = With(Flat(0), 12, 13, extra / 2);
    e.lights = Lights(kGreen, kRed, kGreen);
    EXPECT_EQ(e.Run().accepted, extra <= 1600000.0) << extra;
  }
}

TEST(Feasibility, BaselineWithoutReferenceIsZero) {
  // Without a reference the baseline is all zeros.
  Eval e;  // empty history
  e.values = With(Flat(0), 13, 14, 5);
  e.lights = Lights(kRed, kGreen, kGreen);
  EXPECT_TRUE(e.Run().accepted);  // nothing can be below zero
  e.lights = Lights(kRed, kRed, kRed);
  FeasibilityResult r = e.Run();
  EXPECT_FALSE(r.accepted);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].code, Code::HMS_PROFILE_NOT_RESPECT_QMAX_DELAY);
  EXPECT_EQ(r.violations[0].slots, Slots(13, 14));
  e.lights = Lights(kRed, kRed, kGreen);
  e.values = With(Flat(0), 11, 17, 100000);  // 700 000 in the window
  EXPECT_TRUE(e.Run().accepted);
  e.values = With(Flat(0), 12, 13, 400001);  // 800 002
  EXPECT_FALSE(e.Run().accepted);
}

TEST(Feasibility, BudgetUsesReferenceAtStartOfCurrentSlot) {
  // Q- and Q+ compare with the reference in force at t; the partial budget
  // with the reference in force at the start of slot c.
  Eval e;
  e.tranches = 2;
  e.t = OnD(12, 40);  // c = 12h, window 12h..17h
  e.history.Add(Version(Dm1(10, 0), Flat(400000), 1));
  e.history.Add(Version(OnD(12, 20), With(Flat(400000), 12, 17, 650000), 2));
  e.lights = Lights(kGreen, kRed, kGreen);
  e.values = With(Flat(400000), 12, 17, 700000);  // +1 800 000 over 12:00's ref
  FeasibilityResult r = e.Run();
  EXPECT_FALSE(r.accepted);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].code, Code::HMS_PROFILE_NOT_RESPECT_FLEXIBILITY_TOLERANCE);

  // 600 000 is above 12:00's reference but below the one in force at 12:40.
  e.values = With(Flat(400000), 12, 17, 600000);
  e.lights = Lights(kRed, kRed, kRed);
  r = e.Run();
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].code, Code::HMS_PROFILE_NOT_RESPECT_Q0_DELAY);
  EXPECT_EQ(r.violations[0].slots, Slots(12, 17));
}

TEST(Feasibility, ShortageGreyAndEarlyOrder) {
  // A shortage or any GREY indicator refuses, even with an empty window; an
  // early declaration is accepted before anything is consulted.
  Eval e;
  e.t = Dm1(15, 0);  // empty window for D
  e.lights = Lights(kGrey, kGreen, kGreen);
  FeasibilityResult r = e.Run();
  EXPECT_FALSE(r.accepted);
  EXPECT_EQ(r.path, FeasibilityPath::kShortage);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].code, Code::HMS_PROFILE_NOT_RESPECT_GRAY_INDICATOR);
  EXPECT_TRUE(r.violations[0].slots.empty());
  // The shipper is told which: a GREY indicator, not a declared shortage.
  EXPECT_EQ(r.violations[0].detail, "indicateur de flexibilité gris (Q → Q-)");

  e.lights = Lights(kGreen, kGreen, kGreen);
  e.shortage = true;
  e.t = OnD(12, 5);
  r = e.Run();
  EXPECT_FALSE(r.accepted);
  EXPECT_EQ(r.path, FeasibilityPath::kShortage);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].detail, ShortageDetail());
  EXPECT_NE(r.violations[0].detail.find("pénurie de flexibilité en cours"), std::string::npos);

  e.t = Dm1(0, 59, 59, 999);
  e.lights = Lights(kGrey, kGrey, kGrey);
  r = e.Run();
  EXPECT_TRUE(r.accepted);
  EXPECT_EQ(r.path, FeasibilityPath::kEarly);
  EXPECT_TRUE(r.violations.empty());

  e.t = Dm1(1, 0);
  EXPECT_EQ(e.Run().path, FeasibilityPath::kShortage);
}

TEST(Reference, HistoryInForceAt) {
  // The version in force at t is the last one effective at or before t; ties
  // are broken by ledger order.
  ReferenceHistory h({Version(OnD(12, 20), Flat(2), 2), Version(Dm1(10, 0), Flat(1), 1),
                      Version(OnD(12, 20), Flat(3), 3)});
  EXPECT_EQ(h.InForceAt(Dm1(9, 59)), nullptr);
  ASSERT_NE(h.InForceAt(Dm1(10, 0)), nullptr);
  EXPECT_EQ(*h.InForceAt(Dm1(10, 0))->values[0], 1);
  EXPECT_EQ(*h.InForceAt(OnD(12, 19, 59, 999))->values[0], 1);
  EXPECT_EQ(*h.InForceAt(OnD(12, 20))->values[0], 3);
  h.Add(Version(OnD(13, 0), Flat(4), 4));
  EXPECT_EQ(*h.InForceAt(OnD(14, 0))->values[0], 4);
  EXPECT_EQ(RefValue(nullptr, 3), 0);
  ReferenceVersion with_null = Version(OnD(1, 0), Flat(7));
  with_null.values[3] = std::nullopt;
  EXPECT_EQ(RefValue(&with_null, 3), 0);
  EXPECT_EQ(RefValue(&with_null, 4), 7000);
}

TEST(Reference, RebuildTable) {
  // Rebuilt reference: in full before D 06:00 or without a previous one;
  // otherwise from the current slot c onwards (contract §5-§8).
  const ReferenceVersion prev = Version(Dm1(15, 0), Flat(100));
  const Hourly p = Flat(200);
  struct Case {
    const char* what;
    bool has_prev;
    Instant t;
    int first_new_slot;  // slots before it keep the previous reference
  } cases[] = {
      {"no previous, during D", false, OnD(14, 35), 0},
      {"D-1 23:00", true, Dm1(23, 0), 0},
      {"D 05:59 (still D-1)", true, OnD(5, 59), 0},
      {"D 06:05: c is D-1's 5h", true, OnD(6, 5), 0},
      {"D 14:08: from 13h", true, OnD(14, 8), SlotOfHour(13)},
      {"D 14:35: from 14h", true, OnD(14, 35), SlotOfHour(14)},
      {"D 14:15: from 14h", true, OnD(14, 15), SlotOfHour(14)},
      {"D+1 05:20: 5h only", true, Dp1(5, 20), 23},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    Hourly got = Rebuild(c.has_prev ? &prev : nullptr, p, D(), c.t);
    for (int i = 0; i < kSlotsPerDay; ++i) {
      ASSERT_TRUE(got[i].has_value()) << i;
      EXPECT_EQ(*got[i], i < c.first_new_slot ? 100 : 200) << "slot " << i;
    }
  }
  // Past hours left empty by the first programme stay empty.
  Hourly partial = p;
  partial[0] = std::nullopt;
  EXPECT_FALSE(Rebuild(nullptr, partial, D(), OnD(14, 35))[0].has_value());
  EXPECT_EQ(*Rebuild(&prev, partial, D(), OnD(14, 35))[0], 100);
}

}  // namespace
}  // namespace flexmail
