// Reading quantities (parser/values.h): every spelling a spreadsheet may
// write, the range, the rounding to the thousandth, and random decimals
// against a reference computed by hand on their digits.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <string>

#include "parser/values.h"

namespace flexmail::parser {
namespace {

struct NumberCase {
  const char* text;
  char sep;
  NumberStatus status;
  double value = 0;
};

// Given plain shapes of number, non-negative decimals are read and the
// rest refused (spreadsheet spellings: SpreadsheetForms below).
TEST(ValuesTest, Quantity) {
  const NumberCase cases[] = {
      {"0", ';', NumberStatus::kOk, 0},
      {"42", ';', NumberStatus::kOk, 42},
      {"12.5", ';', NumberStatus::kOk, 12.5},
      {"12,5", ';', NumberStatus::kOk, 12.5},
      {"12.5", ',', NumberStatus::kOk, 12.5},
      {"0012,50", ';', NumberStatus::kOk, 12.5},
      {"123456789012.125", ';', NumberStatus::kOk, 123456789012.125},
      {"12,5", ',', NumberStatus::kMalformed},
      {"", ';', NumberStatus::kEmpty},
      {"-1", ';', NumberStatus::kNegative},
      {"-1,5", ';', NumberStatus::kNegative},
      {"-1,5", ',', NumberStatus::kMalformed},
      {"-", ';', NumberStatus::kMalformed},
      {"--1", ';', NumberStatus::kMalformed},
      {"+1", ';', NumberStatus::kMalformed},
      {"1e3", ';', NumberStatus::kOk, 1000},
      {"1E3", ';', NumberStatus::kOk, 1000},
      {"nan", ';', NumberStatus::kMalformed},
      {"NaN", ';', NumberStatus::kMalformed},
      {"inf", ';', NumberStatus::kMalformed},
      {"-inf", ';', NumberStatus::kMalformed},
      {"infinity", ';', NumberStatus::kMalformed},
      {"1.2.3", ';', NumberStatus::kMalformed},
      {"1,2,3", ';', NumberStatus::kMalformed},
      {"1 000", ';', NumberStatus::kBadGrouping},
      {".5", ';', NumberStatus::kMalformed},
      {"5.", ';', NumberStatus::kOk, 5},
      {"0x1A", ';', NumberStatus::kMalformed},
      {"\xD9\xA3", ';', NumberStatus::kMalformed},  // Arabic-Indic digit three
  };
  for (const auto& c : cases) {
    double v = -1;
    EXPECT_EQ(ParseQuantity(c.text, c.sep, &v), c.status) << c.text;
    if (c.status == NumberStatus::kOk) {
      EXPECT_EQ(v, c.value) << c.text;
    }
  }
}

// U+00A0 and U+202F (no-break spaces) in UTF-8.
#define NBSP "\xC2\xA0"
#define NNBSP "\xE2\x80\xAF"

// Given each spelling a spreadsheet may write for a quantity, exponents,
// -0, a trailing mark and no-break spaces between thousands are read; mixed
// marks, ordinary spaces, misplaced groups, lone signs and non-finite
// values are refused, each with the status its message is chosen by.
TEST(ValuesTest, SpreadsheetForms) {
  const NumberCase cases[] = {
      // Exponents: either case, optional sign, either decimal mark.
      {"1e5", ';', NumberStatus::kOk, 100000},
      {"1E+05", ';', NumberStatus::kOk, 100000},
      {"1,5E+05", ';', NumberStatus::kOk, 150000},
      {"1.5e5", ',', NumberStatus::kOk, 150000},
      {"2.5e-3", ';', NumberStatus::kOk, 0.003},  // 2.5 Wh, rounded half up
      {"2,4e-3", ';', NumberStatus::kOk, 0.002},
      {"1e0", ';', NumberStatus::kOk, 1},
      {"1E-0", ';', NumberStatus::kOk, 1},
      {"123456e-3", ';', NumberStatus::kOk, 123.456},
      {"0.00012e4", ';', NumberStatus::kOk, 1.2},
      {"5e-4", ';', NumberStatus::kOk, 0.001},
      {"4.9e-4", ';', NumberStatus::kOk, 0},
      {"1e-999", ';', NumberStatus::kOk, 0},
      {"0e999", ';', NumberStatus::kOk, 0},
      {"9.99999999999999e11", ';', NumberStatus::kOk, 999999999999.999},
      {"1.e3", ';', NumberStatus::kOk, 1000},
      // -0 is zero.
      {"-0", ';', NumberStatus::kOk, 0},
      {"-0,000", ';', NumberStatus::kOk, 0},
      {"-000.0e5", ';', NumberStatus::kOk, 0},
      // A trailing decimal mark.
      {"100.", ';', NumberStatus::kOk, 100},
      {"100,", ';', NumberStatus::kOk, 100},
      {"100.", ',', NumberStatus::kOk, 100},
      // No-break spaces between groups of three digits.
      {"1" NBSP "234,5", ';', NumberStatus::kOk, 1234.5},
      {"1" NNBSP "234,5", ';', NumberStatus::kOk, 1234.5},
      {"12" NNBSP "345" NNBSP "678", ';', NumberStatus::kOk, 12345678},
      {"123" NBSP "456" NNBSP "789", ';', NumberStatus::kOk, 123456789},
      {"999" NBSP "999" NBSP "999" NBSP "999,999", ';', NumberStatus::kOk, 999999999999.999},
      {"1" NBSP "000.5", ',', NumberStatus::kOk, 1000.5},
      {"1" NBSP "000,", ';', NumberStatus::kOk, 1000},
      {"1" NBSP "500E3", ';', NumberStatus::kOk, 1500000},
      {"0" NBSP "001", ';', NumberStatus::kOk, 1},
      // Refused.
      {"1e", ';', NumberStatus::kMalformed},
      {"1e+", ';', NumberStatus::kMalformed},
      {"e5", ';', NumberStatus::kMalformed},
      {"E", ';', NumberStatus::kMalformed},
      {"1ee5", ';', NumberStatus::kMalformed},
      {"1e5.5", ';', NumberStatus::kMalformed},
      {"1e5e5", ';', NumberStatus::kMalformed},
      {"1e+-5", ';', NumberStatus::kMalformed},
      {"1,5E+05", ',', NumberStatus::kMalformed},
      {"1d5", ';', NumberStatus::kMalformed},
      {"1e999", ';', NumberStatus::kOutOfRange},
      {"1e12", ';', NumberStatus::kOutOfRange},
      {"0.1E+13", ';', NumberStatus::kOutOfRange},
      {"1e99999999999999999999999", ';', NumberStatus::kOutOfRange},
      {"-1e3", ';', NumberStatus::kNegative},
      {"-0,0001", ';', NumberStatus::kNegative},  // negative as written, though 0 once rounded
      {"-1e-999", ';', NumberStatus::kNegative},
      {"-0e", ';', NumberStatus::kMalformed},
      {"-", ';', NumberStatus::kMalformed},
      {"+5", ';', NumberStatus::kMalformed},
      {"+0", ';', NumberStatus::kMalformed},
      {"+", ';', NumberStatus::kMalformed},
      {"nan", ';', NumberStatus::kMalformed},
      {"inf", ';', NumberStatus::kMalformed},
      {"1.#INF", ';', NumberStatus::kMalformed},
      {"0x10", ';', NumberStatus::kMalformed},
      {"1.234,5", ';', NumberStatus::kMalformed},
      {"1,234.5", ';', NumberStatus::kMalformed},
      {".5", ';', NumberStatus::kMalformed},
      {",5", ';', NumberStatus::kMalformed},
      {".", ';', NumberStatus::kMalformed},
      {"-.5", ';', NumberStatus::kMalformed},
      {" 5", ';', NumberStatus::kMalformed},  // only quoted fields keep their spaces
      {"5 ", ';', NumberStatus::kMalformed},
      {NBSP "123", ';', NumberStatus::kMalformed},
      {"123" NBSP, ';', NumberStatus::kMalformed},
      {"1" NBSP NBSP "234", ';', NumberStatus::kMalformed},
      {"1\xE2\x80\x89" "234", ';', NumberStatus::kMalformed},  // U+2009 thin space
      {"1\t234", ';', NumberStatus::kMalformed},
      {"1\xA0" "234", ';', NumberStatus::kMalformed},  // not UTF-8: decoded before, never here
      {"1 234", ';', NumberStatus::kBadGrouping},  // ordinary space
      {"1 234 567,5", ';', NumberStatus::kBadGrouping},
      {"12 34", ';', NumberStatus::kBadGrouping},
      {"100 200", ';', NumberStatus::kBadGrouping},  // two values that lost their separator?
      {"12" NBSP "34", ';', NumberStatus::kBadGrouping},
      {"1" NBSP "2345", ';', NumberStatus::kBadGrouping},
      {"1234" NNBSP "567", ';', NumberStatus::kBadGrouping},
      {"0,123" NBSP "456", ';', NumberStatus::kBadGrouping},  // fractions are never grouped
      {"-1 234", ';', NumberStatus::kBadGrouping},
  };
  for (const auto& c : cases) {
    double v = -1;
    EXPECT_EQ(ParseQuantity(c.text, c.sep, &v), c.status) << c.text << " sep " << c.sep;
    if (c.status == NumberStatus::kOk) {
      EXPECT_EQ(v, c.value) << c.text;
      EXPECT_FALSE(std::signbit(v)) << c.text;
    }
  }
}

#undef NBSP
#undef NNBSP

// Given numbers of 10^12 kWh or more, they are out of range; below that,
// with either mark and any number of leading zeros, they are read.
TEST(ValuesTest, QuantityRange) {
  double v;
  EXPECT_EQ(ParseQuantity("1" + std::string(400, '0'), ';', &v), NumberStatus::kOutOfRange);
  EXPECT_EQ(ParseQuantity("1" + std::string(400, '0') + ",5", ';', &v),
            NumberStatus::kOutOfRange);
  EXPECT_EQ(ParseQuantity("1000000000000", ';', &v), NumberStatus::kOutOfRange);
  EXPECT_EQ(ParseQuantity("1000000000000,0", ';', &v), NumberStatus::kOutOfRange);
  EXPECT_EQ(ParseQuantity("999999999999.999", ';', &v), NumberStatus::kOk);
  EXPECT_EQ(v, 999999999999.999);
  EXPECT_EQ(ParseQuantity(std::string(300, '0') + "42,5", ';', &v), NumberStatus::kOk);
  EXPECT_EQ(v, 42.5);
}

// Given more than three fractional digits, the value is rounded to the
// thousandth, half up on the fourth digit (quantities are kept to the Wh).
TEST(ValuesTest, QuantityRoundedToTheThousandth) {
  const NumberCase cases[] = {
      {"0,0001", ';', NumberStatus::kOk, 0},
      {"0,0004999", ';', NumberStatus::kOk, 0},
      {"0,0005", ';', NumberStatus::kOk, 0.001},
      {"2.0005", ';', NumberStatus::kOk, 2.001},
      {"15236.873333333", ';', NumberStatus::kOk, 15236.873},
      {"15236,8739", ';', NumberStatus::kOk, 15236.874},
      {"999999999999.9995", ';', NumberStatus::kOk, 1e12},
  };
  for (const auto& c : cases) {
    double v = -1;
    EXPECT_EQ(ParseQuantity(c.text, c.sep, &v), c.status) << c.text;
    EXPECT_EQ(v, c.value) << c.text;
  }
  double v = -1;
  EXPECT_EQ(ParseQuantity("0," + std::string(100, '0') + "1", ';', &v), NumberStatus::kOk);
  EXPECT_EQ(v, 0);
}

// The decimal `s` ("123.4567") rounded to three fractional digits, half up,
// by hand on the digits: the reference the parser is held to.
std::string RoundedByHand(std::string s) {
  size_t mark = s.find('.');
  if (mark == std::string::npos) return s + ".000";
  std::string frac = s.substr(mark + 1) + "000";
  std::string digits = s.substr(0, mark) + frac.substr(0, 3);
  if (frac[3] >= '5') {  // carry
    int i = static_cast<int>(digits.size()) - 1;
    while (i >= 0 && digits[i] == '9') digits[i--] = '0';
    if (i < 0) digits.insert(0, "1"); else ++digits[i];
  }
  return digits.substr(0, digits.size() - 3) + "." + digits.substr(digits.size() - 3);
}

// Given random decimals of up to 12 integer and 6 fractional digits, the
// value is exactly the double nearest to the decimal rounded by hand, and
// ToMilli gives back its thousandths exactly (what the rules compare).
TEST(ValuesTest, QuantityIsTheDecimalToTheThousandth) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    int whole = 1 + static_cast<int>(rng() % 12), decimals = static_cast<int>(rng() % 7);
    std::string s;
    for (int d = 0; d < whole; ++d) s.push_back(static_cast<char>('0' + rng() % 10));
    if (decimals) s.push_back('.');
    for (int d = 0; d < decimals; ++d) s.push_back(static_cast<char>('0' + rng() % 10));
    std::string rounded = RoundedByHand(s);
    double expected = -1, got = -2;
    std::from_chars(rounded.data(), rounded.data() + rounded.size(), expected,
                    std::chars_format::fixed);
    ASSERT_EQ(ParseQuantity(s, ';', &got), NumberStatus::kOk) << s;
    ASSERT_EQ(got, expected) << s;
    std::string thousandths = rounded;
    thousandths.erase(thousandths.find('.'), 1);
    ASSERT_EQ(ToMilli(got), std::stoll(thousandths)) << s;
    std::replace(s.begin(), s.end(), '.', ',');
    ASSERT_EQ(ParseQuantity(s, ';', &got), NumberStatus::kOk) << s;
    ASSERT_EQ(got, expected) << s;
  }
}

