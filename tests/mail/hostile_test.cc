// Hostile input: each case must end quickly with a limit or a harmless
// result, never a crash. The big cases are generated here rather than
// committed, to keep the repository small.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "mail/message.h"
#include "mail/rfc2047.h"
#include "mail/safe_name.h"
#include "mail_test_util.h"

namespace flexmail {
namespace {

using testing::ParseFixture;
using testing::ReadFixture;

const char kHead[] = "From: ops@engie.example\r\nTo: declarations@flexmail.example\r\n"
                     "Subject: hostile\r\nMessage-ID: <h@engie.example>\r\n";

// Parses `raw` and checks the < 1 s guard the spec demands for hostile input.
ParsedMessage ParseTimed(const std::string& raw, const MailLimits& limits = {}) {
  auto start = std::chrono::steady_clock::now();
  ParsedMessage m;
  Status s = ParseMessage(raw, limits, &m);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_LT(elapsed, std::chrono::seconds(1));
  return m;
}

Code LimitCode(const ParsedMessage& m) {
  EXPECT_TRUE(m.limit.has_value());
  return m.limit ? m.limit->code : Code::BAD_FORMAT;
}

// Names with directories, drive letters, NUL and line breaks are kept as sent
// (so the file-name rule can refuse them) and SafeFileName reduces them.
TEST(HostileTest, TraversalNames) {
  ParsedMessage m = ParseTimed(ReadFixture("hostile-traversal-names.eml"));
  EXPECT_FALSE(m.limit.has_value());
  ASSERT_EQ(m.csv_attachments.size(), 4u);
  const std::string fffd = "\xEF\xBF\xBD";
  const std::pair<std::string, std::string> want[] = {
      {"../../etc/cron.d/evil.csv", "evil.csv"},
      {"/etc/passwd.csv", "passwd.csv"},
      {"C:\\Windows\\System32\\evil.csv", "evil.csv"},
      {"nul" + fffd + "byte  name.csv", "nul" + fffd + "byte  name.csv"},
  };
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(m.csv_attachments[i].filename, want[i].first);
    EXPECT_EQ(SafeFileName(m.csv_attachments[i].filename), want[i].second);
    EXPECT_EQ(m.csv_attachments[i].content, ReadFixture("csv/j-crlf.csv"));
  }
  EXPECT_EQ(m.other_attachments, 1u);  // filename=".." is not a CSV
}

// A boundary that never appears makes the message malformed; the sender is
// still known so that the shipper can be told.
TEST(HostileTest, BrokenBoundary) {
  ParsedMessage m = ParseTimed(ReadFixture("hostile-broken-boundary.eml"));
  EXPECT_EQ(LimitCode(m), Code::MALFORMED_MESSAGE);
  EXPECT_EQ(m.limit->detail, "partie multipart/mixed : aucune ligne de séparation « --declared »");
  EXPECT_EQ(m.from_address, "ops@engie.example");
  EXPECT_TRUE(m.csv_attachments.empty());
}

// A multipart without a boundary parameter is malformed.
TEST(HostileTest, NoBoundaryParameter) {
  ParsedMessage m = ParseTimed(ReadFixture("hostile-no-boundary.eml"));
  EXPECT_EQ(LimitCode(m), Code::MALFORMED_MESSAGE);
  EXPECT_EQ(m.limit->detail, "partie multipart/mixed sans paramètre boundary valide");
}

// An unclosed multipart still yields its parts; truncated base64 yields the
// bytes it holds and a note.
TEST(HostileTest, UnclosedAndTruncated) {
  ParsedMessage m = ParseTimed(ReadFixture("hostile-unclosed-truncated.eml"));
  EXPECT_FALSE(m.limit.has_value());
  ASSERT_EQ(m.csv_attachments.size(), 1u);
  EXPECT_EQ(m.csv_attachments[0].content, ReadFixture("csv/j-crlf.csv").substr(0, 74));
  ASSERT_EQ(m.notes.size(), 1u);
  EXPECT_NE(m.notes[0].find("base64 tronqué"), std::string::npos);
}

// NUL bytes survive in binary content exactly and never reach header text.
TEST(HostileTest, NulBytes) {
  ParsedMessage m = ParseTimed(ReadFixture("hostile-nul-bytes.eml"));
  EXPECT_EQ(m.subject, "nul\xEF\xBF\xBDhere");
  ASSERT_EQ(m.csv_attachments.size(), 1u);
  EXPECT_EQ(m.csv_attachments[0].content, std::string("a;b\0c\r\n\0\0\r\n", 11));
}

// A nested multipart reusing its parent's boundary: the outer delimiters win.
TEST(HostileTest, SameBoundaryNested) {
  ParsedMessage m = ParseTimed(ReadFixture("hostile-same-boundary-nested.eml"));
  EXPECT_FALSE(m.limit.has_value());
  ASSERT_EQ(m.csv_attachments.size(), 2u);
  EXPECT_EQ(m.csv_attachments[0].filename, "inner.csv");
  EXPECT_EQ(m.csv_attachments[1].filename, "outer.csv");
}

// The 21st attachment breaks the limit of 20; the first 20 were read.
TEST(HostileTest, TooManyAttachments) {
  ParsedMessage m = ParseTimed(ReadFixture("hostile-many-attachments.eml"));
  EXPECT_EQ(LimitCode(m), Code::TOO_MANY_ATTACHMENTS);
  EXPECT_EQ(m.limit->detail, "plus de 20 pièces jointes");
  EXPECT_EQ(m.csv_attachments.size(), 20u);
}

// An encoded CR LF in a subject cannot smuggle a header line into a reply.
TEST(HostileTest, HeaderInjectionInSubject) {
  ParsedMessage m = ParseTimed(ReadFixture("hostile-header-injection.eml"));
  EXPECT_EQ(m.subject, "ok  Bcc: victim@example.org");
}

// 500 000 header lines stop at the 1001st; the fields before are kept.
TEST(HostileTest, HalfAMillionHeaderLines) {
  std::string raw = kHead;
  for (int i = 0; i < 500000; ++i) raw += "X-Junk: 1\r\n";
  raw += "\r\nbody\r\n";
  ParsedMessage m = ParseTimed(raw);
  EXPECT_EQ(LimitCode(m), Code::TOO_MANY_HEADER_LINES);
  EXPECT_EQ(m.limit->detail, "plus de 1000 lignes d'en-tête");
  EXPECT_EQ(m.from_address, "ops@engie.example");
}

// Header lines of nested parts count too.
TEST(HostileTest, HeaderLinesOfPartsCount) {
  std::string raw = std::string(kHead) + "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (int i = 0; i < 30; ++i) {
    raw += "--b\r\n";
    for (int k = 0; k < 40; ++k) raw += "X-Junk: 1\r\n";
    raw += "\r\nx\r\n";
  }
  EXPECT_EQ(LimitCode(ParseTimed(raw)), Code::TOO_MANY_HEADER_LINES);
}

