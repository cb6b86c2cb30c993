#include "mail/rfc2047.h"

#include <gtest/gtest.h>

#include <string>

namespace flexmail {
namespace {

struct DecodeCase {
  const char* what;
  std::string in;
  std::string want;
  bool unknown_charset = false;
};

// Every encoded-word form we receive, and every malformed one, decodes as specified.
TEST(Rfc2047Test, DecodesTable) {
  const DecodeCase cases[] = {
      {"plain ascii", "Hello world", "Hello world"},
      {"Q utf-8", "=?utf-8?Q?Pr=C3=A9visions_=C3=A9t=C3=A9?=", "Prévisions été"},
      {"B utf-8", "=?UTF-8?B?UHLDqXZpc2lvbnMuY3N2?=", "Prévisions.csv"},
      {"lower-case encoding letters", "=?utf-8?b?w6k=?= =?utf-8?q?=c3=a9?=", "éé"},
      {"B without padding", "=?utf-8?B?w6k?=", "é"},
      {"ISO-8859-1", "=?iso-8859-1?Q?caf=E9?=", "café"},
      {"ISO-8859-1 label, cp1252 euro byte", "=?ISO-8859-1?Q?5=80?=", "5€"},
      {"ISO-8859-15 euro", "=?ISO-8859-15?Q?=A4?=", "€"},
      {"Windows-1252 quotes", "=?windows-1252?Q?=93cit=E9=94?=", "“cité”"},
      {"KOI8-R through iconv", "=?koi8-r?B?8NLJ18XU?=", "Привет"},
      {"stateful ISO-2022-JP", "=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=", "テスト"},
      {"RFC 2231 language suffix", "=?utf-8*fr?Q?=C3=A9t=C3=A9?=", "été"},
      {"adjacent words join", "=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab"},
      {"adjacent across a fold", "=?utf-8?Q?a?=\r\n =?utf-8?Q?b?=", "ab"},
      {"character split across words", "=?utf-8?Q?=C3?= =?utf-8?Q?=A9t=C3=A9?=", "été"},
      {"different charsets adjacent", "=?iso-8859-1?Q?=E9?= =?utf-8?Q?=C3=A9?=", "éé"},
      {"text around words keeps its spaces", "RE: =?utf-8?Q?=C3=A9t=C3=A9?= 2026", "RE: été 2026"},
      {"word glued to text", "abc=?utf-8?Q?=C3=A9?=def", "abcédef"},
      {"empty encoded text", "a =?utf-8?Q?" "?= b", "a  b"},
      {"unknown encoding letter", "=?utf-8?X?abc?=", "=?utf-8?X?abc?="},
      {"unterminated word", "=?utf-8?Q?abc", "=?utf-8?Q?abc"},
      {"bad base64", "=?utf-8?B?!!!!?=", "=?utf-8?B?!!!!?="},
      {"bad Q escape", "=?utf-8?Q?=ZZ?=", "=?utf-8?Q?=ZZ?="},
      {"empty charset", "=??Q?abc?=", "=??Q?abc?="},
      {"space inside the word", "=?utf-8?Q?a b?=", "=?utf-8?Q?a b?="},
      {"malformed then valid", "=?x?=?utf-8?Q?ok?=", "=?x?ok"},
      {"invalid utf-8 in a word", "=?utf-8?Q?a=FFb?=", "a\xEF\xBF\xBD" "b"},
      {"raw latin-1 byte outside words", "caf\xE9", "caf\xEF\xBF\xBD"},
      {"unknown charset read as latin-1", "=?x-klingon?Q?caf=E9?=", "café", true},
      {"iconv flags refused", "=?utf-8//TRANSLIT?Q?caf=E9?=", "café", true},
  };
  for (const DecodeCase& c : cases) {
    bool unknown = false;
    EXPECT_EQ(DecodeRfc2047(c.in, &unknown), c.want) << c.what;
    EXPECT_EQ(unknown, c.unknown_charset) << c.what;
  }
}

// Splits `folded` at CRLF SP into its lines.
std::vector<std::string> Lines(const std::string& folded) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t p; (p = folded.find("\r\n ", start)) != std::string::npos; start = p + 3) {
    lines.push_back(folded.substr(start, p - start));
  }
  lines.push_back(folded.substr(start));
  return lines;
}

// Encoded subjects decode back to the same text, with words of at most 75
// characters and lines of at most 78.
TEST(Rfc2047Test, EncodesWithinLineLimits) {
  const std::string texts[] = {
      "Résultat de votre déclaration — 2 acceptés, 1 refusé",
      std::string(40, 'x') + " " + "éèàùçœ€—“”" + std::string(120, 'y') + " ¿¡ fin",
      "日本語のテキストも正しく分割される必要があります。日本語のテキストも正しく分割される",
  };
  for (const std::string& text : texts) {
    std::string encoded = EncodeRfc2047(text, 9);  // after "Subject: "
    EXPECT_EQ(DecodeRfc2047(encoded), text);
    std::vector<std::string> lines = Lines(encoded);
    for (size_t i = 0; i < lines.size(); ++i) {
      EXPECT_LE(lines[i].size(), 75u) << lines[i];
      EXPECT_LE(lines[i].size() + (i == 0 ? 9 : 1), 78u) << lines[i];
      // A word split inside a character would decode to U+FFFD on its own.
      EXPECT_EQ(DecodeRfc2047(lines[i]).find("\xEF\xBF\xBD"), std::string::npos) << lines[i];
    }
  }
}

// Only printable ASCII without an encoded-word opener may stay unencoded.
TEST(Rfc2047Test, PlainHeaderText) {
  EXPECT_TRUE(IsPlainHeaderText("Results: 2 accepted"));
  EXPECT_FALSE(IsPlainHeaderText("accepté"));
  EXPECT_FALSE(IsPlainHeaderText("a\r\nBcc: x"));
  EXPECT_FALSE(IsPlainHeaderText("looks =?like?= a word"));
}

}  // namespace
}  // namespace flexmail
