// The attachment name check (RULES §3 BAD_FILE_NAME), and that a bad name
// never stops the content from being read.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "parser/csv.h"
#include "tests/parser/parser_test_util.h"

namespace flexmail::testing {
namespace {

struct NameCase {
  const char* label;
  std::string name;
  std::string message;  // empty: the name is accepted
};

// Test lists and failures name the case, not its bytes.
void PrintTo(const NameCase& c, std::ostream* os) { *os << c.label; }

const char kPattern[] =
    " » : attendu Export_DECLARATIONS_CCG-UPLOAD-AAAAMMJJ_<14 à 17 chiffres>.csv";

NameCase Bad(const char* label, const std::string& name) {
  return {label, name, "nom de fichier « " + name + kPattern};
}

std::vector<NameCase> NameCases() {
  return {
      {"good", "Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202153000.csv", ""},
      {"lowercase", "export_declarations_ccg-upload-20261203_20261202153000.csv", ""},
      {"uppercase", "EXPORT_DECLARATIONS_CCG-UPLOAD-20261203_20261202153000.CSV", ""},
      {"digits_14", "Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202153000.csv", ""},
      {"digits_17", "Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202153000123.csv", ""},
      Bad("digits_13", "Export_DECLARATIONS_CCG-UPLOAD-20261203_2026120215300.csv"),
      Bad("digits_18", "Export_DECLARATIONS_CCG-UPLOAD-20261203_202612021530001234.csv"),
      {"bad_date", "Export_DECLARATIONS_CCG-UPLOAD-20261332_20261202153000.csv",
       "nom de fichier « Export_DECLARATIONS_CCG-UPLOAD-20261332_20261202153000.csv » : la date "
       "20261332 n'existe pas, attendu une date AAAAMMJJ valide"},
      {"feb_29_non_leap", "Export_DECLARATIONS_CCG-UPLOAD-20270229_20261202153000.csv",
       "nom de fichier « Export_DECLARATIONS_CCG-UPLOAD-20270229_20261202153000.csv » : la date "
       "20270229 n'existe pas, attendu une date AAAAMMJJ valide"},
      Bad("parent_path", "../x.csv"),
      Bad("directory_prefix", "dir/Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202153000.csv"),
      Bad("absolute_path", "/tmp/Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202153000.csv"),
      Bad("double_extension", "Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202153000.csv.exe"),
      Bad("no_extension", "Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202153000"),
      Bad("dash_not_underscore", "Export_DECLARATIONS_CCG-UPLOAD-20261203-20261202153000.csv"),
      Bad("short_date", "Export_DECLARATIONS_CCG-UPLOAD-2026123_20261202153000.csv"),
      Bad("letters_in_stamp", "Export_DECLARATIONS_CCG-UPLOAD-20261203_2026120215300a.csv"),
      Bad("template_from_contract", "Export_DECLARATIONS_CCG-UPLOAD-AAAAMMJG_20XXXXXXXXXXXXX.csv"),
      Bad("spaces", " Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202153000.csv"),
      Bad("empty", ""),
  };
}

class FileNameTest : public ::testing::TestWithParam<NameCase> {};

// Given an attachment name, it is accepted exactly when it has the
// contract's form with a real date, and a refusal says why.
TEST_P(FileNameTest, ChecksName) {
  const NameCase& c = GetParam();
  GasDay day;
  EXPECT_EQ(ParseDeclarationFileName(c.name, &day), c.message.empty());
  ParsedDeclaration p = Parse(GoodFile(), c.name);
  ASSERT_EQ(p.files.size(), 1u);
  EXPECT_EQ(p.files[0].name, c.name);
  EXPECT_EQ(p.files[0].programmes.size(), 1u) << "content is read whatever the name";
  if (c.message.empty()) {
    EXPECT_EQ(day, *GasDay::FromYmd(2026, 12, 3));
    EXPECT_EQ(p.files[0].name_day, day);
    EXPECT_TRUE(p.diagnostics.empty());
  } else {
    EXPECT_FALSE(p.files[0].name_day.has_value());
    ASSERT_EQ(p.diagnostics.size(), 1u);
    const Diagnostic& d = p.diagnostics[0];
    EXPECT_EQ(d.code, Code::BAD_FILE_NAME);
    EXPECT_EQ(d.message, c.message);
    EXPECT_EQ(d.file, c.name);
    EXPECT_EQ(d.line, 0);
    EXPECT_EQ(d.field, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Names, FileNameTest, ::testing::ValuesIn(NameCases()),
                         [](const auto& info) { return std::string(info.param.label); });

// Given a null day pointer, the check still answers.
TEST(FileNameCheckTest, NullDayIsAllowed) {
  EXPECT_TRUE(ParseDeclarationFileName(kGoodName, nullptr));
  EXPECT_FALSE(ParseDeclarationFileName("x.csv", nullptr));
}

// Given a name carrying control characters and a great length, diagnostics
// show it printable and shortened, while the file keeps the name as sent.
TEST(FileNameCheckTest, HostileNameIsMadePrintable) {
  std::string name = "evil\r\nBcc: x@y\x1B" + std::string(200, 'a') + ".csv";
  ParsedDeclaration p = Parse(GoodFile(), name);
  EXPECT_EQ(p.files[0].name, name);
  ASSERT_EQ(p.diagnostics.size(), 1u);
  std::string shown = "evil??Bcc: x@y?" + std::string(105, 'a') + "…";
  EXPECT_EQ(p.diagnostics[0].file, shown);
  EXPECT_EQ(p.diagnostics[0].message, "nom de fichier « " + shown + kPattern);
}

// Given a name that is not UTF-8, its bytes are shown as '?'.
TEST(FileNameCheckTest, NonUtf8NameIsMadePrintable) {
  ParsedDeclaration p = Parse(GoodFile(), "d\xE9" "claration.csv");
  ASSERT_EQ(p.diagnostics.size(), 1u);
  EXPECT_EQ(p.diagnostics[0].file, "d?claration.csv");
}

}  // namespace
}  // namespace flexmail::testing
