// The building blocks of the parser on their own: encoding, field
// splitting, time syntax, message text (quantities: quantity_test.cc).
#include <gtest/gtest.h>

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
