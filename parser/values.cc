#include "parser/values.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "parser/encoding.h"

namespace flexmail::parser {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

size_t CountDigits(std::string_view s, size_t from) {
  size_t i = from;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i - from;
}

// Every quantity of every file goes through the functions below marked
// inline: the hint makes GCC inline them into ParseQuantity, where the
// number's parts stay in registers. Out of line, they went through memory
// and BM_ParseFile/1000 took 20 % longer (README, "Reading one file").

// The no-break spaces spreadsheets write between thousands, U+00A0 and
// U+202F, in UTF-8: the length of the one at s[i], 0 when there is none.
inline size_t GroupSeparatorAt(std::string_view s, size_t i) {
  if (i >= s.size() || static_cast<unsigned char>(s[i]) < 0x80) return 0;
  size_t len;
  const char32_t cp = DecodeUtf8At(s, i, &len);
  return len != 0 && (cp == 0xA0 || cp == 0x202F) ? len : 0;
}

// The digits that can decide a quantity's thousandths: at most 15 are kept
// (below 10^15 thousandths), and the next one rounds them.
constexpr int kSignificantDigits = 16;

// A number's first significant digits, integer and fraction read as one
// run of digits.
struct Significand {
  std::uint64_t digits = 0;  // the first kSignificantDigits of them, at most
  int length = 0;            // how many `digits` holds; 0 for a zero
  std::int64_t zeros = 0;    // leading zeros before them
};

// A number's parts, read in one pass (see ParseQuantity).
struct Number {
  bool negative = false;
  std::int64_t integer_digits = 0;
  std::int64_t exponent = 0;
  Significand significand;
};

// Reads the digits from s[*i] into n's significand; how many there were.
// (The loop works on locals: stores through `n` could alias the text's
// chars, and the compiler would reload them at every digit.)
inline size_t ReadDigits(std::string_view s, size_t* i, Number* n) {
  Significand& d = n->significand;
  const size_t start = *i, run = CountDigits(s, start), end = start + run;
  size_t k = start;
  if (d.length == 0) {
    while (k < end && s[k] == '0') ++k;
    d.zeros += static_cast<std::int64_t>(k - start);
  }
  const size_t take = std::min(end - k, static_cast<size_t>(kSignificantDigits - d.length));
  std::uint64_t digits = d.digits;
  for (const size_t stop = k + take; k < stop; ++k) {
    digits = digits * 10 + static_cast<std::uint64_t>(s[k] - '0');
  }
  d.digits = digits;
  d.length += static_cast<int>(take);
  *i = end;
  return run;
}

// Beyond this an exponent says no more: 10^100000 kWh is out of range and
// 10^-100000 kWh rounds to 0 whatever the digits before it (a line holds at
// most 16384 of them).
constexpr std::int64_t kExponentClamp = 100000;

// Digits, or 1 to 3 digits then groups of exactly 3 each led by a group
// separator, from s[*i].
inline bool ScanInteger(std::string_view s, size_t* i, Number* n) {
  const size_t run = ReadDigits(s, i, n);
  if (run == 0) return false;
  n->integer_digits = static_cast<std::int64_t>(run);
  for (size_t sep; (sep = GroupSeparatorAt(s, *i)) != 0;) {
    *i += sep;
    if (run > 3 || ReadDigits(s, i, n) != 3) return false;
    n->integer_digits += 3;
  }
  return true;
}

// An optional "e" or "E", an optional sign and digits, from s[*i].
inline bool ScanExponent(std::string_view s, size_t* i, Number* n) {
  if (*i == s.size() || (s[*i] != 'e' && s[*i] != 'E')) return true;
  size_t j = *i + 1;
  const bool minus = j < s.size() && s[j] == '-';
  if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
  const size_t digits = CountDigits(s, j);
  if (digits == 0) return false;
  std::int64_t e = 0;
  for (size_t k = j; k < j + digits; ++k) e = std::min(e * 10 + (s[k] - '0'), kExponentClamp);
  n->exponent = minus ? -e : e;
  *i = j + digits;
  return true;
}

// The whole of `s` as [-] integer [mark [digits]] [exponent].
inline bool Scan(std::string_view s, bool comma_ok, Number* n) {
  size_t i = 0;
  if (!s.empty() && s[0] == '-') {
    n->negative = true;
    ++i;
  }
  if (!ScanInteger(s, &i, n)) return false;
  if (i < s.size() && (s[i] == '.' || (s[i] == ',' && comma_ok))) {
    ++i;
    ReadDigits(s, &i, n);
  }
  return ScanExponent(s, &i, n) && i == s.size();
}

// 10^0 to 10^kSignificantDigits.
constexpr auto kPow10 = [] {
  std::array<std::uint64_t, kSignificantDigits + 1> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}();

// Digits a quantity may have in thousandths: it is below kMaxQuantityKwh
// (10^12 kWh, 10^15 thousandths) before rounding.
constexpr std::int64_t kMaxMilliDigits = 15;

// The number in thousandths, rounded half up on its fourth fractional digit
// once the exponent is applied (RULES §2: quantities are kept to the Wh).
// False when it is kMaxQuantityKwh or more.
inline bool ToThousandths(const Number& n, Milli* out) {
  const Significand& d = n.significand;
  *out = 0;
  if (d.length == 0) return true;
  // How many digits from the first significant one stand left of the
  // thousandths' point.
  const std::int64_t kept = n.integer_digits - d.zeros + n.exponent + 3;
  if (kept > kMaxMilliDigits) return false;
  if (kept < 0) return true;  // below half a thousandth
  const std::int64_t dropped = d.length - kept;
  if (dropped <= 0) {
    *out = static_cast<Milli>(d.digits * kPow10[-dropped]);
    return true;
  }
  const std::uint64_t rounding_digit = d.digits / kPow10[dropped - 1] % 10;
  *out = static_cast<Milli>(d.digits / kPow10[dropped] + (rounding_digit >= 5 ? 1 : 0));
  return true;
}

// `s` without the spaces (ordinary or no-break) standing alone between two
// of its digits.
std::string WithoutSpacesBetweenDigits(std::string_view s) {
  std::string joined;
  for (size_t i = 0; i < s.size();) {
    const size_t len = s[i] == ' ' ? 1 : GroupSeparatorAt(s, i);
    if (len && i > 0 && IsDigit(s[i - 1]) && i + len < s.size() && IsDigit(s[i + len])) {
      i += len;
    } else {
      joined.push_back(s[i++]);
    }
  }
  return joined;
}

int TwoDigits(std::string_view s, size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

}  // namespace

NumberStatus ParseQuantity(std::string_view s, char sep, double* out) {
  if (s.empty()) return NumberStatus::kEmpty;
  const bool comma_ok = sep == ';';
  Number n;
  if (!Scan(s, comma_ok, &n)) {
    // A number once those spaces are out: they are what is wrong.
    const std::string joined = WithoutSpacesBetweenDigits(s);
    double ignored;
    const bool misgrouped = joined.size() < s.size() &&
                            ParseQuantity(joined, sep, &ignored) != NumberStatus::kMalformed;
    return misgrouped ? NumberStatus::kBadGrouping : NumberStatus::kMalformed;
  }
  if (n.negative && n.significand.length != 0) return NumberStatus::kNegative;
  Milli m = 0;
  if (!ToThousandths(n, &m)) return NumberStatus::kOutOfRange;
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
