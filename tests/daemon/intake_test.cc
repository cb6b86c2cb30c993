// Emails made by real mail programs, ingested through the intake into a real
// ledger: outcomes, stored messages, queued replies, and what is never
// answered.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "daemon/intake.h"
#include "daemon/reply.h"
#include "mail/charset.h"
#include "tests/daemon/intake_bench.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using testing::Fixture;
using testing::At;
using testing::DeclarationEmail;
using testing::FixedClock;
using testing::Testbed;

constexpr const char* kMailSection = R"(
[mail]
address = "declarations@flexmail.example"
)";

struct Bench : testing::IntakeBench {
  explicit Bench(const std::string& extra = kMailSection) : IntakeBench(extra) {}
};

// A declaration from Python's email package (multipart/alternative body,
// signature image, one CSV) is integrated and answered once, in copy to the
// shipper's desk.
TEST(Intake, IntegratedMessageQueuesOneReply) {
  Bench b;
  IntakeResult r = b.Ingest(Fixture("py-alternative-signature.eml"));
  EXPECT_EQ(r.outcome, Outcome::kIntegrated);
  EXPECT_EQ(r.folder, Folder::kProcessed);
  EXPECT_EQ(r.message.from_address, "ops@engie.example");
  ASSERT_TRUE(r.has_verdict);
  ASSERT_EQ(r.verdict.result.programmes.size(), 1u);
  EXPECT_TRUE(r.verdict.result.programmes[0].accepted);
  EXPECT_TRUE(r.verdict.result.warnings.size() <= 1u);  // at most the unknown indicators
  for (const auto& w : r.verdict.result.warnings) EXPECT_EQ(w.code, Code::UNKNOWN_INDICATOR);
  auto outbox = b.Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].recipients, (std::vector<std::string>{"ops@engie.example",
                                                            "desk@engie.example"}));
  EXPECT_EQ(outbox[0].state, ReplyState::kPending);
  EXPECT_EQ(outbox[0].message_id, "<declaration-" + std::to_string(r.verdict.declaration_id) +
                                      "." + b.ledger->instance_id() + "@flexmail.example>");
  EXPECT_EQ(r.record.message_id, "<py-alt@engie.example>");
  EXPECT_EQ(r.record.folder, "Processed");
}

// The same message seen twice is a duplicate: stored, ignored, not answered
// twice, and filed where the first copy went.
TEST(Intake, DuplicateIsIgnoredWithoutSecondReply) {
  Bench b;
  std::string raw = Fixture("py-alternative-signature.eml");
  IntakeResult first = b.Ingest(raw);
  IntakeResult again = b.Ingest(raw, "2026-12-02T15:30:00");
  EXPECT_EQ(again.outcome, Outcome::kIgnored);
  EXPECT_EQ(again.reason, "doublon du message n°" + std::to_string(first.record.id));
  EXPECT_EQ(again.folder, Folder::kProcessed);
  EXPECT_EQ(again.record.duplicate_of, first.record.id);
  EXPECT_EQ(b.Outbox().size(), 1u);
}

// What a relay does on the way: one more trace header on top.
std::string Relayed(const std::string& raw, const char* relay = "relay.engie.example") {
  return std::string("Received: from ") + relay + " by mx.flexmail.example;\r\n" +
         " Wed, 02 Dec 2026 15:00:02 +0100\r\n" + raw;
}

// The number of stored messages that made a declaration.
size_t Declared(Bench& b) {
  std::vector<MessageRecord> stored;
  EXPECT_TRUE(b.ledger->Messages(0, &stored).ok());
  return static_cast<size_t>(std::count_if(stored.begin(), stored.end(),
                                           [](const auto& m) { return m.declaration_id != 0; }));
}

