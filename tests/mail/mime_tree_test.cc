#include "mail/mime_tree.h"

#include <gtest/gtest.h>

namespace flexmail {
namespace {

std::vector<std::string> Split(std::string_view body, std::string_view boundary, bool* found = nullptr,
                               size_t max_parts = 100) {
  std::vector<std::string_view> parts;
  bool ok = SplitMultipart(body, boundary, max_parts, &parts);
  if (found != nullptr) *found = ok;
  return std::vector<std::string>(parts.begin(), parts.end());
}

// Preamble and epilogue are dropped; the line break before a delimiter
// belongs to the delimiter.
TEST(MimeTreeTest, SplitsAtDelimiterLines) {
  const std::string body =
      "preamble\r\n--b\r\npart one\r\n\r\n--b  \r\npart two\r\n--b--\r\nepilogue\r\n--b\r\nignored\r\n";
  EXPECT_EQ(Split(body, "b"), (std::vector<std::string>{"part one\r\n", "part two"}));
}

// Only whole lines equal to the delimiter count: not a prefix, not mid-line.
TEST(MimeTreeTest, IgnoresLookalikes) {
  const std::string body = "--b\nx --b\n--bb\n--b-\n--b\ny\n--b--";
  EXPECT_EQ(Split(body, "b"), (std::vector<std::string>{"x --b\n--bb\n--b-", "y"}));
}

// A missing close delimiter lets the last part run to the end; no delimiter
// at all is reported.
TEST(MimeTreeTest, UnclosedAndMissing) {
  EXPECT_EQ(Split("--b\r\nlast part\r\n", "b"), (std::vector<std::string>{"last part\r\n"}));
  bool found = true;
  EXPECT_TRUE(Split("no delimiter here\r\n", "b", &found).empty());
  EXPECT_FALSE(found);
}

// Splitting stops one part past the cap so the caller can report it.
TEST(MimeTreeTest, StopsPastMaxParts) {
  std::string body;
  for (int i = 0; i < 50; ++i) body += "--b\r\nx\r\n";
  EXPECT_EQ(Split(body, "b", nullptr, 10).size(), 11u);
}

// Entities default to text/plain, or to message/rfc822 inside a digest.
TEST(MimeTreeTest, DefaultsContentType) {
  Entity e;
  size_t lines = 0;
  ASSERT_TRUE(ReadEntity("Content-Type: bogus\r\n\r\nx", false, 1000, &lines, &e));
  EXPECT_EQ(e.type, "text/plain");
  Entity d;
  ASSERT_TRUE(ReadEntity("\r\nx", true, 1000, &lines, &d));
  EXPECT_EQ(d.type, "message/rfc822");
  Entity c;
  ASSERT_TRUE(ReadEntity("Content-Type: Text/CSV; name=a.csv\r\n\r\nx", false, 1000, &lines, &c));
  EXPECT_EQ(c.type, "text/csv");
  EXPECT_EQ(c.body, "x");
}

// Leaves come in document order, nested multiparts included.
TEST(MimeTreeTest, WalksLeavesInOrder) {
  const std::string raw =
      "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n"
      "Content-Type: multipart/alternative; boundary=i\r\n\r\n--i\r\n\r\none\r\n--i\r\n\r\ntwo\r\n--i--\r\n"
      "--o\r\n\r\nthree\r\n--o--\r\n";
  Entity root;
  size_t lines = 0;
  ASSERT_TRUE(ReadEntity(raw, false, 1000, &lines, &root));
  std::vector<std::string> seen;
  std::optional<LimitHit> hit = WalkMime(root, lines, MailLimits(), [&](const Entity& e) {
    seen.push_back(std::string(e.body) + "@" + std::to_string(e.depth));
    return std::optional<LimitHit>();
  });
  EXPECT_FALSE(hit.has_value());
  EXPECT_EQ(seen, (std::vector<std::string>{"one@2", "two@2", "three@1"}));
}

}  // namespace
}  // namespace flexmail