// "123.45" with its decimal point moved `shift` places right (left when
// negative), zeros added as needed: "12345", "1.2345", "0.0012345".
std::string PointMoved(const std::string& s, int shift) {
  size_t mark = s.find('.');
  std::string digits = s;
  if (mark == std::string::npos) {
    mark = s.size();
  } else {
    digits.erase(mark, 1);
  }
  long point = static_cast<long>(mark) + shift;
  if (point <= 0) {
    digits.insert(0, static_cast<size_t>(1 - point), '0');
    point = 1;
  }
  if (point >= static_cast<long>(digits.size())) {
    return digits + std::string(static_cast<size_t>(point) - digits.size(), '0');
  }
  return digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(point);
}

// The integer part of a plain decimal grouped by thousands with `sep`.
std::string Grouped(const std::string& plain, const std::string& sep) {
  size_t end = plain.find('.');
  if (end == std::string::npos) end = plain.size();
  std::string out = plain.substr(end);
  for (size_t n = 0; n < end; ++n) {
    if (n && n % 3 == 0) out.insert(0, sep);
    out.insert(out.begin(), plain[end - 1 - n]);
  }
  return out;
}

// Given random mantissas with random exponents, each reads as the plain
// decimal with its point moved (so is rounded to the thousandth the same
// way, and is out of range the same way), and that decimal grouped by
// thousands with no-break spaces reads the same too.
TEST(ValuesTest, ExponentMovesTheDecimalPoint) {
  EXPECT_EQ(PointMoved("123.45", 2), "12345");
  EXPECT_EQ(PointMoved("123.45", -4), "0.012345");
  EXPECT_EQ(PointMoved("5", 3), "5000");
  EXPECT_EQ(Grouped("1234567.5", "_"), "1_234_567.5");
  EXPECT_EQ(Grouped("123", "_"), "123");
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    int whole = 1 + static_cast<int>(rng() % 10), decimals = static_cast<int>(rng() % 7);
    int exponent = static_cast<int>(rng() % 21) - 10;
    std::string s;
    for (int d = 0; d < whole; ++d) s.push_back(static_cast<char>('0' + rng() % 10));
    if (decimals) s.push_back('.');
    for (int d = 0; d < decimals; ++d) s.push_back(static_cast<char>('0' + rng() % 10));
    const std::string plain = PointMoved(s, exponent);
    const std::string written = s + (rng() % 2 ? "e" : "E") + std::to_string(exponent);
    double expected = -1, got = -2, grouped = -3;
    const NumberStatus status = ParseQuantity(plain, ';', &expected);
    ASSERT_EQ(ParseQuantity(written, ';', &got), status) << written << " vs " << plain;
    ASSERT_EQ(ParseQuantity(Grouped(plain, "\xC2\xA0"), ';', &grouped), status) << plain;
    if (status == NumberStatus::kOk) {
      ASSERT_EQ(got, expected) << written << " vs " << plain;
      ASSERT_EQ(grouped, expected) << plain;
    }
  }
}

}  // namespace
}  // namespace flexmail::parser