// A copy redelivered with one more Received: header has other bytes but is
// the same declaration: a duplicate of the first, filed where it went, with
// no second declaration and no second reply. So is a third copy.
TEST(Intake, RedeliveredCopyIsADuplicate) {
  Bench b;
  std::string raw = Fixture("py-alternative-signature.eml");
  IntakeResult first = b.Ingest(raw);
  ASSERT_EQ(first.outcome, Outcome::kIntegrated);
  EXPECT_EQ(first.record.declaration_key.size(), 64u);
  for (const char* relay : {"relay.engie.example", "backup.engie.example"}) {
    IntakeResult again = b.Ingest(Relayed(raw, relay), "2026-12-02T15:30:00");
    EXPECT_NE(again.record.sha256, first.record.sha256);
    EXPECT_EQ(again.outcome, Outcome::kIgnored);
    EXPECT_EQ(again.reason, "doublon du message n°" + std::to_string(first.record.id) +
                                " (même Message-ID, même expéditeur, mêmes fichiers)");
    EXPECT_EQ(again.folder, Folder::kProcessed);
    EXPECT_EQ(again.record.folder, "Processed");
    EXPECT_EQ(again.record.duplicate_of, first.record.id);
    EXPECT_EQ(again.record.declaration_key, first.record.declaration_key);
    EXPECT_FALSE(again.has_verdict);
    EXPECT_EQ(again.reply_id, 0);
  }
  EXPECT_EQ(Declared(b), 1u);
  EXPECT_EQ(b.Outbox().size(), 1u);
}

// Same Message-ID and sender, but a CSV with other bytes (the last hour
// 200 instead of 100): another declaration, judged and answered on its own.
TEST(Intake, SameMessageIdWithOtherFileBytesIsJudged) {
  Bench b;
  std::string raw = Fixture("py-alternative-signature.eml");
  IntakeResult first = b.Ingest(raw);
  std::string changed = raw;
  changed.replace(changed.rfind("MTAwOzEwMA0K"), 12, "MTAwOzIwMA0K");
  IntakeResult second = b.Ingest(changed, "2026-12-02T15:30:00");
  EXPECT_TRUE(second.has_verdict);
  EXPECT_NE(second.outcome, Outcome::kIgnored) << second.reason;
  EXPECT_EQ(second.record.duplicate_of, 0);
  EXPECT_NE(second.record.declaration_key, first.record.declaration_key);
  EXPECT_EQ(Declared(b), 2u);
  EXPECT_EQ(b.Outbox().size(), 2u);
}

// Same Message-ID and files from another (known) sender: not the same
// declaration; this one is judged, and rejected for a site not its own.
TEST(Intake, SameMessageIdFromAnotherSenderIsJudged) {
  Bench b;
  std::string raw = Fixture("py-alternative-signature.eml");
  b.Ingest(raw);
  std::string other = raw;
  other.replace(other.find("<ops@engie.example>"), 19, "<ops@edf.example>");
  IntakeResult second = b.Ingest(Relayed(other), "2026-12-02T15:30:00");
  EXPECT_EQ(second.outcome, Outcome::kRejected) << second.reason;
  EXPECT_TRUE(second.has_verdict);
  EXPECT_EQ(second.record.duplicate_of, 0);
  EXPECT_EQ(b.Outbox().size(), 2u);
}

// Without a Message-ID only the same bytes are a duplicate: nothing tells a
// relayed copy from the shipper sending the same files again on purpose,
// which must be judged (and here rejected: the programme id exists). The
// exact same bytes are still a duplicate.
TEST(Intake, WithoutMessageIdOnlyTheSameBytesAreADuplicate) {
  Bench b;
  std::string raw = Fixture("py-alternative-signature.eml");
  raw.erase(raw.find("Message-ID: <py-alt@engie.example>\r\n"), 36);
  IntakeResult first = b.Ingest(raw);
  ASSERT_EQ(first.message.message_id, "");
  EXPECT_EQ(first.outcome, Outcome::kIntegrated);
  EXPECT_EQ(first.record.declaration_key, "");
  IntakeResult relayed = b.Ingest(Relayed(raw), "2026-12-02T15:30:00");
  EXPECT_EQ(relayed.outcome, Outcome::kRejected) << relayed.reason;
  EXPECT_EQ(relayed.record.duplicate_of, 0);
  IntakeResult same = b.Ingest(raw, "2026-12-02T15:45:00");
  EXPECT_EQ(same.outcome, Outcome::kIgnored);
  EXPECT_EQ(same.record.duplicate_of, first.record.id);
  EXPECT_EQ(b.Outbox().size(), 2u);
}

