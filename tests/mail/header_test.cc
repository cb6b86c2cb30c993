#include "mail/header.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace flexmail {
namespace {

// Folded fields are unfolded and trimmed; the body starts after the empty line.
// Given Message-ID and References texts, only well-formed <left@right> ids
// are kept, in order, at most `max`.
TEST(HeaderTest, MessageIdTokensTable) {
  struct Case {
    const char* text;
    size_t max;
    std::vector<std::string> ids;
  } cases[] = {
      {"<a@b.example>", 10, {"<a@b.example>"}},
      {"  <a@b>  (comment) <c.d@e>", 10, {"<a@b>", "<c.d@e>"}},
      {"<a@b> Bcc: victim@example", 10, {"<a@b>"}},
      {"<a@b>\r\n Bcc: x", 10, {"<a@b>"}},
      {"<a b@c>", 10, {}},
      {"<a@b@c>", 10, {}},
      {"<@b>", 10, {}},
      {"<a@>", 10, {}},
      {"<a\"x@b>", 10, {}},
      {"<<a@b>", 10, {"<a@b>"}},
      {"<a@b", 10, {}},
      {"garbage", 10, {}},
      {"", 10, {}},
      {"<a@b> <c@d> <e@f>", 2, {"<a@b>", "<c@d>"}},
  };
  for (const auto& c : cases) EXPECT_EQ(MessageIdTokens(c.text, c.max), c.ids) << c.text;
  EXPECT_TRUE(MessageIdTokens("<" + std::string(250, 'a') + "@b>", 1).empty());
}

TEST(HeaderTest, ReadsFoldedFields) {
  const std::string raw =
      "Subject:  Pr\xC3\xA9visions\r\n\tsuite  \r\nX-Empty:\r\nContent-Type: text/csv;\r\n name=a.csv\r\n\r\nbody\r\n";
  Header h;
  size_t lines = 0, body = 0;
  ASSERT_TRUE(ReadHeader(raw, 1000, &lines, &h, &body));
  ASSERT_EQ(h.fields.size(), 3u);
  EXPECT_EQ(h.fields[0].value, "Pr\xC3\xA9visions\tsuite");
  EXPECT_EQ(h.fields[1].value, "");
  EXPECT_EQ(h.Find("content-type")->value, "text/csv; name=a.csv");
  EXPECT_EQ(raw.substr(body), "body\r\n");
  EXPECT_EQ(lines, 5u);
}

// LF-only input, an mbox separator, and the obsolete "Name :" syntax are read.
TEST(HeaderTest, ToleratesLfMboxAndObsoleteSyntax) {
  const std::string raw = "From ops@engie.example Wed Dec  2 15:00:00 2026\nTo : a@b\nto: c@d\n\nbody";
  Header h;
  size_t lines = 0, body = 0;
  ASSERT_TRUE(ReadHeader(raw, 1000, &lines, &h, &body));
  ASSERT_EQ(h.fields.size(), 2u);
  EXPECT_EQ(h.fields[0].name, "To");
  EXPECT_EQ(h.Count("TO"), 2u);
  EXPECT_EQ(raw.substr(body), "body");
}

// A line that is not a field ends the header and starts the body (Postfix's rule).
TEST(HeaderTest, NonFieldLineStartsBody) {
  const std::string raw = "Subject: x\r\nthis is body text\r\nmore\r\n";
  Header h;
  size_t lines = 0, body = 0;
  ASSERT_TRUE(ReadHeader(raw, 1000, &lines, &h, &body));
  EXPECT_EQ(h.fields.size(), 1u);
  EXPECT_EQ(raw.substr(body), "this is body text\r\nmore\r\n");
}

// The line budget is shared across calls and stops reading when spent.
TEST(HeaderTest, StopsAtLineBudget) {
  std::string raw;
  for (int i = 0; i < 10; ++i) raw += "X-N: " + std::to_string(i) + "\r\n";
  raw += "\r\nbody";
  Header h;
  size_t lines = 995, body = 0;
  EXPECT_FALSE(ReadHeader(raw, 1000, &lines, &h, &body));
  EXPECT_EQ(h.fields.size(), 5u);
  EXPECT_EQ(h.fields.back().value, "4");
}

// A header without body or final line break is read to the end.
TEST(HeaderTest, ReadsToEndOfInput) {
  Header h;
  size_t lines = 0, body = 0;
  const std::string raw = "Subject: x\r\n folded";
  ASSERT_TRUE(ReadHeader(raw, 1000, &lines, &h, &body));
  EXPECT_EQ(h.Find("Subject")->value, "x folded");
  EXPECT_EQ(body, raw.size());
}

// Content types are tokens around one slash.
TEST(HeaderTest, MimeTypeTokens) {
  EXPECT_TRUE(IsMimeTypeToken("text/csv"));
  EXPECT_TRUE(IsMimeTypeToken("application/vnd.ms-excel"));
  EXPECT_FALSE(IsMimeTypeToken("text"));
  EXPECT_FALSE(IsMimeTypeToken("text/"));
  EXPECT_FALSE(IsMimeTypeToken("text/csv/x"));
  EXPECT_FALSE(IsMimeTypeToken("text/c sv"));
  EXPECT_FALSE(IsMimeTypeToken("text/csv\r\nBcc: x"));
}

}  // namespace
}  // namespace flexmail