// 10 000 nested multiparts stop at depth 11 without recursion.
TEST(HostileTest, TenThousandDeepNesting) {
  std::string raw = kHead;
  for (int i = 0; i < 10000; ++i) {
    raw += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\r\n\r\n--b" +
           std::to_string(i) + "\r\n";
  }
  raw += "Content-Type: text/csv\r\nContent-Disposition: attachment; filename=deep.csv\r\n\r\nx\r\n";
  ParsedMessage m = ParseTimed(raw);
  EXPECT_EQ(LimitCode(m), Code::MIME_TOO_DEEP);
  EXPECT_EQ(m.limit->detail, "parties MIME imbriquées sur plus de 10 niveaux");
}

// Nesting up to the limit is fine: the CSV ten levels down is found.
TEST(HostileTest, NestingAtTheLimitIsAccepted) {
  std::string raw = kHead;
  for (int i = 0; i < 10; ++i) {
    raw += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\r\n\r\n--b" +
           std::to_string(i) + "\r\n";
  }
  raw += "Content-Type: text/csv\r\nContent-Disposition: attachment; filename=deep.csv\r\n\r\nx\r\n";
  ParsedMessage m = ParseTimed(raw);
  EXPECT_FALSE(m.limit.has_value());
  ASSERT_EQ(m.csv_attachments.size(), 1u);
  EXPECT_EQ(m.csv_attachments[0].content, "x\r\n");
}

// 10 000 nested attached messages are never opened.
TEST(HostileTest, DeeplyNestedAttachedMessages) {
  std::string raw = std::string(kHead) + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n";
  for (int i = 0; i < 10000; ++i) raw += "Content-Type: message/rfc822\r\n\r\n";
  raw += "Content-Disposition: attachment; filename=inner.csv\r\n\r\nx\r\n--b--\r\n";
  ParsedMessage m = ParseTimed(raw);
  EXPECT_FALSE(m.limit.has_value());
  EXPECT_TRUE(m.csv_attachments.empty());
  EXPECT_EQ(m.other_attachments, 1u);
}

// 100 000 RFC 2231 continuations on one line: the name is refused, quickly.
TEST(HostileTest, HundredThousandContinuationsOnOneLine) {
  std::string raw = std::string(kHead) + "Content-Type: text/csv\r\nContent-Disposition: attachment";
  for (int i = 0; i < 100000; ++i) raw += "; filename*" + std::to_string(i) + "*=a";
  raw += "\r\n\r\nx\r\n";
  ParsedMessage m = ParseTimed(raw);
  EXPECT_FALSE(m.limit.has_value());
  EXPECT_TRUE(m.csv_attachments.empty());
  EXPECT_EQ(m.other_attachments, 1u);
  ASSERT_FALSE(m.notes.empty());
  EXPECT_EQ(m.notes[0], "nom de pièce jointe : paramètre filename* : plus de 100 segments");
}