// A copy that reached us ignored (a list's copy, Precedence: list) decided
// nothing: the copy sent to us directly is judged, and later copies are
// duplicates of that one.
TEST(Intake, CopyOfAnIgnoredMessageIsJudged) {
  Bench b;
  std::string raw = Fixture("py-alternative-signature.eml");
  IntakeResult listed = b.Ingest("Precedence: list\r\n" + raw);
  ASSERT_EQ(listed.outcome, Outcome::kIgnored);
  EXPECT_EQ(listed.reason, "message de liste ou de masse (Precedence: list)");
  IntakeResult direct = b.Ingest(raw, "2026-12-02T15:01:00");
  EXPECT_EQ(direct.outcome, Outcome::kIntegrated);
  EXPECT_EQ(direct.record.declaration_key, listed.record.declaration_key);
  IntakeResult again = b.Ingest(Relayed(raw), "2026-12-02T15:30:00");
  EXPECT_EQ(again.outcome, Outcome::kIgnored);
  EXPECT_EQ(again.record.duplicate_of, direct.record.id);
  EXPECT_EQ(b.Outbox().size(), 1u);
}

// The key covers the Message-ID, the sender whatever its case, and each
// file's name and bytes in order, with no two field lists encoding alike.
TEST(Intake, DeclarationKeyCoversIdSenderAndFiles) {
  ParsedMessage m;
  m.message_id = "<k@engie.example>";
  m.from_address = "ops@engie.example";
  m.csv_attachments = {{"a.csv", "text/csv", "1;2"}, {"b.csv", "text/csv", "3;4"}};
  const std::string key = DeclarationKey(m);
  EXPECT_EQ(key.size(), 64u);
  ParsedMessage upper = m;
  upper.from_address = "Ops@engie.example";
  EXPECT_EQ(DeclarationKey(upper), key);
  ParsedMessage other = m;
  other.subject = "another subject";
  other.other_attachments = 3;
  EXPECT_EQ(DeclarationKey(other), key);  // only the declaration counts

  std::vector<ParsedMessage> differ(5, m);
  differ[0].message_id = "<l@engie.example>";
  differ[1].from_address = "desk@engie.example";
  differ[2].csv_attachments[0].filename = "c.csv";
  std::swap(differ[3].csv_attachments[0], differ[3].csv_attachments[1]);
  differ[4].csv_attachments = {{"a.csv1", "text/csv", ";2"}, {"b.csv", "text/csv", "3;4"}};
  for (const auto& d : differ) EXPECT_NE(DeclarationKey(d), key);

  ParsedMessage anonymous = m;
  anonymous.message_id.clear();
  EXPECT_EQ(DeclarationKey(anonymous), "");
}

// Mail that must never be answered: an auto-reply with Precedence: bulk, a

// RULES §9 through the email channel: v3, received at 12:05 but read after
// v2 (received 12:20), is judged when the intake processes it (its clock,
// 12:25), its reply says so, and the ledger records both instants.
TEST(Intake, MailOutOfOrderIsJudgedWhenProcessedAndTheReplySaysSo) {
  Bench b;
  for (IndicatorKind k : kAllIndicators) {
    Publication p{"ME0005", k, Light::kGreen, At("2026-12-02T10:00:00")};
    ASSERT_TRUE(b.ledger->PublishIndicator(&p, std::chrono::minutes(23)).ok());
  }
  b.clock.now = At("2026-12-02T15:00:05");
  ASSERT_EQ(b.Ingest(testing::DeclarationEmail(1, "100000")).outcome, Outcome::kIntegrated);
  b.clock.now = At("2026-12-03T12:20:05");
  IntakeResult v2 = b.Ingest(testing::DeclarationEmail(2, "200000"), "2026-12-03T12:20:00");
  ASSERT_EQ(v2.outcome, Outcome::kIntegrated);
  EXPECT_EQ(v2.verdict.result.judged_at, At("2026-12-03T12:20:00"));  // in order: reception
  b.clock.now = At("2026-12-03T12:25:00");
  IntakeResult v3 = b.Ingest(testing::DeclarationEmail(3, "300000"), "2026-12-03T12:05:00");
  ASSERT_EQ(v3.outcome, Outcome::kIntegrated);
  EXPECT_EQ(v3.verdict.result.judged_at, At("2026-12-03T12:25:00"));
  ASSERT_EQ(v3.verdict.result.programmes.size(), 1u);
  EXPECT_TRUE(v3.verdict.result.programmes[0].accepted);
  std::string body = ReplyBody(v3.message, v3.verdict, b.config.referential);
  EXPECT_NE(body.find("il a donc été jugé à l'instant de son traitement, le 03/12/2026"),
            std::string::npos) << body;
  EXPECT_NE(body.find("PROCESSED_OUT_OF_ORDER"), std::string::npos) << body;
  ReferenceHistory h;
  ASSERT_TRUE(b.ledger->ReferenceHistoryOf(SiteDay{"LI0001", v3.verdict.result.programmes[0].id.day},
                                           &h).ok());
  const ReferenceVersion* now = h.InForceAt(At("2026-12-03T13:00:00"));
  ASSERT_NE(now, nullptr);
  EXPECT_EQ(now->programme_id, "20261203-LI0001-GFQUIMP01-3");
}

