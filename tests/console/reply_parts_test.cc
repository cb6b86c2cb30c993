// Reading a reply back: its text and its resultats.json, from bytes laid
// out by mail/compose (as daemon/reply.cc sends them) or by hand.
#include "console/reply_parts.h"

#include <gtest/gtest.h>

#include "tests/console/reply_message.h"

namespace flexmail {
namespace {

using testing::ReplyMessage;

TEST(ReplyParts, ComposedReplyGivesItsTextAndJsonBack) {
  // Given a composed reply with long accented French lines (quoted-printable, soft breaks) and two attachments, the text comes back with CRLF line ends (less the last, the delimiter's) and resultats.json byte for byte, the other attachment ignored.
  const std::string line = "Programme refusé : l'indicateur Q → Q- est rouge à 14h00 « é » ";
  const std::string text = line + line + line + "\nDeuxième ligne.\n";
  const std::string json =
      "{\"outcome\":\"INTEGRATED\",\"hmsProfiles\":[" + std::string(300, ' ') + "]}";
  const OutgoingMessage m = ReplyMessage(text, {{"notes.txt", "text/plain", "pas le texte"},
                                                {"resultats.json", "application/json", json}});
  ReplyParts parts;
  Status s = ReadReplyParts(ComposeMessage(m), &parts);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // The last line break is the delimiter's (RFC 2046 §5.1.1): it is not the text's.
  EXPECT_EQ(parts.text, line + line + line + "\r\nDeuxième ligne.");
  ASSERT_TRUE(parts.has_json);
  EXPECT_EQ(parts.json, json);
}

TEST(ReplyParts, ReplyWithoutJsonSaysSo) {
  // Given a reply with text only, has_json stays false and the text is read.
  ReplyParts parts;
  ASSERT_TRUE(ReadReplyParts(ComposeMessage(ReplyMessage("Bonjour")), &parts).ok());
  EXPECT_FALSE(parts.has_json);
  EXPECT_EQ(parts.text, "Bonjour");
}

TEST(ReplyParts, SignedReplyIsReadThrough) {
  // Given a reply wrapped in multipart/signed, with a Latin-1 text part, the inner parts are found and the text converted to UTF-8.
  const std::string raw =
      "From: flexmail@flexmail.example\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; "
      "boundary=\"s\"\r\n\r\n"
      "--s\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
      "--m\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nr\xe9ponse\r\n"
      "--m\r\nContent-Type: application/json\r\nContent-Transfer-Encoding: base64\r\n"
      "Content-Disposition: attachment; filename=\"resultats.json\"\r\n\r\ne30=\r\n--m--\r\n"
      "--s\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n\r\nxx\r\n--s--\r\n";
  ReplyParts parts;
  ASSERT_TRUE(ReadReplyParts(raw, &parts).ok());
  EXPECT_EQ(parts.text, "réponse");
  ASSERT_TRUE(parts.has_json);
  EXPECT_EQ(parts.json, "{}");
}

TEST(ReplyParts, UnreadableBytesAreInvalidInput) {
  // Given bytes without a header, or nested beyond the MIME depth limit, the reading fails with a French reason.
  ReplyParts parts;
  Status s = ReadReplyParts("", &parts);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), "réponse illisible : en-tête absent ou trop long");
  std::string deep = "From: a@b.example\r\n";
  for (int i = 0; i < 12; ++i)
    deep += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\r\n\r\n--b" +
            std::to_string(i) + "\r\n";
  deep += "\r\nfin\r\n";
  s = ReadReplyParts(deep, &parts);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput) << s.ToString();
  EXPECT_EQ(s.message().rfind("réponse illisible : ", 0), 0u) << s.message();
}

}  // namespace
}  // namespace flexmail
