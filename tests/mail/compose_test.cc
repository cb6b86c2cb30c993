#include "mail/compose.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mail/message.h"
#include "mail/mime_tree.h"
#include "mail/rfc2231.h"
#include "mail/transfer_encoding.h"

namespace flexmail {
namespace {

using namespace std::chrono;

const std::string kJson = "{\n  \"hmsProfile\": [{\"id\": \"20261203-LI0001-GFQUIMP01-1\", \"statut\": \"accepté\"}]\n}\n";
const std::string kCsv = "DECLARATIONS_CCG;02/12/2026;150000;UPLOAD;PROD;03/12/2026;03/12/2026\r\n";

OutgoingMessage Reply() {
  OutgoingMessage m;
  m.from = {"declarations@flexmail.example", "flexmail"};
  m.to = {{"ops@engie.example", "Équipe Ops"}};
  m.cc = {{"supervision@flexmail.example", ""}, {"chef.quart@flexmail.example", "Chef de quart, CCG"}};
  m.subject = "Résultat de votre déclaration — 2 acceptés, 1 refusé";
  m.in_reply_to = "<decl-1@engie.example>";
  m.references = "<decl-0@engie.example> <decl-1@engie.example>";
  m.date = sys_days{2026y / December / 2} + 14h;
  m.date_offset_minutes = 60;
  m.message_id = "<reply-1@flexmail.example>";
  m.extra_headers = {{"Auto-Submitted", "auto-replied"}};
  m.text = "Bonjour,\n\nProgramme 20261203-LI0001-GFQUIMP01-1 : ACCEPTÉ.\n";
  m.attachments = {{"resultats.json", "application/json", kJson},
                   {"Prévisions été — copie.csv", "text/csv", kCsv}};
  return m;
}

std::vector<std::string> LinesOf(const std::string& raw) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t p; (p = raw.find("\r\n", start)) != std::string::npos; start = p + 2) {
    lines.push_back(raw.substr(start, p - start));
  }
  EXPECT_EQ(start, raw.size()) << "output does not end with CRLF";
  return lines;
}

// Dates are written in the given offset, with English day and month names.
TEST(ComposeTest, FormatsDates) {
  EXPECT_EQ(FormatRfc5322Date(sys_days{2026y / December / 2} + 14h, 60), "Wed, 02 Dec 2026 15:00:00 +0100");
  EXPECT_EQ(FormatRfc5322Date(sys_days{2026y / March / 29} + 1h + 30min + 5s, 120),
            "Sun, 29 Mar 2026 03:30:05 +0200");
  EXPECT_EQ(FormatRfc5322Date(sys_days{2027y / January / 1} + 2h, -300), "Thu, 31 Dec 2026 21:00:00 -0500");
  EXPECT_EQ(FormatRfc5322Date(sys_seconds{}, 0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(FormatRfc5322Date(sys_days{2026y / June / 1}, 330), "Mon, 01 Jun 2026 05:30:00 +0530");
}

// The same reply gives the same bytes; different content, another boundary.
TEST(ComposeTest, IsDeterministic) {
  OutgoingMessage m = Reply();
  std::string a = ComposeMessage(m);
  EXPECT_EQ(ComposeMessage(m), a);
  m.attachments[0].bytes += " ";
  std::string b = ComposeMessage(m);
  auto boundary = [](const std::string& raw) {
    size_t p = raw.find("boundary=\"");
    return raw.substr(p, raw.find('"', p + 10) - p);
  };
  EXPECT_NE(boundary(a), boundary(b));
}

// Only CRLF line ends; header lines within 78 characters, body lines within 76.
TEST(ComposeTest, KeepsLineLimits) {
  OutgoingMessage m = Reply();
  m.attachments.push_back({std::string(120, 'x') + ".csv", "text/csv", std::string(5000, 'y')});
  m.attachments.push_back({"Prévisions été pour le site de Saint-Étienne, période hivernale complète.csv",
                           "text/csv", kCsv});
  m.text += std::string(300, 'z') + "\n";
  std::string raw = ComposeMessage(m);
  EXPECT_EQ(raw.find_first_of('\r') == std::string::npos, false);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n') {
      EXPECT_TRUE(i > 0 && raw[i - 1] == '\r') << "bare LF at " << i;
    }
    if (raw[i] == '\r') {
      EXPECT_TRUE(i + 1 < raw.size() && raw[i + 1] == '\n') << "bare CR at " << i;
    }
    EXPECT_LT(static_cast<unsigned char>(raw[i]), 0x80u) << "8-bit byte at " << i;
  }
  for (const std::string& line : LinesOf(raw)) EXPECT_LE(line.size(), 78u) << line;
  EXPECT_NE(raw.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(raw.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(raw.find("Auto-Submitted: auto-replied\r\n"), std::string::npos);
  EXPECT_NE(raw.find("Date: Wed, 02 Dec 2026 15:00:00 +0100\r\n"), std::string::npos);
  EXPECT_NE(raw.find("Content-Disposition: attachment; filename=\"resultats.json\"\r\n"), std::string::npos);
  EXPECT_NE(raw.find("filename*=utf-8''Pr%C3%A9visions%20%C3%A9t%C3%A9%20%E2%80%94%20copie.csv"),
            std::string::npos);
}

// No value can add a header field of its own.
TEST(ComposeTest, NeutralizesInjection) {
  OutgoingMessage m = Reply();
  m.subject = "ok\r\nBcc: victim@example.org";
  m.to = {{"ops@engie.example\r\nBcc: victim@example.org", "x\r\nBcc: y"}};
  m.in_reply_to = "<a@b>\r\nBcc: victim@example.org";
  m.extra_headers = {{"X-Bad\r\nBcc", "v"}, {"X-Ok", "line\r\nBcc: victim@example.org"}};
  m.attachments = {{"a\r\nBcc: x.json", "application/json\r\nBcc: x", "{}"}};
  for (const std::string& line : LinesOf(ComposeMessage(m))) {
    EXPECT_NE(line.rfind("Bcc", 0), 0u) << line;
  }
}

// Reads back every leaf's file name and decoded bytes with the parsing blocks.
std::vector<std::pair<std::string, std::string>> AllAttachments(const std::string& raw) {
  std::vector<std::pair<std::string, std::string>> out;
  Entity root;
  size_t lines = 0;
  EXPECT_TRUE(ReadEntity(raw, false, 1000, &lines, &root));
  WalkMime(root, lines, MailLimits(), [&](const Entity& e) {
    std::string v;
    std::vector<MimeParam> disposition;
    if (const HeaderField* d = e.header.Find("Content-Disposition")) ParseMimeParams(d->value, &v, &disposition);
    ParamText name = FindFileName(disposition, e.type_params);
    if (name.found) out.emplace_back(name.text, DecodeBase64(e.body));
    return std::optional<LimitHit>();
  });
  return out;
}

// What we compose, we read back: headers, accented subject, file names and bytes.
TEST(ComposeTest, RoundTrip) {
  OutgoingMessage m = Reply();
  std::string raw = ComposeMessage(m);
  ParsedMessage p;
  ASSERT_TRUE(ParseMessage(raw, MailLimits(), &p).ok());
  EXPECT_FALSE(p.limit.has_value());
  EXPECT_EQ(p.from_address, "declarations@flexmail.example");
  EXPECT_EQ(p.from_name, "flexmail");
  EXPECT_EQ(p.subject, "Résultat de votre déclaration — 2 acceptés, 1 refusé");
  EXPECT_EQ(p.message_id, "<reply-1@flexmail.example>");
  EXPECT_EQ(p.in_reply_to, "<decl-1@engie.example>");
  EXPECT_EQ(p.references, "<decl-0@engie.example> <decl-1@engie.example>");
  EXPECT_EQ(p.auto_submitted, "auto-replied");
  EXPECT_EQ(p.date, "Wed, 02 Dec 2026 15:00:00 +0100");
  EXPECT_EQ(p.other_attachments, 1u);  // resultats.json
  ASSERT_EQ(p.csv_attachments.size(), 1u);
  EXPECT_EQ(p.csv_attachments[0].filename, "Prévisions été — copie.csv");
  EXPECT_EQ(p.csv_attachments[0].content, kCsv);
  auto all = AllAttachments(raw);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].first, "resultats.json");
  EXPECT_EQ(all[0].second, kJson);
}

