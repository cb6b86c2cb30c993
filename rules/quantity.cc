#include "rules/quantity.h"

#include <cmath>

namespace flexmail {
namespace {

constexpr double kMaxMilli = kMaxQuantityKwh * kMilliPerKwh;

// n / d rounded to the nearest integer, half away from zero (d > 0).
Milli RoundedQuotient(Wide n, std::int64_t d) {
  Wide half = d / 2;
  Wide q = n >= 0 ? (n + half) / d : -((-n + half) / d);
  return static_cast<Milli>(q);
}

}  // namespace

Milli ToMilli(double kwh) {
  if (std::isnan(kwh)) return 0;
  double scaled = kwh * kMilliPerKwh;
  if (scaled >= kMaxMilli) return static_cast<Milli>(kMaxMilli);
  if (scaled <= -kMaxMilli) return -static_cast<Milli>(kMaxMilli);
  return std::llround(scaled);
}

double FromMilli(Milli m) { return static_cast<double>(m) / kMilliPerKwh; }

Band Band::Between(double low, double high) {
  return Band(static_cast<Wide>(ToMilli(low)) * kScale,
              static_cast<Wide>(ToMilli(high)) * kScale);
}

Band Band::WithTolerance(double qmin, double qmax, double tolerance_pct) {
  const Wide t = ToMilli(tolerance_pct);  // thousandths of a percent
  return Band(static_cast<Wide>(ToMilli(qmin)) * (kScale - t),
              static_cast<Wide>(ToMilli(qmax)) * (kScale + t));
}

bool Band::Contains(Milli value) const {
  const Wide v = static_cast<Wide>(value) * kScale;
  return low_ <= v && v <= high_;
}

double Band::Low() const { return FromMilli(RoundedQuotient(low_, kScale)); }
double Band::High() const { return FromMilli(RoundedQuotient(high_, kScale)); }

}  // namespace flexmail