// bounce, an unknown sender, our own address.
TEST(Intake, LoopsAndStrangersAreIgnoredSilently) {
  Bench b;
  IntakeResult auto_reply = b.Ingest(Fixture("py-auto-reply.eml"));
  EXPECT_EQ(auto_reply.outcome, Outcome::kIgnored);
  EXPECT_EQ(auto_reply.reason, "message automatique (Auto-Submitted: auto-replied)");
  IntakeResult bounce = b.Ingest(Fixture("py-bounce-report.eml"));
  EXPECT_EQ(bounce.outcome, Outcome::kIgnored);
  EXPECT_EQ(bounce.reason, "avis de non-remise (bounce)");
  std::string stranger = Fixture("py-alternative-signature.eml");
  stranger.replace(stranger.find("<ops@engie.example>"), 19, "<x@unknown.example>");
  IntakeResult unknown = b.Ingest(stranger);
  EXPECT_EQ(unknown.outcome, Outcome::kIgnored);
  EXPECT_EQ(unknown.reason, "expéditeur inconnu");
  std::string ours = Fixture("py-alternative-signature.eml");
  ours.replace(ours.find("<ops@engie.example>"), 19, "<declarations@flexmail.example>");
  IntakeResult self = b.Ingest(ours);
  EXPECT_EQ(self.outcome, Outcome::kIgnored);
  EXPECT_EQ(self.reason, "message de flexmail lui-même");
  EXPECT_TRUE(b.Outbox().empty());
  std::vector<MessageRecord> stored;
  ASSERT_TRUE(b.ledger->Messages(10, &stored).ok());
  EXPECT_EQ(stored.size(), 4u);
}

// A known sender declaring for a site that is not theirs is answered with a
// technical rejection naming the file, the line and the field.
TEST(Intake, SiteNotHeldIsRejectedAndAnswered) {
  Bench b;
  std::string raw = Fixture("py-alternative-signature.eml");
  raw.replace(raw.find("<ops@engie.example>"), 19, "<ops@edf.example>");
  IntakeResult r = b.Ingest(raw);
  EXPECT_EQ(r.outcome, Outcome::kRejected);
  ASSERT_FALSE(r.verdict.result.errors.empty());
  EXPECT_EQ(r.verdict.result.errors[0].code, Code::SENDER_NOT_AUTHORIZED);
  EXPECT_EQ(r.verdict.result.errors[0].line, 2);
  EXPECT_EQ(r.verdict.result.errors[0].field, 3);
  EXPECT_EQ(r.folder, Folder::kRejected);
  EXPECT_EQ(b.Outbox().size(), 1u);
}

// A file whose name is not a declaration file name rejects the email; the
// sender's name is kept for the report, never used as a path.
TEST(Intake, BadFileNameFromMuttRejects) {
  Bench b;
  IntakeResult r = b.Ingest(Fixture("mutt-utf8-2231.eml"));
  EXPECT_EQ(r.outcome, Outcome::kRejected);
  bool found = false;
  for (const auto& e : r.verdict.result.errors) {
    if (e.code == Code::BAD_FILE_NAME) {
      found = true;
      EXPECT_EQ(e.file, "Prévisions été.csv");
    }
  }
  EXPECT_TRUE(found);
}

// Hostile file names never escape: the stored names are base names.
TEST(Intake, TraversalNamesAreFlattened) {
  Bench b;
  std::string raw = Fixture("hostile-traversal-names.eml");
  IntakeResult r = b.Ingest(raw);
  for (const auto& e : r.verdict.result.errors) {
    EXPECT_EQ(e.file.find('/'), std::string::npos) << e.file;
    EXPECT_EQ(e.file.find('\\'), std::string::npos) << e.file;
  }
}

