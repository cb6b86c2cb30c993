// Exact arithmetic on quantities (RULES §2.5): thousandths of a kWh, and
// contractual bands met exactly at their ends for every tolerance.
#include "rules/quantity.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/declaration.h"
#include "tests/rules/test_support.h"

namespace flexmail {
namespace {

using test::Dm1;
using test::Flat;
using test::LineSpec;
using test::Single;
using test::With;

TEST(Quantity, ToMilliTable) {
  struct Case {
    double kwh;
    Milli milli;
  } cases[] = {
      {0, 0},
      {0.001, 1},
      {0.0004999, 0},
      {0.0005, 1},  // the double just above 0.0005: half away from zero
      {274146.3, 274146300},
      {2172911.8, 2172911800},
      {677999.9999999999, 678000000},  // 600000 × 1.13 in binary floating point
      {999999999999.999, 999999999999999},
      {1e12, 1000000000000000},
      {1e300, 1000000000000000},  // saturated
      {-2.5, -2500},
      {-1e300, -1000000000000000},
  };
  for (const auto& c : cases) EXPECT_EQ(ToMilli(c.kwh), c.milli) << c.kwh;
  EXPECT_EQ(ToMilli(std::optional<double>()), 0);
  EXPECT_EQ(FromMilli(274146300), 274146.3);
}

// Given a band with tolerance, its ends are the exact decimal products, and
// a value equal to an end is inside.
TEST(Quantity, BandEnds) {
  Band b = Band::WithTolerance(300000, 600000, 13);
  EXPECT_EQ(b.Low(), 261000);
  EXPECT_EQ(b.High(), 678000);
  EXPECT_TRUE(b.Contains(678000000));
  EXPECT_FALSE(b.Contains(678000001));
  EXPECT_TRUE(b.Contains(261000000));
  EXPECT_FALSE(b.Contains(260999999));
  // Ends that are not whole thousandths: 0.007 × 1.125 = 0.007875.
  Band odd = Band::WithTolerance(0.007, 0.007, 12.5);
  EXPECT_TRUE(odd.Contains(7));
  EXPECT_FALSE(odd.Contains(8));   // 0.008 > 0.007875
  EXPECT_FALSE(odd.Contains(6));   // 0.006 < 0.007 × 0.875 = 0.006125
  EXPECT_EQ(odd.High(), 0.008);    // shown to the nearest thousandth
  Band plain = Band::Between(10, 20);
  EXPECT_TRUE(plain.Contains(10000));
  EXPECT_TRUE(plain.Contains(20000));
  EXPECT_FALSE(plain.Contains(20001));
  EXPECT_FALSE(plain.Contains(9999));
}

// The errors of one declaration holding `v` at 14h, Quimper's contract
// being [qmin, qmax] with `tol` percent.
std::vector<Code> ErrorsAt(double qmin, double qmax, double tol, Milli v) {
  // Flat values must be inside too: the band's middle, to the thousandth.
  const Milli low = static_cast<Milli>((static_cast<Wide>(ToMilli(qmin)) * 100000 -
                                        static_cast<Wide>(ToMilli(qmin)) * ToMilli(tol) + 99999) /
                                       100000);
  LineSpec l;
  l.values = With(Flat(FromMilli(low)), 14, 14, FromMilli(v));
  l.tech_qmax = 1e11;
  Referential ref = test::ExamplesReferential({}, qmin, tol);
  // ExamplesReferential's Quimper qmax is 1 000 000: rebuild with ours.
  std::vector<Contract> contracts = ref.contracts();
  contracts[0].sites[0].qmax = qmax;
  Referential mine(ref.meshes(), ref.sites(), contracts, ref.shippers(), ref.settings());
  return test::CodesOf(
      EvaluateDeclaration(Single(l), test::kQuimperSender, Dm1(15, 0), mine, {}).errors);
}

// Given every whole tolerance from 0 to 100 % and contracts whose bounds
// make binary floating point err (600 000 × 1.13, 300 000 × 0.82, ...),
// the largest value inside qmax × (1 + t) and the smallest inside
// qmin × (1 − t), computed here in integers, are accepted, and one
// thousandth beyond either is EXEDED_QMIN_QMAX.
TEST(Quantity, ToleranceBoundsAreExactForEveryPercent) {
  struct Terms {
    double qmin, qmax;
  } terms[] = {{300000, 600000}, {123456.789, 987654.321}, {0.001, 7}, {1, 3}};
  const std::vector<Code> none, exceeded = {Code::EXEDED_QMIN_QMAX};
  for (const auto& t : terms) {
    for (int pct = 0; pct <= 100; ++pct) {
      SCOPED_TRACE(std::to_string(t.qmin) + ".." + std::to_string(t.qmax) + " ±" +
                   std::to_string(pct) + " %");
      const Wide qmin = ToMilli(t.qmin), qmax = ToMilli(t.qmax);
      const Milli high = static_cast<Milli>(qmax * (100 + pct) / 100);         // floor
      const Milli low = static_cast<Milli>((qmin * (100 - pct) + 99) / 100);   // ceiling
      EXPECT_EQ(ErrorsAt(t.qmin, t.qmax, pct, high), none) << high;
      EXPECT_EQ(ErrorsAt(t.qmin, t.qmax, pct, high + 1), exceeded) << high + 1;
      EXPECT_EQ(ErrorsAt(t.qmin, t.qmax, pct, low), none) << low;
      if (low > 0) {
        EXPECT_EQ(ErrorsAt(t.qmin, t.qmax, pct, low - 1), exceeded) << low - 1;
      }
    }
  }
}

// The two cases found wrong by hand: each value equals its bound.
TEST(Quantity, ToleranceBoundsFoundWrongInFloatingPoint) {
  const std::vector<Code> none;
  EXPECT_EQ(ErrorsAt(0, 600000, 13, 678000000), none);     // 600000 × 1.13
  EXPECT_EQ(ErrorsAt(300000, 600000, 18, 246000000), none);  // 300000 × 0.82
  EXPECT_EQ(ErrorsAt(300000, 600000, 18, 245999999), std::vector<Code>{Code::EXEDED_QMIN_QMAX});
}

}  // namespace
}  // namespace flexmail
