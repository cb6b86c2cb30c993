// Cutting text into lines: line ends, the last line, BOM, NUL and the
// length limits, on the splitter alone and through the whole reader.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parser/line_splitter.h"
#include "tests/parser/parser_test_util.h"

namespace flexmail::parser {
namespace {

struct SplitCase {
  const char* name;
  std::string text;
  size_t max_bytes;
  std::vector<std::string> expected;  // "N:line", or "N:too long"
};

std::vector<std::string> Split(const std::string& text, size_t max_bytes) {
  LineSplitter lines(text, max_bytes);
  std::vector<std::string> out;
  std::string_view line;
  for (LineStatus s; (s = lines.Next(&line)) != LineStatus::kEnd;) {
    std::string number = std::to_string(lines.number()) + ":";
    out.push_back(number + (s == LineStatus::kTooLong ? "too long" : std::string(line)));
  }
  return out;
}

std::vector<SplitCase> Cases() {
  using S = std::string;
  return {
      {"empty_text", "", 100, {}},
      {"lf", "a\nb\n", 100, {"1:a", "2:b"}},
      {"crlf", "a\r\nb\r\n", 100, {"1:a", "2:b"}},
      {"mixed_ends", "a\r\nb\nc\r\n", 100, {"1:a", "2:b", "3:c"}},
      {"last_line_without_end", "a\nb", 100, {"1:a", "2:b"}},
      {"last_line_cr_only", "a\nb\r", 100, {"1:a", "2:b"}},
      {"only_lf", "\n", 100, {"1:"}},
      {"only_cr", "\r", 100, {"1:"}},
      {"empty_last_line", "a\n\n", 100, {"1:a", "2:"}},
      {"empty_last_line_crlf", "a\r\n\r\n", 100, {"1:a", "2:"}},
      {"lone_cr_is_content", "a\rb\n", 100, {"1:a\rb"}},
      {"one_cr_dropped_of_two", "a\r\r\n", 100, {"1:a\r"}},
      {"bom_skipped", "\xEF\xBB\xBF" "a\n", 100, {"1:a"}},
      {"bom_only", "\xEF\xBB\xBF", 100, {}},
      {"bom_later_is_content", "a\n\xEF\xBB\xBF" "b\n", 100, {"1:a", "2:\xEF\xBB\xBF" "b"}},
      {"nul_is_content", S("a\0b\n", 4), 100, {S("1:a\0b", 5)}},
      {"at_limit", "abcd\nx\n", 4, {"1:abcd", "2:x"}},
      {"one_byte_over", "abcde\nx\n", 4, {"1:too long"}},
      {"cr_counts_toward_limit", "abc\r\n", 3, {"1:too long"}},
      {"crlf_at_limit", "ab\r\n", 3, {"1:ab"}},
      {"at_limit_without_end", "abcd", 4, {"1:abcd"}},
      {"over_limit_without_end", "abcde", 4, {"1:too long"}},
      {"stops_at_long_line", "ok\nabcde\nok\n", 4, {"1:ok", "2:too long"}},
  };
}

class LineSplitterTest : public ::testing::TestWithParam<SplitCase> {};

// Given a text, the splitter hands out the lines the reader has always
// seen, numbered physically, and stops at a line over the limit.
TEST_P(LineSplitterTest, Splits) {
  const SplitCase& c = GetParam();
  EXPECT_EQ(Split(c.text, c.max_bytes), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Cases, LineSplitterTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return std::string(info.param.name); });

// Given the end, the splitter stays there.
TEST(LineSplitterTest, EndIsFinal) {
  LineSplitter lines("a\n", 100);
  std::string_view line;
  EXPECT_EQ(lines.Next(&line), LineStatus::kLine);
  EXPECT_EQ(lines.Next(&line), LineStatus::kEnd);
  EXPECT_EQ(lines.Next(&line), LineStatus::kEnd);
  EXPECT_EQ(lines.number(), 1);
}

struct LimitCase {
  const char* name;
  const char* eol;
  size_t line_bytes;  // the programme line, without its end
  std::vector<std::string> expected;
};

// Given a programme line padded (with blanks the field trimming drops) to
// exactly 16384 bytes, or one more, only the longer one is refused, and
// the line end never counts.
TEST(LineLimitTest, ProgrammeLineAtTheLimit) {
  using testing::Join;
  const LimitCase cases[] = {
      {"lf_at_limit", "\n", 16384, {}},
      {"crlf_at_limit", "\r\n", 16384, {}},
      {"lf_one_over", "\n", 16385,
       {"2:0:BAD_FORMAT:ligne trop longue : 16385 octets, au plus 16384 attendus"}},
      {"crlf_one_over", "\r\n", 16385,
       {"2:0:BAD_FORMAT:ligne trop longue : 16385 octets, au plus 16384 attendus"}},
  };
  for (const LimitCase& c : cases) {
    std::string p = Join(testing::ProgrammeFields());
    p.resize(c.line_bytes, ' ');
    ParsedDeclaration parsed =
        testing::Parse(testing::Lines({Join(testing::HeaderFields()), p}, c.eol));
    EXPECT_EQ(testing::Diags(parsed), c.expected) << c.name;
    ASSERT_EQ(parsed.files[0].programmes.size(), 1u) << c.name;
    EXPECT_EQ(parsed.files[0].programmes[0].structurally_valid, c.expected.empty()) << c.name;
  }
}

}  // namespace
}  // namespace flexmail::parser
