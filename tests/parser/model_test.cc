// What the parser hands to the rules when lines are partly wrong: which
// fields are filled, which flags are set.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parser/csv.h"
#include "tests/parser/parser_test_util.h"

namespace flexmail::testing {
namespace {

const ProgrammeLine& OnlyLine(const ParsedDeclaration& p) {
  return p.files.at(0).programmes.at(0);
}

std::string FileWithLine(const Fields& p) { return Lines({Join(HeaderFields()), Join(p)}); }

// Given an empty hourly value, the line stays valid and the value is a
// non-malformed null: whether it is allowed is for the rules to decide.
TEST(ModelTest, EmptyValueIsNullNotMalformed) {
  Fields p = ProgrammeFields();
  p[10] = "";
  p[33] = "  ";
  ParsedDeclaration parsed = Parse(FileWithLine(p));
  EXPECT_TRUE(parsed.diagnostics.empty());
  const ProgrammeLine& l = OnlyLine(parsed);
  EXPECT_TRUE(l.structurally_valid);
  EXPECT_FALSE(l.values[0].value.has_value());
  EXPECT_FALSE(l.values[0].malformed);
  EXPECT_FALSE(l.values[23].value.has_value());
  EXPECT_FALSE(l.values[23].malformed);
}

// Given malformed and negative values, they become malformed nulls and the
// other values are still read.
TEST(ModelTest, MalformedValuesAreFlagged) {
  Fields p = ProgrammeFields();
  p[11] = "12a";
  p[12] = "-5";
  p[13] = "1" + std::string(400, '0');
  ParsedDeclaration parsed = Parse(FileWithLine(p));
  const ProgrammeLine& l = OnlyLine(parsed);
  EXPECT_FALSE(l.structurally_valid);
  for (int slot : {1, 2, 3}) {
    EXPECT_FALSE(l.values[slot].value.has_value()) << slot;
    EXPECT_TRUE(l.values[slot].malformed) << slot;
  }
  EXPECT_EQ(l.values[0].value, 100.0);
  EXPECT_EQ(l.values[4].value, 100.0);
}

// Given a line with 33, 35 or 36 fields, every value present is read and
// the line is not structurally valid.
TEST(ModelTest, WrongCountStillReadsValues) {
  for (size_t n : {11u, 33u, 35u, 36u}) {
    Fields p = ProgrammeFields();
    p.resize(n, "7");
    ParsedDeclaration parsed = Parse(FileWithLine(p));
    const ProgrammeLine& l = OnlyLine(parsed);
    EXPECT_FALSE(l.structurally_valid) << n;
    ASSERT_EQ(l.values.size(), n - 10) << n;
    EXPECT_EQ(l.values.back().value, n > 34 ? 7.0 : 100.0) << n;
    EXPECT_EQ(l.site_id, "LI0001") << n;
    ASSERT_TRUE(l.id.has_value()) << n;
    EXPECT_EQ(parsed.diagnostics.at(0).code, Code::BAD_NUMBER_QUANTITIES) << n;
  }
}

// Given a line too short to be read, it still appears, located, with its
// raw id and nothing else.
TEST(ModelTest, ShortLineAppearsEmpty) {
  Fields p = ProgrammeFields();
  p.resize(5);
  ParsedDeclaration parsed = Parse(FileWithLine(p));
  const ProgrammeLine& l = OnlyLine(parsed);
  EXPECT_EQ(l.line, 2);
  EXPECT_EQ(l.raw_id, "20261203-LI0001-GFQUIMP01-1");
  EXPECT_FALSE(l.id.has_value());
  EXPECT_TRUE(l.site_id.empty());
  EXPECT_TRUE(l.values.empty());
  EXPECT_FALSE(l.structurally_valid);
}

// Given unreadable identity fields, they are left empty while the raw id is
// kept for the reply.
TEST(ModelTest, BadIdentityFieldsLeftEmpty) {
  Fields p = ProgrammeFields();
  p[0] = "nope";
  p[1] = "nope";
  p[2] = "nope";
  p[4] = "nope";
  p[8] = "nope";
  ParsedDeclaration parsed = Parse(FileWithLine(p));
  const ProgrammeLine& l = OnlyLine(parsed);
  EXPECT_EQ(l.raw_id, "nope");
  EXPECT_FALSE(l.id.has_value());
  EXPECT_FALSE(l.gas_day.has_value());
  EXPECT_TRUE(l.site_id.empty());
  EXPECT_EQ(l.site_label, "Quimper");
  EXPECT_FALSE(l.created.has_value());
  EXPECT_FALSE(l.tech_qmin.has_value());
  EXPECT_EQ(l.tech_qmax, 1000000.0);
}

// Given one bad line among good ones, only that line loses its validity.
TEST(ModelTest, ValidityIsPerLine) {
  Fields bad = ProgrammeFields(2);
  bad[20] = "x";
  ParsedDeclaration parsed = Parse(
      Lines({Join(HeaderFields()), Join(ProgrammeFields(1)), Join(bad), Join(ProgrammeFields(3))}));
  const auto& ls = parsed.files.at(0).programmes;
  ASSERT_EQ(ls.size(), 3u);
  EXPECT_TRUE(ls[0].structurally_valid);
  EXPECT_FALSE(ls[1].structurally_valid);
  EXPECT_TRUE(ls[2].structurally_valid);
  EXPECT_EQ(ls[2].line, 4);
}

// Given a quote error, the line is reported once and not read further,
// since the positions of the following fields are unknown.
TEST(ModelTest, QuoteErrorStopsTheLine) {
  Fields p = ProgrammeFields();
  p[3] = "\"Quimper";
  p[20] = "x";
  ParsedDeclaration parsed = Parse(FileWithLine(p));
  EXPECT_EQ(parsed.diagnostics.size(), 1u);
  const ProgrammeLine& l = OnlyLine(parsed);
  EXPECT_FALSE(l.structurally_valid);
  EXPECT_TRUE(l.values.empty());
}

// Given a bad header, header_day stays empty; given a good one it is the
// gas day of field 6, not of field 7.
TEST(ModelTest, HeaderDay) {
  Fields h = HeaderFields();
  h[6] = "04/12/2026";
  ParsedDeclaration good = Parse(Lines({Join(h), Join(ProgrammeFields())}));
  EXPECT_EQ(good.files[0].header_day, GasDay::FromYmd(2026, 12, 3));
  h[5] = "x";
  ParsedDeclaration bad = Parse(Lines({Join(h), Join(ProgrammeFields())}));
  EXPECT_FALSE(bad.files[0].header_day.has_value());
}

// Given a leading blank line, the header is the first non-blank line and
// line numbers stay physical.
TEST(ModelTest, LeadingBlankLineKeepsPhysicalNumbers) {
  ParsedDeclaration parsed = Parse(Lines({"", Join(HeaderFields()), Join(ProgrammeFields())}));
  ASSERT_EQ(parsed.diagnostics.size(), 1u);
  EXPECT_EQ(parsed.files[0].header_day, GasDay::FromYmd(2026, 12, 3));
  EXPECT_EQ(OnlyLine(parsed).line, 3);
  EXPECT_TRUE(OnlyLine(parsed).structurally_valid);
}

// Given a programme line that is too long, it still counts as a programme
// line (so no "no programme" error is added) but is not read.
TEST(ModelTest, TooLongLineIsAnUnreadProgramme) {
  std::string bytes = Lines({Join(HeaderFields()), std::string(20000, 'x')});
  ParsedDeclaration parsed = Parse(bytes);
  ASSERT_EQ(parsed.diagnostics.size(), 1u);
  const ProgrammeLine& l = OnlyLine(parsed);
  EXPECT_EQ(l.line, 2);
  EXPECT_FALSE(l.structurally_valid);
  EXPECT_TRUE(l.raw_id.empty());
}

}  // namespace
}  // namespace flexmail::testing
