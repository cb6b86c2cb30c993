// Exact arithmetic on quantities (kWh at 25 °C, RULES §2).
//
// The contract types quantities as "Double", but its bounds are decimal
// ("inférieur ou égal ... majoré de 0,8 GWh/tranche", "qMax + tolérance"):
// in binary floating point 600000 × 1.13 is 677999.9999999999, and a value
// equal to the bound would be refused. flexmail therefore keeps every
// quantity to the thousandth of a kWh (the Wh): the parser rounds what it
// reads to that precision, and every comparison and sum of the rules is made
// on whole thousandths in integer arithmetic. Doubles only carry quantities
// between layers; ToMilli recovers the thousandths exactly from any double
// that is the nearest to a decimal with at most three fractional digits and
// less than kMaxQuantityKwh (the double's error is then below 0.11 of a
// thousandth, far from the 0.5 that would change the rounding).
#pragma once

#include <cstdint>
#include <optional>

namespace flexmail {

using Milli = std::int64_t;  // thousandths of a kWh
// Products of a quantity and a tolerance exceed 64 bits (10^15 × 2·10^5).
__extension__ using Wide = __int128;
constexpr Milli kMilliPerKwh = 1000;
// Quantities are below 10^12 kWh (a terawatt-hour per hour): the parser
// refuses larger ones, and ToMilli saturates there.
constexpr double kMaxQuantityKwh = 1e12;

// `kwh` to the nearest thousandth (half away from zero), saturated at
// ±kMaxQuantityKwh.
Milli ToMilli(double kwh);
// An empty (null) value counts as 0 (RULES §4.4).
inline Milli ToMilli(const std::optional<double>& kwh) { return kwh ? ToMilli(*kwh) : 0; }
// The double nearest to m thousandths of a kWh.
double FromMilli(Milli m);

// A closed interval of quantities [low, high] whose ends may have more
// than three fractional digits (qmin × (1 − t), qmax × (1 + t)): held as
// exact rationals over kScale, so a value equal to a bound is inside.
class Band {
 public:
  // [low, high], both to the thousandth.
  static Band Between(double low, double high);
  // [qmin × (1 − t), qmax × (1 + t)] with t = tolerance_pct / 100, the
  // tolerance itself taken to the thousandth of a percent.
  static Band WithTolerance(double qmin, double qmax, double tolerance_pct);

  bool Contains(Milli value) const;
  // The ends to the nearest thousandth, for display.
  double Low() const;
  double High() const;

 private:
  // 100 % in thousandths of a percent: a tolerance of 13 % is 13 000.
  static constexpr std::int64_t kScale = 100000;
  Band(Wide low, Wide high) : low_(low), high_(high) {}
  Wide low_;   // low end × kScale, in thousandths of a kWh
  Wide high_;  // high end × kScale, in thousandths of a kWh
};

}  // namespace flexmail
