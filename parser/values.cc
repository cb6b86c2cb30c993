#include "parser/values.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <system_error>

namespace flexmail::parser {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

size_t CountDigits(std::string_view s, size_t from) {
  size_t i = from;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i - from;
}

// The shape of a decimal read in one pass: where its mark is, how many
// digits it has, and those digits as an integer (meaningful only up to 19
// digits; longer numbers take the slow path anyway).
struct Decimal {
  bool ok = false;
  size_t mark = 0;  // position of the decimal mark; size() when none
  size_t digits = 0;
  size_t decimals = 0;
  std::uint64_t mantissa = 0;
};

// Reads [0-9]+([.,][0-9]+)? (',' allowed only when `comma_ok`). Works on
// locals and fills the result once: accumulating in the returned struct
// makes the compiler store to memory on every digit.
Decimal ScanDecimal(std::string_view s, bool comma_ok) {
  const char* p = s.data();
  const char* end = p + s.size();
  std::uint64_t m = 0;
  while (p < end && IsDigit(*p)) m = m * 10 + static_cast<unsigned>(*p++ - '0');
  Decimal d;
  d.mark = static_cast<size_t>(p - s.data());
  if (d.mark == 0) return d;
  if (p < end) {
    if (*p != '.' && !(*p == ',' && comma_ok)) return d;
    const char* first = ++p;
    while (p < end && IsDigit(*p)) m = m * 10 + static_cast<unsigned>(*p++ - '0');
    d.decimals = static_cast<size_t>(p - first);
    if (d.decimals == 0 || p != end) return d;
  }
  d.digits = d.mark + d.decimals;
  d.mantissa = m;
  d.ok = true;
  return d;
}

NumberStatus Convert(const char* begin, const char* end, double* out) {
  auto r = std::from_chars(begin, end, *out, std::chars_format::fixed);
  if (r.ec == std::errc::result_out_of_range || (r.ec == std::errc() && !std::isfinite(*out))) {
    return NumberStatus::kOutOfRange;
  }
  return r.ec == std::errc() && r.ptr == end ? NumberStatus::kOk : NumberStatus::kMalformed;
}

// from_chars only knows '.': a comma mark is swapped in a copy, on the
// stack for any reasonable length.
NumberStatus ConvertWithComma(std::string_view s, size_t mark, double* out) {
  char buf[64];
  if (s.size() <= sizeof buf) {
    s.copy(buf, s.size());
    buf[mark] = '.';
    return Convert(buf, buf + s.size(), out);
  }
  std::string copy(s);
  copy[mark] = '.';
  return Convert(copy.data(), copy.data() + copy.size(), out);
}

// Clinger's fast path: with at most 15 digits in all, the digits read as
// an integer and the power of ten are both exact doubles, so one IEEE
// division gives the correctly rounded value, the very double from_chars
// would return, without its cost.
constexpr size_t kFastDigits = 15;
constexpr double kPow10[kFastDigits + 1] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

int TwoDigits(std::string_view s, size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

}  // namespace

NumberStatus ParseQuantity(std::string_view s, char sep, double* out) {
  if (s.empty()) return NumberStatus::kEmpty;
  bool comma_ok = sep == ';';
  Decimal d = ScanDecimal(s, comma_ok);
  if (!d.ok) {
    if (s[0] == '-' && ScanDecimal(s.substr(1), comma_ok).ok) return NumberStatus::kNegative;
    return NumberStatus::kMalformed;
  }
  if (d.digits <= kFastDigits) {
    *out = static_cast<double>(d.mantissa) / kPow10[d.decimals];
    return NumberStatus::kOk;
  }
  if (d.mark < s.size() && s[d.mark] == ',') return ConvertWithComma(s, d.mark, out);
  return Convert(s.data(), s.data() + s.size(), out);
}

bool ParseClockTime(std::string_view s, std::chrono::milliseconds* since_midnight) {
  if (s.size() < 6 || s.size() > 11 || CountDigits(s, 0) != s.size()) return false;
  int h = TwoDigits(s, 0), m = TwoDigits(s, 2), sec = TwoDigits(s, 4);
  if (h > 23 || m > 59 || sec > 59) return false;
  int ms = 0;
  for (size_t i = 6, weight = 100; i < s.size() && weight > 0; ++i, weight /= 10) {
    ms += (s[i] - '0') * static_cast<int>(weight);
  }
  *since_midnight = std::chrono::hours{h} + std::chrono::minutes{m} + std::chrono::seconds{sec} +
                    std::chrono::milliseconds{ms};
  return true;
}

}  // namespace flexmail::parser