// 100 000 continuations folded one per line break the header-line limit.
TEST(HostileTest, HundredThousandFoldedContinuations) {
  std::string raw = std::string(kHead) + "Content-Disposition: attachment";
  for (int i = 0; i < 100000; ++i) raw += ";\r\n filename*" + std::to_string(i) + "*=a";
  raw += "\r\n\r\nx\r\n";
  EXPECT_EQ(LimitCode(ParseTimed(raw)), Code::TOO_MANY_HEADER_LINES);
}

// Over 10 MiB the body is not read, but the sender is known.
TEST(HostileTest, MessageTooLarge) {
  std::string raw = std::string(kHead) + "\r\n" + std::string(11 * 1024 * 1024, 'x');
  ParsedMessage m = ParseTimed(raw);
  EXPECT_EQ(LimitCode(m), Code::MESSAGE_TOO_LARGE);
  EXPECT_EQ(m.limit->detail, "le message fait " + std::to_string(raw.size()) + " octets, au plus 10485760");
  EXPECT_EQ(m.from_address, "ops@engie.example");
  EXPECT_EQ(m.message_id, "<h@engie.example>");
}

// A CSV over 1 MiB once decoded is refused with its name.
TEST(HostileTest, CsvTooLarge) {
  std::string raw = std::string(kHead) + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                    "Content-Disposition: attachment; filename=big.csv\r\n\r\n" +
                    std::string(1024 * 1024 + 1, 'x') + "\r\n--b--\r\n";
  ParsedMessage m = ParseTimed(raw);
  EXPECT_EQ(LimitCode(m), Code::ATTACHMENT_TOO_LARGE);
  EXPECT_EQ(m.limit->detail, "pièce jointe « big.csv » : 1048577 octets, au plus 1048576");
}

// 100 000 unnamed parts break the part limit long before memory suffers.
TEST(HostileTest, HundredThousandParts) {
  std::string raw = std::string(kHead) + "Content-Type: multipart/mixed; boundary=b\r\n\r\n";
  for (int i = 0; i < 100000; ++i) raw += "--b\r\n\r\nx\r\n";
  ParsedMessage m = ParseTimed(raw);
  EXPECT_EQ(LimitCode(m), Code::TOO_MANY_ATTACHMENTS);
  EXPECT_EQ(m.limit->detail, "plus de 100 parties MIME");
}

// Millions of empty lines and boundary lookalikes cost one pass.
TEST(HostileTest, BoundaryLookalikes) {
  std::string raw = std::string(kHead) + "Content-Type: multipart/mixed; boundary=bbbb\r\n\r\n--bbbb\r\n\r\n";
  for (int i = 0; i < 1000000; ++i) raw += "--bbb\r\n\r\n";
  raw += "--bbbb--\r\n";
  ParsedMessage m = ParseTimed(raw);
  EXPECT_FALSE(m.limit.has_value());
}

// A 5 MiB subject full of encoded-word openers decodes in linear time.
TEST(HostileTest, PathologicalSubject) {
  std::string subject;
  while (subject.size() < 5 * 1024 * 1024) subject += "=?utf-8?Q?=?x?B?";
  std::string raw = "From: ops@engie.example\r\nSubject: " + subject + "\r\n\r\nbody";
  ParsedMessage m = ParseTimed(raw);
  EXPECT_FALSE(m.limit.has_value());
  EXPECT_FALSE(m.subject.empty());
}

// Garbage From fields leave the sender unknown rather than guessed.
TEST(HostileTest, UnreadableSenders) {
  const std::string froms[] = {
      "", "<>", "a@b, c@d", "undisclosed-recipients:;", std::string(5000, '<'),
      "\"unterminated <x@y>", "((((((((((((((((((((x@y", "x@y\r\nFrom: z@w",
      "x:", ":", "ops@engie.exa=mple:",  // mimetic throws on these
      std::string(4000, '<'), std::string(4000, '('), std::string(4000, '"'), std::string(2000, ':'),
  };
  for (const std::string& from : froms) {
    ParsedMessage m = ParseTimed("From: " + from + "\r\nSubject: s\r\n\r\nbody");
    EXPECT_TRUE(m.from_address.empty() || m.from_address.find_first_of(" \r\n<>") == std::string::npos)
        << from;
  }
  ParsedMessage two = ParseTimed("From: a@b.example\r\nFrom: c@d.example\r\n\r\nbody");
  EXPECT_TRUE(two.from_address.empty());
}

// Bytes that are not a message at all are refused as invalid input.
TEST(HostileTest, NotAMessage) {
  ParsedMessage m;
  EXPECT_EQ(ParseMessage("", MailLimits(), &m).kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(ParseMessage("just some text\r\n", MailLimits(), &m).kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(ParseMessage(std::string("\0\0\0", 3), MailLimits(), &m).kind(), Status::Kind::kInvalidInput);
}

}  // namespace
}  // namespace flexmail
