#include "mail/transfer_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace flexmail {
namespace {

// Every byte value survives base64 both ways, at every length around a group.
TEST(TransferEncodingTest, Base64RoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t len = 0; len <= all.size(); len += (len < 10 ? 1 : 37)) {
    std::string bytes = all.substr(0, len);
    std::string encoded = EncodeBase64(bytes);
    bool truncated = true;
    EXPECT_EQ(DecodeBase64(encoded, &truncated), bytes) << len;
    EXPECT_FALSE(truncated);
  }
}

// Our base64 lines are 76 characters, CRLF-terminated.
TEST(TransferEncodingTest, Base64LineLength) {
  std::string encoded = EncodeBase64(std::string(1000, 'x'));
  size_t start = 0;
  for (size_t p; (p = encoded.find("\r\n", start)) != std::string::npos; start = p + 2) {
    EXPECT_LE(p - start, 76u);
    if (p + 2 < encoded.size()) {
      EXPECT_EQ(p - start, 76u);
    }
  }
  EXPECT_EQ(start, encoded.size());
}

// Received base64 may hold line breaks, junk and a cut-off end.
TEST(TransferEncodingTest, Base64Decoding) {
  bool truncated = false;
  EXPECT_EQ(DecodeBase64("w6l0\r\nw6k=\r\n", &truncated), "été");
  EXPECT_FALSE(truncated);
  EXPECT_EQ(DecodeBase64("w6 l0*w6k=", &truncated), "été");
  EXPECT_EQ(DecodeBase64("w6l0w6", &truncated), "ét\xC3");
  EXPECT_TRUE(truncated);
  EXPECT_EQ(DecodeBase64(""), "");
}

// Quoted-printable decodes byte for byte, keeping hard line breaks as written.
TEST(TransferEncodingTest, QuotedPrintableDecoding) {
  EXPECT_EQ(DecodeQuotedPrintable("a=3Db=\r\nc\r\nd"), "a=bc\r\nd");
  EXPECT_EQ(DecodeQuotedPrintable("a=\nb\nc\n"), "ab\nc\n");
  EXPECT_EQ(DecodeQuotedPrintable("=C3=A9t=c3=a9=0D=0A"), "été\r\n");
  EXPECT_EQ(DecodeQuotedPrintable("trailing   \r\nx"), "trailing\r\nx");
  EXPECT_EQ(DecodeQuotedPrintable("soft =  \r\nx"), "soft x");
  EXPECT_EQ(DecodeQuotedPrintable("bad =ZZ and =4"), "bad =ZZ and =4");
  EXPECT_EQ(DecodeQuotedPrintable("end="), "end");
  EXPECT_EQ(DecodeQuotedPrintable(std::string("nul\0=00", 7)), std::string("nul\0\0", 5));
}

// Our quoted-printable keeps lines within 76 characters and decodes back to
// the text with CRLF line breaks.
TEST(TransferEncodingTest, QuotedPrintableRoundTrip) {
  const std::string texts[] = {
      "Bonjour,\nvotre déclaration du 03/12/2026 : 2 acceptés, 1 refusé — voir ci-dessous.\n",
      std::string(200, 'a') + "=" + std::string(100, '\xC3') + "\n",
      "trailing space \ntab\t\nFrom the start\n.\n..dots\n",
      "no final break",
  };
  for (const std::string& text : texts) {
    std::string encoded = EncodeQuotedPrintable(text);
    size_t start = 0;
    for (size_t p; (p = encoded.find("\r\n", start)) != std::string::npos; start = p + 2) {
      std::string line = encoded.substr(start, p - start);
      EXPECT_LE(line.size(), 76u) << line;
      EXPECT_NE(line.rfind("From ", 0), 0u) << line;
      EXPECT_NE(line.rfind(".", 0), 0u) << line;
      EXPECT_TRUE(line.empty() || (line.back() != ' ' && line.back() != '\t')) << line;
    }
    std::string want;
    for (char c : text) want += c == '\n' ? std::string("\r\n") : std::string(1, c);
    if (want.size() < 2 || want.substr(want.size() - 2) != "\r\n") want += "\r\n";
    EXPECT_EQ(DecodeQuotedPrintable(encoded), want);
  }
}

// Transfer-encoding names are matched loosely; unknown ones are flagged.
TEST(TransferEncodingTest, ParsesNames) {
  EXPECT_EQ(ParseTransferEncoding(" Base64 "), TransferEncoding::kBase64);
  EXPECT_EQ(ParseTransferEncoding("QUOTED-PRINTABLE"), TransferEncoding::kQuotedPrintable);
  EXPECT_EQ(ParseTransferEncoding(""), TransferEncoding::kIdentity);
  EXPECT_EQ(ParseTransferEncoding("8bit"), TransferEncoding::kIdentity);
  EXPECT_EQ(ParseTransferEncoding("binary"), TransferEncoding::kIdentity);
  EXPECT_EQ(ParseTransferEncoding("x-uuencode"), TransferEncoding::kUnknown);
}

}  // namespace
}  // namespace flexmail