// Over the configured size, the declaration is rejected with the limit's
// code and still answered.
TEST(Intake, OversizeMessageRejectedWithLimitCode) {
  Bench b(std::string(kMailSection) + "[limits]\nmax_message_bytes = 1000\nmax_csv_bytes = 500\n");
  IntakeResult r = b.Ingest(Fixture("py-alternative-signature.eml"));
  EXPECT_EQ(r.outcome, Outcome::kRejected);
  ASSERT_FALSE(r.verdict.result.errors.empty());
  EXPECT_EQ(r.verdict.result.errors[0].code, Code::MESSAGE_TOO_LARGE);
  EXPECT_EQ(b.Outbox().size(), 1u);
}

// The JSON of an ignored message carries its reason and no verdict.
TEST(Intake, IgnoredJsonHasReason) {
  Bench b;
  IntakeResult r = b.Ingest(Fixture("py-auto-reply.eml"));
  auto j = nlohmann::json::parse(IntakeJson(r, b.config.referential));
  EXPECT_EQ(j["outcome"], "IGNORED");
  EXPECT_EQ(j["reason"], "message automatique (Auto-Submitted: auto-replied)");
  EXPECT_EQ(j["messageId"], "<py-autoreply@engie.example>");
  EXPECT_EQ(j["sender"], "ops@engie.example");
  EXPECT_TRUE(j["hmsProfiles"].empty());
}

// `raw` with its text part (DeclarationEmail's "Bonjour") replaced by
// `part`: the part's header fields, a blank line and its body.
std::string WithTextPart(std::string raw, const std::string& part) {
  const std::string bonjour = "Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour\r\n";
  const size_t at = raw.find(bonjour);
  EXPECT_NE(at, std::string::npos);
  return raw.replace(at, bonjour.size(), part);
}

// The text the ledger keeps for the message of r's declaration.
std::string StoredText(Bench& b, const IntakeResult& r) {
  bool found = false;
  MessageRecord m;
  Status s = b.ledger->MessageOfDeclaration(r.verdict.declaration_id, false, &found, &m);
  EXPECT_TRUE(s.ok() && found) << s.ToString();
  return m.body_text;
}

// The email's own text, where shippers write maintenance forecasts, is
// stored decoded: quoted-printable (a soft line break included) removed,
// ISO-8859-1 (read as its superset Windows-1252) converted to UTF-8.
TEST(Intake, TheEmailTextIsStoredDecoded) {
  Bench b;
  IntakeResult r = b.Ingest(WithTextPart(
      DeclarationEmail(1, "100"),
      "Content-Type: text/plain; charset=ISO-8859-1\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
      "Arr=EAt pour maintenance du 4 au 6 d=E9cembre, retour en service pr=E9vu =\r\n"
      "le 7 =E0 6h (co=FBt =80).\r\n"));
  ASSERT_EQ(r.outcome, Outcome::kIntegrated);
  EXPECT_EQ(StoredText(b, r),
            "Arrêt pour maintenance du 4 au 6 décembre, retour en service prévu le 7 à 6h "
            "(coût €).");
}

// A text over 64 KiB is stored cut at a character boundary, and says so.
TEST(Intake, ALongEmailTextIsStoredCutWithANote) {
  Bench b;
  std::string body;
  while (body.size() < 70 * 1024) body += "Arr\xC3\xAAt pr\xC3\xA9vu.\r\n";
  IntakeResult r = b.Ingest(WithTextPart(
      DeclarationEmail(1, "100"),
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
          body));
  ASSERT_EQ(r.outcome, Outcome::kIntegrated);
  const std::string stored = StoredText(b, r);
  const std::string note = "\n[… texte coupé à 64 Kio]";
  ASSERT_GT(stored.size(), note.size());
  EXPECT_EQ(stored.substr(stored.size() - note.size()), note);
  const std::string kept = stored.substr(0, stored.size() - note.size());
  EXPECT_LE(kept.size(), 64u * 1024);
  EXPECT_GT(kept.size(), 64u * 1024 - 4);
  EXPECT_EQ(kept, body.substr(0, kept.size()));
  EXPECT_EQ(SanitizeUtf8(kept), kept);  // no character cut in two
}

}  // namespace
}  // namespace flexmail