// Plain subjects fold at blanks, long ones included, and keep their spacing.
TEST(ComposeTest, FoldsPlainSubject) {
  OutgoingMessage m = Reply();
  m.subject = "RE:  [Quimper]  Previsions SFM : 03/12/2026 - 05/12/2026 " + std::string(30, 'x') +
              " and a long tail of words to fold over several lines of the header";
  std::string raw = ComposeMessage(m);
  size_t subject = raw.find("\r\nSubject: ");
  std::string field = raw.substr(subject, raw.find("\r\nMessage-ID:") - subject);
  EXPECT_EQ(field.find("=?"), std::string::npos) << field;  // ASCII stays readable
  EXPECT_NE(field.find("\r\n "), std::string::npos) << field;  // and is folded
  ParsedMessage p;
  ASSERT_TRUE(ParseMessage(raw, MailLimits(), &p).ok());
  EXPECT_EQ(p.subject, m.subject);
}

// Long names, ASCII or not, come back whole through RFC 2231 continuations;
// display names with specials or accents come back too.
TEST(ComposeTest, RoundTripLongNamesAndAddresses) {
  OutgoingMessage m = Reply();
  const std::string ascii = "Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202150000-" + std::string(60, 'v') + ".csv";
  const std::string accented = "Prévisions été pour le site de Saint-Étienne, période hivernale complète — v2.csv";
  m.attachments = {{ascii, "text/csv", kCsv}, {accented, "text/csv", kCsv + kCsv}};
  m.from = {"declarations@flexmail.example", "Déclarations \"flexmail\", CCG"};
  ParsedMessage p;
  ASSERT_TRUE(ParseMessage(ComposeMessage(m), MailLimits(), &p).ok());
  EXPECT_EQ(p.from_name, "Déclarations \"flexmail\", CCG");
  ASSERT_EQ(p.csv_attachments.size(), 2u);
  EXPECT_EQ(p.csv_attachments[0].filename, ascii);
  EXPECT_EQ(p.csv_attachments[1].filename, accented);
  EXPECT_EQ(p.csv_attachments[1].content, kCsv + kCsv);
  m.from = {"declarations@flexmail.example", "Chef de quart, CCG"};
  ASSERT_TRUE(ParseMessage(ComposeMessage(m), MailLimits(), &p).ok());
  EXPECT_EQ(p.from_name, "Chef de quart, CCG");
}

// A reply without attachments or text is still a well-formed multipart.
TEST(ComposeTest, EmptyReply) {
  OutgoingMessage m;
  m.from = {"declarations@flexmail.example", ""};
  m.to = {{"ops@engie.example", ""}};
  m.subject = "Accusé";
  ParsedMessage p;
  ASSERT_TRUE(ParseMessage(ComposeMessage(m), MailLimits(), &p).ok());
  EXPECT_FALSE(p.limit.has_value());
  EXPECT_EQ(p.subject, "Accusé");
  EXPECT_TRUE(p.csv_attachments.empty());
}

}  // namespace
}  // namespace flexmail
