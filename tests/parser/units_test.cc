// The building blocks of the parser on their own: encoding, field
// splitting, number and time syntax, message text.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "parser/encoding.h"
#include "parser/fields.h"
#include "parser/report.h"
#include "parser/values.h"

namespace flexmail::parser {
namespace {

struct Utf8Case {
  const char* bytes;
  bool valid;
};

// Given byte strings at the edges of UTF-8, validity follows Unicode §3.9.
TEST(EncodingTest, Utf8Validity) {
  const Utf8Case cases[] = {
      {"", true},
      {"plain ascii", true},
      {"Montoir \xC3\xA9", true},
      {"\xE2\x82\xAC", true},              // €
      {"\xF0\x9F\x98\x80", true},          // 4 bytes
      {"\xF4\x8F\xBF\xBF", true},          // U+10FFFF
      {"Montoir \xE9", false},             // Windows-1252 é
      {"\xC3", false},                     // truncated
      {"\xC0\xAF", false},                 // overlong
      {"\xE0\x80\xAF", false},             // overlong
      {"\xED\xA0\x80", false},             // surrogate
      {"\xF4\x90\x80\x80", false},         // above U+10FFFF
      {"\xF5\x80\x80\x80", false},
      {"\x80", false},                     // lone continuation
      {"\xE2\x82", false},
      {"\xFF", false},
  };
  for (const auto& c : cases) EXPECT_EQ(IsValidUtf8(c.bytes), c.valid) << c.bytes;
}

// Given every byte 0x80..0xFF, Windows-1252 decoding gives the code page's
// characters, U+FFFD for the five undefined ones.
TEST(EncodingTest, Windows1252Table) {
  EXPECT_EQ(Windows1252ToUtf8("\x80"), "\xE2\x82\xAC");
  EXPECT_EQ(Windows1252ToUtf8("\x92"), "\xE2\x80\x99");
  EXPECT_EQ(Windows1252ToUtf8("\x9F"), "\xC5\xB8");
  EXPECT_EQ(Windows1252ToUtf8("\xA0"), "\xC2\xA0");
  EXPECT_EQ(Windows1252ToUtf8("\xE9t\xE9"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(Windows1252ToUtf8("\xFF"), "\xC3\xBF");
  for (char undefined : {'\x81', '\x8D', '\x8F', '\x90', '\x9D'}) {
    EXPECT_EQ(Windows1252ToUtf8(std::string(1, undefined)), "\xEF\xBF\xBD");
  }
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  EXPECT_TRUE(IsValidUtf8(Windows1252ToUtf8(all)));
}

// Given a file's bytes, DecodeText drops the BOM, decodes only invalid
// UTF-8, and always ends non-empty text with a newline.
TEST(EncodingTest, DecodeText) {
  SourceEncoding e;
  EXPECT_EQ(DecodeText("\xEF\xBB\xBF" "a;b", &e), "a;b\n");
  EXPECT_EQ(e, SourceEncoding::kUtf8);
  EXPECT_EQ(DecodeText("\xC3\xA9\n", &e), "\xC3\xA9\n");
  EXPECT_EQ(e, SourceEncoding::kUtf8);
  EXPECT_EQ(DecodeText("\xE9\r\n", &e), "\xC3\xA9\r\n");
  EXPECT_EQ(e, SourceEncoding::kWindows1252);
  EXPECT_EQ(DecodeText("\xEF\xBB\xBF\xE9", &e), "\xC3\xA9\n");
  EXPECT_EQ(e, SourceEncoding::kWindows1252);
  EXPECT_EQ(DecodeText(""), "");
  EXPECT_EQ(DecodeText("\xEF\xBB\xBF"), "");
}

struct SplitCase {
  const char* line;
  char sep;
  std::vector<std::string> fields;
  SplitError error = SplitError::kNone;
  int error_field = 0;
};

std::vector<std::string> Texts(const std::vector<Field>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.emplace_back(f.text);
  return out;
}

// Given lines with every quoting and trimming rule, the fields come out as
// the dialect says.
TEST(FieldsTest, Split) {
  const SplitCase cases[] = {
      {"a;b;c", ';', {"a", "b", "c"}},
      {"", ';', {""}},
      {";", ';', {"", ""}},
      {";;", ';', {"", "", ""}},
      {"a;", ';', {"a", ""}},
      {"a;;", ';', {"a", "", ""}},
      {"a; \t", ';', {"a", ""}},
      {"a;\"\"", ';', {"a", ""}},
      {" a \t; b ", ';', {"a", "b"}},
      {"a,b;c", ',', {"a", "b;c"}},
      {"\"a;b\";c", ';', {"a;b", "c"}},
      {"\"a\"\"b\"", ';', {"a\"b"}},
      {"\"\"\"\"", ';', {"\""}},
      {" \"a\" ;b", ';', {"a", "b"}},
      {"\" a \"", ';', {" a "}},
      {"a\"b;c", ';', {"a\"b", "c"}},
      {"x;\"a", ';', {"x"}, SplitError::kUnterminatedQuote, 2},
      {"\"a\"\"", ';', {}, SplitError::kUnterminatedQuote, 1},
      {"x;y;\"a\"b;c", ';', {"x", "y"}, SplitError::kTextAfterQuote, 3},
  };
  std::vector<Field> fields;
  for (const auto& c : cases) {
    std::string line = c.line;
    SplitResult r = SplitFields(line.data(), line.size(), c.sep, &fields);
    EXPECT_EQ(r.error, c.error) << c.line;
    EXPECT_EQ(r.error_field, c.error_field) << c.line;
    EXPECT_EQ(Texts(fields), c.fields) << c.line;
  }
}

// Given a line ending with the separator, the empty field after it is
// dropped only when the line has more fields than expected, and never when
// it was written as "".
TEST(FieldsTest, TrailingEmptyField) {
  struct Case {
    const char* line;
    size_t expected;
    size_t kept;
  };
  const Case cases[] = {
      {"a;b;", 2, 2}, {"a;b;", 3, 3}, {"a;b;;", 2, 3}, {"a;b;\"\"", 2, 3}, {"a;b; ", 2, 2},
      {"a;b;c", 2, 3},
  };
  std::vector<Field> fields;
  for (const auto& c : cases) {
    std::string line = c.line;
    SplitFields(line.data(), line.size(), ';', &fields);
    DropTolerableTrailingField(&fields, c.expected);
    EXPECT_EQ(fields.size(), c.kept) << c.line << " expecting " << c.expected;
  }
}

// Given header lines, the separator is ',' only when there is a comma and
// no semicolon.
TEST(FieldsTest, DetectSeparator) {
  EXPECT_EQ(DetectSeparator("A;B;C"), ';');
  EXPECT_EQ(DetectSeparator("A,B,C"), ',');
  EXPECT_EQ(DetectSeparator("A;B,C"), ';');
  EXPECT_EQ(DetectSeparator("ABC"), ';');
}

// Given lines of blanks and separators, they count as blank; anything else
// does not.
TEST(FieldsTest, BlankLines) {
  EXPECT_TRUE(IsBlankLine("", ';'));
  EXPECT_TRUE(IsBlankLine(" \t ", '\0'));
  EXPECT_TRUE(IsBlankLine(";; ;", ';'));
  EXPECT_FALSE(IsBlankLine(";;", '\0'));
  EXPECT_FALSE(IsBlankLine(",,", ';'));
  EXPECT_FALSE(IsBlankLine("\"\"", ';'));
}

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

struct TimeCase {
  const char* text;
  bool ok;
  long ms = 0;
};

// Given creation times, HHMMSS with 0-5 fraction digits is read to the
// millisecond.
TEST(ValuesTest, ClockTime) {
  const TimeCase cases[] = {
      {"000000", true, 0},
      {"193355", true, ((19 * 60 + 33) * 60 + 55) * 1000L},
      {"2359591", true, ((23 * 60 + 59) * 60 + 59) * 1000L + 100},
      {"23595912", true, ((23 * 60 + 59) * 60 + 59) * 1000L + 120},
      {"23595912345", true, ((23 * 60 + 59) * 60 + 59) * 1000L + 123},
      {"235959123456", false},
      {"240000", false},
      {"236000", false},
      {"235960", false},
      {"19335", false},
      {"19:33:55", false},
      {"19335a", false},
      {"", false},
  };
  for (const auto& c : cases) {
    std::chrono::milliseconds t{-1};
    EXPECT_EQ(ParseClockTime(c.text, &t), c.ok) << c.text;
    if (c.ok) {
      EXPECT_EQ(t.count(), c.ms) << c.text;
    }
  }
}

// Given untrusted text, Printable keeps one bounded printable line.
TEST(ReportTest, Printable) {
  EXPECT_EQ(Printable("abc", 40), "abc");
  EXPECT_EQ(Printable("a\tb\nc\x7F" "d", 40), "a?b?c?d");
  EXPECT_EQ(Printable("\xC2\x85x", 40), "?x");           // NEL (C1)
  EXPECT_EQ(Printable("a\xE2\x80\xA8" "b", 40), "a?b");  // line separator
  EXPECT_EQ(Printable("\xEF\xBB\xBFx", 40), "?x");       // BOM / zero-width no-break space
  EXPECT_EQ(Printable("\xC3\xA9t\xC3\xA9", 2), "\xC3\xA9t…");
  EXPECT_EQ(Printable("abc", 3), "abc");
  EXPECT_EQ(Printable("\xFF\xFE", 40), "??");
  EXPECT_EQ(Found(""), "un champ vide");
  EXPECT_EQ(Found("x"), "« x »");
}

// Given French counts, the noun agrees with the number.
TEST(ReportTest, Count) {
  EXPECT_EQ(Count(0, "champ", "champs"), "0 champ");
  EXPECT_EQ(Count(1, "champ", "champs"), "1 champ");
  EXPECT_EQ(Count(2, "champ", "champs"), "2 champs");
}

// Given more errors than the limit, the reporter keeps the limit, adds one
// note that reading stopped, and then ignores everything.
TEST(ReportTest, Limit) {
  std::vector<Diagnostic> out;
  Reporter r("f.csv", &out, 2);
  r.Add(Code::BAD_FORMAT, 2, 1, "a");
  r.Add(Code::BAD_NUMBER_QUANTITIES, 3, 0, "b");
  EXPECT_FALSE(r.stopped());
  r.Add(Code::BAD_FORMAT, 4, 5, "c");
  EXPECT_TRUE(r.stopped());
  r.Add(Code::BAD_FORMAT, 5, 5, "d");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].message,
            "plus de 2 erreurs dans ce fichier : lecture arrêtée, la suite n'est pas vérifiée");
  EXPECT_EQ(out[2].line, 4);
  EXPECT_EQ(out[2].field, 0);
  EXPECT_EQ(out[2].code, Code::BAD_FORMAT);
}

}  // namespace
}  // namespace flexmail::parser
