// Messages written by real mail programs (mutt, Python's email package):
// see fixtures/README.md for how each was made.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mail/charset.h"
#include "mail/message.h"
#include "mail_test_util.h"

namespace flexmail {
namespace {

using testing::ParseFixture;
using testing::ReadFixture;
using testing::ToCrlf;

const std::string kNameJ = "Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202150000.csv";
const std::string kNameJ1 = "Export_DECLARATIONS_CCG-UPLOAD-20261204_20261203150000.csv";

std::vector<std::string> Names(const ParsedMessage& m) {
  std::vector<std::string> names;
  for (const CsvAttachment& a : m.csv_attachments) names.push_back(a.filename);
  return names;
}

// A plain declaration passes: nothing over a limit, not a bounce.
void ExpectClean(const ParsedMessage& m) {
  EXPECT_FALSE(m.limit.has_value()) << m.limit->detail;
  EXPECT_FALSE(m.is_bounce);
}

// mutt, UTF-8: an ASCII and an RFC 2231 file name, 8bit CSV bytes as in the file.
TEST(FixturesTest, MuttUtf8Rfc2231) {
  ParsedMessage m = ParseFixture("mutt-utf8-2231.eml");
  ExpectClean(m);
  EXPECT_EQ(m.from_address, "ops@engie.example");
  EXPECT_EQ(m.from_name, "Équipe Ops");
  EXPECT_EQ(m.subject, "Prévisions été");
  EXPECT_EQ(m.message_id.substr(m.message_id.size() - 15), "@engie.example>");
  EXPECT_EQ(Names(m), (std::vector<std::string>{kNameJ, "Prévisions été.csv"}));
  ASSERT_EQ(m.csv_attachments.size(), 2u);
  EXPECT_EQ(m.csv_attachments[0].content, ReadFixture("csv/j-lf.csv"));
  EXPECT_EQ(m.csv_attachments[1].content, ReadFixture("csv/j-lf.csv"));
  EXPECT_EQ(m.csv_attachments[0].content_type, "text/csv");
  EXPECT_EQ(m.other_attachments, 0u);
}

// mutt, Latin-1: RFC 2231 continuations in iso-8859-1, a CSV mutt converted
// to Latin-1 and sent quoted-printable, a UTF-8 B subject with an em dash.
TEST(FixturesTest, MuttLatin1Continuations) {
  ParsedMessage m = ParseFixture("mutt-latin1-continuations.eml");
  ExpectClean(m);
  EXPECT_EQ(m.from_name, "Équipe Ops");
  EXPECT_EQ(m.subject, "Prévisions été — J+1");
  EXPECT_EQ(Names(m), (std::vector<std::string>{
                          "Prévisions été pour le site de Fos-sur-Mer, période hivernale complète.csv",
                          kNameJ1}));
  ASSERT_EQ(m.csv_attachments.size(), 2u);
  EXPECT_EQ(m.csv_attachments[0].content, ReadFixture("csv/j-lf.csv"));
  const std::string& latin1 = m.csv_attachments[1].content;
  EXPECT_NE(latin1.find("Saint-\xC9tienne"), std::string::npos);
  std::string utf8;
  ASSERT_TRUE(ConvertToUtf8(latin1, "iso-8859-1", &utf8));
  EXPECT_EQ(utf8, ReadFixture("csv/j1-accents-lf.csv"));
}

// mutt, UTF-8 quoted-printable: soft breaks removed, bytes as in the file.
TEST(FixturesTest, MuttUtf8QuotedPrintable) {
  ParsedMessage m = ParseFixture("mutt-utf8-qp.eml");
  ExpectClean(m);
  EXPECT_EQ(m.subject, "Déclaration J+1");
  EXPECT_EQ(Names(m), (std::vector<std::string>{kNameJ1}));
  ASSERT_EQ(m.csv_attachments.size(), 1u);
  EXPECT_EQ(m.csv_attachments[0].content, ReadFixture("csv/j1-accents-lf.csv"));
}

// Python, base64 with CRLF inside the files; the sender's domain is lower-cased,
// and a CSV sent as application/octet-stream still counts.
TEST(FixturesTest, PythonBase64) {
  ParsedMessage m = ParseFixture("py-base64-crlf.eml");
  ExpectClean(m);
  EXPECT_EQ(m.from_address, "Jean.Dupont@engie.example");
  EXPECT_EQ(m.from_name, "Jean Dupont");
  EXPECT_EQ(m.subject, "Déclaration du 03/12/2026");
  EXPECT_EQ(m.message_id, "<py-base64@engie.example>");
  EXPECT_EQ(m.date, "Wed, 02 Dec 2026 15:00:00 +0100");
  EXPECT_EQ(Names(m), (std::vector<std::string>{kNameJ, "Prévisions été.csv"}));
  ASSERT_EQ(m.csv_attachments.size(), 2u);
  EXPECT_EQ(m.csv_attachments[0].content, ReadFixture("csv/j-crlf.csv"));
  EXPECT_EQ(m.csv_attachments[1].content, ReadFixture("csv/j1-accents-crlf.csv"));
  EXPECT_EQ(m.csv_attachments[1].content_type, "application/octet-stream");
}

// Python, quoted-printable with encoded CRLF: bytes identical.
TEST(FixturesTest, PythonQuotedPrintable) {
  ParsedMessage m = ParseFixture("py-quoted-printable.eml");
  ExpectClean(m);
  ASSERT_EQ(m.csv_attachments.size(), 1u);
  EXPECT_EQ(m.csv_attachments[0].filename, kNameJ1);
  EXPECT_EQ(m.csv_attachments[0].content, ReadFixture("csv/j1-accents-crlf.csv"));
}

// text+html alternative with a related signature image: one CSV, one other.
TEST(FixturesTest, PythonAlternativeWithSignature) {
  ParsedMessage m = ParseFixture("py-alternative-signature.eml");
  ExpectClean(m);
  EXPECT_EQ(m.subject, "[Quimper] Prévisions SFM : 03/12/2026 – 03/12/2026");
  EXPECT_EQ(Names(m), (std::vector<std::string>{kNameJ}));
  EXPECT_EQ(m.csv_attachments[0].content, ReadFixture("csv/j-crlf.csv"));
  EXPECT_EQ(m.other_attachments, 1u);  // signature.png
}

// A forwarded message's own CSV is never picked up; the attached message counts once.
TEST(FixturesTest, PythonForwardedMessage) {
  ParsedMessage m = ParseFixture("py-forwarded-rfc822.eml");
  ExpectClean(m);
  EXPECT_EQ(m.subject, "TR: Ancienne déclaration");
  EXPECT_EQ(Names(m), (std::vector<std::string>{kNameJ}));
  EXPECT_EQ(m.csv_attachments[0].content, ReadFixture("csv/j-crlf.csv"));
  EXPECT_EQ(m.other_attachments, 1u);
}

// Outlook-style quoted RFC 2047 names, one split into two folded words.
TEST(FixturesTest, PythonOutlookStyleNames) {
  ParsedMessage m = ParseFixture("py-outlook-2047-filename.eml");
  ExpectClean(m);
  EXPECT_EQ(m.from_name, "Équipe Ops");
  EXPECT_EQ(m.subject, "Prévisions été");
  EXPECT_EQ(Names(m), (std::vector<std::string>{
                          "Prévisions été.csv",
                          "Prévisions été pour le site de Saint-Étienne, période hivernale.csv"}));
  ASSERT_EQ(m.csv_attachments.size(), 2u);
  EXPECT_EQ(m.csv_attachments[0].content, ReadFixture("csv/j-crlf.csv"));
  EXPECT_EQ(m.csv_attachments[1].content, ReadFixture("csv/j1-accents-crlf.csv"));
}

// A delivery report is a bounce; the CSV of the returned message is not ours.
TEST(FixturesTest, PythonBounce) {
  ParsedMessage m = ParseFixture("py-bounce-report.eml");
  EXPECT_FALSE(m.limit.has_value());
  EXPECT_TRUE(m.is_bounce);
  EXPECT_EQ(m.from_address, "MAILER-DAEMON@mx.engie.example");
  EXPECT_EQ(m.return_path, "<>");
  EXPECT_EQ(m.auto_submitted, "auto-replied");
  EXPECT_TRUE(m.csv_attachments.empty());
  EXPECT_EQ(m.other_attachments, 1u);
}

// An auto-reply carries the fields the loop guards read; a single part is fine.
TEST(FixturesTest, PythonAutoReply) {
  ParsedMessage m = ParseFixture("py-auto-reply.eml");
  ExpectClean(m);
  EXPECT_EQ(m.subject, "Réponse automatique : absent");
  EXPECT_EQ(m.auto_submitted, "auto-replied");
  EXPECT_EQ(m.precedence, "bulk");
  EXPECT_EQ(m.in_reply_to, "<reply-1@flexmail.example>");
  EXPECT_EQ(m.references, "<decl-1@engie.example> <reply-1@flexmail.example>");
  EXPECT_TRUE(m.csv_attachments.empty());
  EXPECT_EQ(m.other_attachments, 0u);
}

// mutt saved LF line ends; served over IMAP with CRLF, the same names and
// senders come out, and 8bit CSV lines end in CRLF as transmitted.
TEST(FixturesTest, MuttFixturesWithCrlf) {
  for (const char* name : {"mutt-utf8-2231.eml", "mutt-latin1-continuations.eml", "mutt-utf8-qp.eml"}) {
    ParsedMessage lf = ParseFixture(name);
    ParsedMessage crlf;
    ASSERT_TRUE(ParseMessage(ToCrlf(ReadFixture(name)), MailLimits(), &crlf).ok());
    EXPECT_EQ(Names(crlf), Names(lf)) << name;
    EXPECT_EQ(crlf.subject, lf.subject) << name;
    EXPECT_EQ(crlf.from_address, lf.from_address) << name;
    ASSERT_EQ(crlf.csv_attachments.size(), lf.csv_attachments.size()) << name;
    for (size_t i = 0; i < lf.csv_attachments.size(); ++i) {
      EXPECT_EQ(crlf.csv_attachments[i].content, ToCrlf(lf.csv_attachments[i].content)) << name;
    }
  }
}

}  // namespace
}  // namespace flexmail
