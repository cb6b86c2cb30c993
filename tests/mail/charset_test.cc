#include "mail/charset.h"

#include <gtest/gtest.h>

namespace flexmail {
namespace {

constexpr char kFffd[] = "\xEF\xBF\xBD";

// Known charsets convert, unknown ones fall back to Latin-1 and say so.
TEST(CharsetTest, ConvertsThroughIconv) {
  std::string out;
  EXPECT_TRUE(ConvertToUtf8("caf\xE9", "ISO-8859-15", &out));
  EXPECT_EQ(out, "café");
  EXPECT_TRUE(ConvertToUtf8("\x80", "latin1", &out));  // read as Windows-1252
  EXPECT_EQ(out, "€");
  EXPECT_TRUE(ConvertToUtf8("\"caf\xE9\"", " Windows-1252 ", &out));
  EXPECT_EQ(out, "\"café\"");
  EXPECT_TRUE(ConvertToUtf8("\xE9t\xE9", "iso-8859-1*fr", &out));
  EXPECT_EQ(out, "été");
  EXPECT_FALSE(ConvertToUtf8("caf\xE9", "x-klingon", &out));
  EXPECT_EQ(out, "café");
  EXPECT_FALSE(ConvertToUtf8("caf\xE9", "utf-8//IGNORE", &out));
  EXPECT_EQ(out, "café");
}

// Bytes a charset cannot decode become U+FFFD and decoding carries on.
TEST(CharsetTest, ReplacesUndecodableBytes) {
  std::string out;
  EXPECT_TRUE(ConvertToUtf8("a\x81z", "windows-1252", &out));  // 0x81 is unassigned
  EXPECT_EQ(out, std::string("a") + kFffd + "z");
  EXPECT_TRUE(ConvertToUtf8("\xA4\xA2\xFF", "euc-jp", &out));  // truncated at the end
  EXPECT_EQ(out.substr(0, 3), "あ");
  EXPECT_NE(out.find(kFffd), std::string::npos);
}

// Only well-formed UTF-8 survives sanitizing.
TEST(CharsetTest, SanitizesUtf8) {
  EXPECT_EQ(SanitizeUtf8("été €𝄞"), "été €𝄞");
  EXPECT_EQ(SanitizeUtf8("\xC0\xAF"), std::string(kFffd) + kFffd);  // overlong '/'
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80"), std::string(kFffd) + kFffd + kFffd);  // surrogate
  EXPECT_EQ(SanitizeUtf8("\xF4\x90\x80\x80"), std::string(kFffd) + kFffd + kFffd + kFffd);
  EXPECT_EQ(SanitizeUtf8("ab\xC3"), std::string("ab") + kFffd);
  EXPECT_EQ(SanitizeUtf8(std::string("a\0b", 3)), std::string("a\0b", 3));
}

// Header text never keeps a line break or another control character.
TEST(CharsetTest, ReplacesControls) {
  EXPECT_EQ(ReplaceControls("a\r\nBcc: x\tz"), "a  Bcc: x z");
  EXPECT_EQ(ReplaceControls(std::string("n\0l\x7F", 4)), std::string("n") + kFffd + "l" + kFffd);
  EXPECT_EQ(Latin1ToUtf8("\xE9\xFF"), "éÿ");
}

}  // namespace
}  // namespace flexmail
