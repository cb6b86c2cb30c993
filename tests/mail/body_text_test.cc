// The message's own text (ParsedMessage::body_text) and the HTML reader
// behind it.
#include <gtest/gtest.h>

#include <string>

#include "mail/html_text.h"
#include "mail/message.h"

namespace flexmail {
namespace {

struct BodyCase {
  const char* name;
  std::string raw;
  std::string text;
};

std::string Message(const std::string& rest) {
  return "From: ops@engie.example\r\nSubject: [Quimper] Prévisions\r\nMessage-ID: <t@x>\r\n"
         "MIME-Version: 1.0\r\n" + rest;
}

const std::string kCsvPart =
    "--b\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"a.csv\"\r\n\r\n"
    "x;y\r\n";

TEST(BodyText, TheFirstTextPartDecoded) {
  const BodyCase cases[] = {
      {"a single-part message, quoted-printable ISO-8859-1",
       Message("Content-Type: text/plain; charset=ISO-8859-1\r\n"
               "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
               "Arr=EAt pour maintenance jusqu'au 12/03, retour pr=E9vu =E0 14h.\r\n"),
       "Arrêt pour maintenance jusqu'au 12/03, retour prévu à 14h.\r\n"},
      {"multipart/mixed: the text beside the CSV, base64 UTF-8",
       Message("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
               "--b\r\nContent-Type: text/plain; charset=utf-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\nUmV0b3VyIHByw6l2dSBsZSAxMi8wMw==\r\n" +
               kCsvPart + "--b--\r\n"),
       "Retour prévu le 12/03"},
      {"multipart/alternative: text/plain wins over the HTML before it",
       Message("Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n"
               "--b\r\nContent-Type: text/html\r\n\r\n<p>version <b>HTML</b></p>\r\n"
               "--b\r\nContent-Type: text/plain\r\n\r\nversion texte\r\n--b--\r\n"),
       "version texte"},
      {"HTML alone: its text",
       Message("Content-Type: text/html; charset=utf-8\r\n\r\n"
               "<html><head><title>t</title><style>p{}</style></head><body>"
               "<p>Maintenance &amp; arr&ecirc;t</p><p>Retour&nbsp;le 12/03</p></body></html>"),
       "Maintenance & arr&ecirc;t\nRetour\xC2\xA0le 12/03"},
      {"a named text/plain attachment is not the message's text",
       Message("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
               "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; "
               "filename=\"notes.txt\"\r\n\r\nfichier joint\r\n" + kCsvPart + "--b--\r\n"),
       ""},
      {"an unknown charset: kept, read as Latin-1",
       Message("Content-Type: text/plain; charset=x-unknown\r\n\r\nd\xE9j\xE0"),
       "d\xC3\xA9j\xC3\xA0"},
  };
  for (const auto& c : cases) {
    ParsedMessage m;
    ASSERT_TRUE(ParseMessage(c.raw, MailLimits{}, &m).ok()) << c.name;
    EXPECT_EQ(m.body_text, c.text) << c.name;
    EXPECT_FALSE(m.body_text_truncated) << c.name;
  }
}

TEST(BodyText, ALongTextIsCutAtACharacterBoundary) {
  // "é" is two bytes: 40 000 of them cross the 64 KiB bound mid-way.
  std::string long_text;
  for (int i = 0; i < 40000; ++i) long_text += "\xC3\xA9";
  ParsedMessage m;
  ASSERT_TRUE(ParseMessage(Message("Content-Type: text/plain; charset=utf-8\r\n\r\n" + long_text),
                           MailLimits{}, &m).ok());
  EXPECT_TRUE(m.body_text_truncated);
  EXPECT_EQ(m.body_text.size(), kMaxBodyTextBytes);  // even: no half character
  EXPECT_EQ(m.body_text, long_text.substr(0, kMaxBodyTextBytes));
}

// A .csv attachment whose name is over the parameter cap is still a
// declaration file, named by its cut prefix: the shipper is told the name
// is bad (BAD_FILE_NAME), not that there was no file.
TEST(LongFileName, AnOverlongCsvNameIsKeptCut) {
  const std::string long_name = "Export_DECLARATIONS_CCG-UPLOAD-20261203_" + std::string(1500, 'x');
  const std::string params[] = {
      "filename=\"" + long_name + ".csv\"",
      "filename*0=\"" + long_name.substr(0, 800) + "\"; filename*1=\"" + long_name.substr(800) +
          ".csv\""};
  for (const auto& p : params) {
    ParsedMessage m;
    ASSERT_TRUE(ParseMessage(Message("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                                     "--b\r\nContent-Type: text/csv\r\nContent-Disposition: "
                                     "attachment; " + p + "\r\n\r\nx;y\r\n--b--\r\n"),
                             MailLimits{}, &m).ok());
    ASSERT_EQ(m.csv_attachments.size(), 1u) << p.substr(0, 20);
    const std::string& name = m.csv_attachments[0].filename;
    EXPECT_EQ(name.rfind("Export_DECLARATIONS_CCG-UPLOAD-20261203_xxx", 0), 0u) << name;
    EXPECT_EQ(name.substr(name.size() - 3), "\xE2\x80\xA6");  // "…"
    EXPECT_LE(name.size(), 103u);
    EXPECT_EQ(m.other_attachments, 0u);
  }
}

TEST(HtmlToText, Table) {
  const struct {
    const char* html;
    const char* text;
  } cases[] = {
      {"a<br>b", "a\nb"},
      {"<div>a</div><div>b</div>", "a\nb"},
      {"<p>a</p>\n\n\n<p>b</p>", "a\n\nb"},
      {"<script>alert(1)</script>ok", "ok"},
      {"<STYLE>p{}</STYLE>ok", "ok"},
      {"1 &lt; 2 &amp;&amp; 3 &gt; 2", "1 < 2 && 3 > 2"},
      {"&#233;&#xE9;&#39;&quot;", "\xC3\xA9\xC3\xA9'\""},
      {"&#0;&#xD800;&#x110000;&unknown;", "&#0;&#xD800;&#x110000;&unknown;"},
      {"a & b", "a & b"},
      {"a < b", "a "},  // an unclosed tag ends the text
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(HtmlToText(c.html), c.text) << c.html;
}

}  // namespace
}  // namespace flexmail
