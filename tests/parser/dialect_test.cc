// Every accepted variant of the CSV dialect (RULES §7) reads to the same
// model, with no diagnostic.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "parser/csv.h"
#include "tests/parser/parser_test_util.h"

namespace flexmail::testing {
namespace {

Fields WithField(Fields f, int field, std::string value) {
  f[field - 1] = std::move(value);
  return f;
}

std::string Quote(const Fields& f, char sep) {
  Fields q;
  for (const auto& s : f) q.push_back("\"" + s + "\"");
  return Join(q, sep);
}

struct DialectCase {
  const char* name;
  std::string bytes;
  std::string site_label = "Quimper";
  double slot0 = 100;
  size_t programmes = 1;
};

// Test lists and failures name the case, not its bytes.
void PrintTo(const DialectCase& c, std::ostream* os) { *os << c.name; }

std::vector<DialectCase> DialectCases() {
  const Fields h = HeaderFields(), p = ProgrammeFields();
  const std::string hs = Join(h), ps = Join(p);
  return {
      {"semicolon_lf", Lines({hs, ps})},
      {"semicolon_crlf", Lines({hs, ps}, "\r\n")},
      {"no_final_newline", hs + "\n" + ps},
      {"no_final_newline_crlf", hs + "\r\n" + ps},
      {"utf8_bom", "\xEF\xBB\xBF" + Lines({hs, ps})},
      {"utf8_bom_crlf", "\xEF\xBB\xBF" + Lines({hs, ps}, "\r\n")},
      {"comma_separator", Lines({Join(h, ','), Join(p, ',')})},
      {"comma_separator_decimal_point",
       Lines({Join(h, ','), Join(WithField(p, 11, "12.5"), ',')}), "Quimper", 12.5},
      {"decimal_comma", Lines({hs, Join(WithField(p, 11, "12,5"))}), "Quimper", 12.5},
      {"decimal_point_with_semicolon", Lines({hs, Join(WithField(p, 11, "12.5"))}), "Quimper",
       12.5},
      {"quoted_everything", Lines({Quote(h, ';'), Quote(p, ';')})},
      {"quoted_everything_comma", Lines({Quote(h, ','), Quote(p, ',')})},
      {"quoted_separator_inside", Lines({hs, Join(WithField(p, 4, "\"Quimper; centrale\""))}),
       "Quimper; centrale"},
      {"quoted_comma_inside_comma_file",
       Lines({Join(h, ','), Join(WithField(p, 4, "\"Quimper, centrale\""), ',')}),
       "Quimper, centrale"},
      {"doubled_quotes", Lines({hs, Join(WithField(p, 4, "\"Le \"\"Grand\"\" site\""))}),
       "Le \"Grand\" site"},
      {"quoted_empty_value", Lines({hs, Join(WithField(p, 11, "\"\""))}), "Quimper", -1},
      {"quote_inside_unquoted_field_is_literal", Lines({hs, Join(WithField(p, 4, "Qui\"mper"))}),
       "Qui\"mper"},
      {"quoted_number_with_decimal_comma", Lines({hs, Join(WithField(p, 11, "\"12,5\""))}),
       "Quimper", 12.5},
      {"blanks_around_fields", Lines({hs, Join(WithField(p, 11, " \t 12.5 \t"))}), "Quimper",
       12.5},
      {"blanks_around_quoted_field", Lines({hs, Join(WithField(p, 4, "  \"Quimper\" \t"))})},
      {"spaces_inside_quotes_kept", Lines({hs, Join(WithField(p, 4, "\" Quimper \""))}),
       " Quimper "},
      {"windows1252_site_name", Lines({hs, Join(WithField(p, 4, "Montoir \xE9"))}),
       "Montoir \xC3\xA9"},
      {"windows1252_high_table", Lines({hs, Join(WithField(p, 4, "\x80 \x9C\x8A \x85 \x81"))}),
       "\xE2\x82\xAC \xC5\x93\xC5\xA0 \xE2\x80\xA6 \xEF\xBF\xBD"},
      {"utf8_site_name", Lines({hs, Join(WithField(p, 4, "Montoir \xC3\xA9"))}),
       "Montoir \xC3\xA9"},
      {"trailing_separator_every_line", Lines({hs + ";", ps + ";"})},
      {"trailing_separator_comma_file", Lines({Join(h, ',') + ",", Join(p, ',') + ","})},
      {"trailing_separator_and_blanks", Lines({hs + "; ", ps + ";\t"})},
      {"blank_trailing_lines", Lines({hs, ps, "", "", ""})},
      {"blank_trailing_lines_crlf", Lines({hs, ps, "", " \t", ""}, "\r\n")},
      {"trailing_separator_only_lines", Lines({hs, ps, ";;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;", ";;"})},
      {"empty_hourly_value", Lines({hs, Join(WithField(p, 11, ""))}), "Quimper", -1},
      {"empty_last_value_then_trailing_separator", Lines({hs, Join(WithField(p, 34, "")) + ";"})},
      {"empty_last_value_no_trailing_separator", Lines({hs, Join(WithField(p, 34, ""))})},
      {"lowercase_header_tokens",
       Lines({Join(WithField(WithField(WithField(h, 1, "declarations_ccg"), 4, "Upload"), 5,
                             "prod")),
              ps})},
      {"time_with_five_fraction_digits", Lines({Join(WithField(h, 3, "15300012345")), ps})},
      {"time_with_one_fraction_digit", Lines({Join(WithField(h, 3, "1530001")), ps})},
      {"zero_and_large_values", Lines({hs, Join(WithField(p, 11, "0"))}), "Quimper", 0},
      {"leading_zeros", Lines({hs, Join(WithField(p, 11, "007.50"))}), "Quimper", 7.5},
      // Numbers as spreadsheets write them (parser/values.h).
      {"exponent", Lines({hs, Join(WithField(p, 11, "1E+05"))}), "Quimper", 100000},
      {"exponent_decimal_comma", Lines({hs, Join(WithField(p, 11, "1,5E+05"))}), "Quimper",
       150000},
      {"exponent_comma_file", Lines({Join(h, ','), Join(WithField(p, 11, "2.5e-3"), ',')}),
       "Quimper", 0.003},
      {"minus_zero", Lines({hs, Join(WithField(p, 11, "-0"))}), "Quimper", 0},
      {"trailing_decimal_comma", Lines({hs, Join(WithField(p, 11, "100,"))}), "Quimper", 100},
      {"trailing_decimal_point", Lines({hs, Join(WithField(p, 11, "100."))}), "Quimper", 100},
      {"thousands_nbsp_utf8", Lines({hs, Join(WithField(p, 11, "1\xC2\xA0" "234,5"))}),
       "Quimper", 1234.5},
      {"thousands_narrow_nbsp_utf8",
       Lines({hs, Join(WithField(p, 11, "1\xE2\x80\xAF" "234\xE2\x80\xAF" "567,5"))}),
       "Quimper", 1234567.5},
      {"thousands_nbsp_quoted", Lines({hs, Join(WithField(p, 11, "\"1\xC2\xA0" "234,5\""))}),
       "Quimper", 1234.5},
      {"thousands_nbsp_comma_file",
       Lines({Join(h, ','), Join(WithField(p, 11, "1\xC2\xA0" "234.5"), ',')}), "Quimper",
       1234.5},
      {"thousands_nbsp_windows1252", Lines({hs, Join(WithField(p, 11, "1\xA0" "234,5"))}),
       "Quimper", 1234.5},
      {"thousands_nbsp_windows1252_site_name",
       Lines({hs, Join(WithField(WithField(p, 4, "Montoir \xE9"), 11, "1\xA0" "234,5"))}),
       "Montoir \xC3\xA9", 1234.5},
      {"several_programmes", Lines({hs, ps, Join(ProgrammeFields(2)), Join(ProgrammeFields(3))}),
       "Quimper", 100, 3},
  };
}

class DialectTest : public ::testing::TestWithParam<DialectCase> {};

// Given a file in one of the accepted dialects, the parser reads the same
// programme and reports nothing.
TEST_P(DialectTest, ReadsCleanly) {
  const DialectCase& c = GetParam();
  ParsedDeclaration p = Parse(c.bytes);
  EXPECT_EQ(Diags(p), std::vector<std::string>{});
  ASSERT_EQ(p.files.size(), 1u);
  const DeclarationFile& f = p.files[0];
  EXPECT_EQ(f.name, kGoodName);
  EXPECT_EQ(f.name_day, GasDay::FromYmd(2026, 12, 3));
  EXPECT_EQ(f.header_day, GasDay::FromYmd(2026, 12, 3));
  ASSERT_EQ(f.programmes.size(), c.programmes);
  const ProgrammeLine& l = f.programmes[0];
  EXPECT_EQ(l.line, 2);
  EXPECT_TRUE(l.structurally_valid);
  EXPECT_EQ(l.site_label, c.site_label);
  ASSERT_EQ(l.values.size(), 24u);
  if (c.slot0 < 0) {
    EXPECT_FALSE(l.values[0].value.has_value());
  } else {
    EXPECT_EQ(l.values[0].value, c.slot0);
  }
  EXPECT_FALSE(l.values[0].malformed);
  if (std::string(c.name).find("empty_last_value") == std::string::npos) {
    EXPECT_EQ(l.values[23].value, 100.0);
  } else {
    EXPECT_FALSE(l.values[23].value.has_value());
  }
}

INSTANTIATE_TEST_SUITE_P(Dialects, DialectTest, ::testing::ValuesIn(DialectCases()),
                         [](const auto& info) { return std::string(info.param.name); });

// Given a valid line, every field lands in its place in the model.
TEST(ProgrammeLineTest, FillsEveryField) {
  Fields p = ProgrammeFields(7);
  p[5] = "0930151";  // 09:30:15.1
  p[8] = "10,5";
  p[9] = "900000";
  for (int i = 0; i < 24; ++i) p[10 + i] = std::to_string(i * 10);
  ParsedDeclaration parsed = Parse(Lines({Join(HeaderFields()), Join(p)}));
  ASSERT_EQ(Diags(parsed), std::vector<std::string>{});
  const ProgrammeLine& l = parsed.files.at(0).programmes.at(0);
  EXPECT_EQ(l.raw_id, "20261203-LI0001-GFQUIMP01-7");
  ASSERT_TRUE(l.id.has_value());
  EXPECT_EQ(l.id->day, *GasDay::FromYmd(2026, 12, 3));
  EXPECT_EQ(l.id->site, "LI0001");
  EXPECT_EQ(l.id->contract, "GFQUIMP01");
  EXPECT_EQ(l.id->version, 7);
  EXPECT_EQ(l.gas_day, GasDay::FromYmd(2026, 12, 3));
  EXPECT_EQ(l.site_id, "LI0001");
  ASSERT_TRUE(l.created.has_value());
  EXPECT_EQ(date::format("%F %T", *l.created), "2026-12-02 09:30:15.100");
  EXPECT_EQ(l.tech_qmin, 10.5);
  EXPECT_EQ(l.tech_qmax, 900000.0);
  for (int i = 0; i < 24; ++i) EXPECT_EQ(l.values[i].value, i * 10.0) << i;
}

// Given a file whose lines are separated by CRLF, line numbers stay the
// physical ones and values carry no stray '\r'.
TEST(ProgrammeLineTest, CrlfKeepsPhysicalLineNumbers) {
  ParsedDeclaration p = Parse(Lines(
      {Join(HeaderFields()), Join(ProgrammeFields(1)), Join(ProgrammeFields(2))}, "\r\n"));
  ASSERT_EQ(Diags(p), std::vector<std::string>{});
  ASSERT_EQ(p.files[0].programmes.size(), 2u);
  EXPECT_EQ(p.files[0].programmes[1].line, 3);
  EXPECT_EQ(p.files[0].programmes[1].values[23].value, 100.0);
}

// Given two files, each is appended in order and diagnostics name their own
// file.
TEST(ProgrammeLineTest, SeveralFilesAccumulate) {
  ParsedDeclaration out;
  ParseDeclarationFile(RawFile{kGoodName, GoodFile()}, &out);
  ParseDeclarationFile(RawFile{"other.csv", GoodFile()}, &out);
  ASSERT_EQ(out.files.size(), 2u);
  EXPECT_EQ(out.files[1].name, "other.csv");
  ASSERT_EQ(out.diagnostics.size(), 1u);
  EXPECT_EQ(out.diagnostics[0].file, "other.csv");
  EXPECT_EQ(out.diagnostics[0].code, Code::BAD_FILE_NAME);
}

}  // namespace
}  // namespace flexmail::testing
