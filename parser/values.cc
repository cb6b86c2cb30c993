#include "parser/values.h"

namespace flexmail::parser {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

size_t CountDigits(std::string_view s, size_t from) {
  size_t i = from;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i - from;
}

// The shape of a decimal read in one pass: where its mark is and how many
// fractional digits follow it.
struct Decimal {
  bool ok = false;
  size_t mark = 0;  // position of the decimal mark; size() when none
  size_t decimals = 0;
};

// Reads [0-9]+([.,][0-9]+)? (',' allowed only when `comma_ok`).
Decimal ScanDecimal(std::string_view s, bool comma_ok) {
  Decimal d;
  d.mark = CountDigits(s, 0);
  if (d.mark == 0) return d;
  if (d.mark < s.size()) {
    if (s[d.mark] != '.' && !(s[d.mark] == ',' && comma_ok)) return d;
    d.decimals = CountDigits(s, d.mark + 1);
    if (d.decimals == 0 || d.mark + 1 + d.decimals != s.size()) return d;
  }
  d.ok = true;
  return d;
}

// Integer digits a quantity may have: it is below kMaxQuantityKwh (10^12).
constexpr size_t kMaxIntegerDigits = 12;

// The well-formed decimal `s` in thousandths, rounded half up on its
// fourth fractional digit (RULES §2: quantities are kept to the Wh).
// False when it is kMaxQuantityKwh or more.
bool ToThousandths(std::string_view s, const Decimal& d, Milli* out) {
  size_t i = 0;
  while (i + 1 < d.mark && s[i] == '0') ++i;  // leading zeros
  if (d.mark - i > kMaxIntegerDigits) return false;
  Milli m = 0;
  for (; i < d.mark; ++i) m = m * 10 + (s[i] - '0');
  const char* frac = s.data() + d.mark + 1;
  for (size_t k = 0; k < 3; ++k) m = m * 10 + (k < d.decimals ? frac[k] - '0' : 0);
  if (d.decimals > 3 && frac[3] >= '5') ++m;
  *out = m;
  return true;
}

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
  Milli m = 0;
  if (!ToThousandths(s, d, &m)) return NumberStatus::kOutOfRange;
  *out = FromMilli(m);
  return NumberStatus::kOk;
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
