// Replies read back with flexmail's own MIME reader: headers, threading, the
// French text, and resultats.json round-tripping to the ingest JSON.
#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "daemon/intake.h"
#include "daemon/reply.h"
#include "mail/header.h"
#include "mail/message.h"
#include "mail/transfer_encoding.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using testing::Fixture;
using testing::At;
using testing::FixedClock;
using testing::Testbed;
using Json = nlohmann::json;

struct Replied {
  IntakeResult intake;
  OutboxItem item;
  ParsedMessage reply;
  Json json;      // resultats.json as read back from the reply
  Json expected;  // what `ingest --json` prints for the same message
  std::string body;
  std::string instance;  // the ledger's instance id
};

// Ingests `raw` into a fresh ledger and reads its reply back.
Replied IngestAndReadReply(const std::string& raw, const char* at = "2026-12-02T15:00:00") {
  Testbed bed("[mail]\naddress = \"declarations@flexmail.example\"\n");
  Config config;
  EXPECT_TRUE(LoadConfig(bed.config(), &config).ok());
  std::unique_ptr<Ledger> ledger;
  EXPECT_TRUE(Ledger::Open(config.database_path, &ledger).ok());
  FixedClock clock;
  clock.now = At("2026-12-02T15:00:07");
  Replied out;
  IncomingMessage in{raw, At(at), "cli", "cli", 0, "", raw.size(), std::nullopt};
  EXPECT_TRUE(Intake(config, ledger.get(), clock).Ingest(in, &out.intake).ok());
  bool found = false;
  EXPECT_TRUE(ledger->Reply(out.intake.reply_id, &found, &out.item).ok());
  EXPECT_TRUE(found);
  MailLimits limits;
  limits.keep_other_files = true;
  EXPECT_TRUE(ParseMessage(out.item.raw, limits, &out.reply).ok());
  for (const auto& f : out.reply.other_files) {
    if (f.filename == "resultats.json") out.json = Json::parse(f.content);
  }
  out.expected = Json::parse(IntakeJson(out.intake, config.referential));
  out.body = ReplyBody(out.intake.message, out.intake.verdict, config.referential);
  out.instance = ledger->instance_id();
  return out;
}

// Given an accepted declaration, the reply is threaded, automatic, from our
// address, says the outcome in its subject, and its JSON is the ingest JSON.
TEST(Reply, AcceptedDeclaration) {
  Replied r = IngestAndReadReply(Fixture("py-alternative-signature.eml"));
  const ParsedMessage& m = r.reply;
  EXPECT_EQ(m.from_address, "declarations@flexmail.example");
  EXPECT_EQ(m.in_reply_to, "<py-alt@engie.example>");
  EXPECT_NE(m.references.find("<py-alt@engie.example>"), std::string::npos);
  EXPECT_EQ(m.auto_submitted, "auto-replied");
  EXPECT_EQ(m.message_id, r.item.message_id);
  EXPECT_EQ(m.subject, "Re: " + r.intake.message.subject + " — 1 accepté");
  EXPECT_EQ(r.json["outcome"], "INTEGRATED");
  EXPECT_EQ(r.json["messageId"], "<py-alt@engie.example>");
  EXPECT_EQ(r.json["sender"], "ops@engie.example");
  EXPECT_EQ(r.json["receivedAt"], "2026-12-02T15:00:00.000+01:00");
  ASSERT_EQ(r.json["hmsProfiles"].size(), 1u);
  EXPECT_EQ(r.json["hmsProfiles"][0]["hmsProfileFeasibility"]["hmsProfileFeasibilityStatus"],
            "ACCEPTED");
  EXPECT_EQ(r.json["rebuiltHmsProfiles"][0]["hourlyQuantities"].size(), 24u);
  EXPECT_EQ(r.json, r.expected);
}

// The French body lists the programme, its status, the indicators applied
// and the 24 hours of the reference in force.
TEST(Reply, BodyIsReadableFrench) {
  Replied r = IngestAndReadReply(Fixture("py-alternative-signature.eml"));
  const std::string& body = r.body;
  EXPECT_NE(body.find("Programme 20261203-LI0001-GFQUIMP01-1"), std::string::npos) << body;
  EXPECT_NE(body.find("Statut           : ACCEPTÉ"), std::string::npos) << body;
  EXPECT_NE(body.find("Indicateurs appliqués : Q → Q- ROUGE (aucune publication, valeur par "
                      "défaut)"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("Programme de référence 20261203-LI0001"), std::string::npos) << body;
  EXPECT_NE(body.find("  05h00                100\n"), std::string::npos) << body;
  EXPECT_NE(body.find("resultats.json"), std::string::npos);
}

// A technical rejection says so in the subject and lists every error with
// its file, line and field.
TEST(Reply, RejectionListsLocatedErrors) {
  std::string raw = Fixture("py-alternative-signature.eml");
  raw.replace(raw.find("<ops@engie.example>"), 19, "<ops@edf.example>");
  Replied r = IngestAndReadReply(raw);
  EXPECT_EQ(r.reply.subject, "Re: " + r.intake.message.subject + " — rejet technique");
  EXPECT_EQ(r.json["outcome"], "REJECTED");
  EXPECT_EQ(r.json["errors"][0]["code"], "SENDER_NOT_AUTHORIZED");
  const std::string& body = r.body;
  EXPECT_NE(body.find("Résultat : REJET TECHNIQUE"), std::string::npos) << body;
  EXPECT_NE(body.find("fichier Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202150000.csv, "
                      "ligne 2, champ 3 [SENDER_NOT_AUTHORIZED]"),
            std::string::npos)
      << body;
}

// A programme for a gas day beyond the horizon is a technical rejection,
// and the French reply queued for the shipper names that day and the last
// one allowed. Given the file for 03/12/2026 received on 29/11 at 15:00
// (gas day 29/11, four days before), it is rejected with the default
// horizon of three days; received the next day, it is integrated.
TEST(Reply, GasDayBeyondTheHorizonIsRejectedNamingTheDay) {
  const std::string kMessage =
      "Programme traitant d'une JG au-delà de l'horizon de déclaration : JG 03/12/2026, au "
      "plus 3 jours après la JG en cours (29/11/2026), soit jusqu'au 02/12/2026";
  Replied r = IngestAndReadReply(Fixture("py-alternative-signature.eml"), "2026-11-29T15:00:00");
  EXPECT_EQ(r.intake.outcome, Outcome::kRejected);
  EXPECT_EQ(r.reply.subject, "Re: " + r.intake.message.subject + " — rejet technique");
  ASSERT_EQ(r.json["errors"].size(), 1u) << r.json.dump();
  EXPECT_EQ(r.json["errors"][0]["code"], "GAS_DAY_TOO_FAR");
  EXPECT_EQ(r.json["errors"][0]["message"], kMessage);
  EXPECT_EQ(r.json["errors"][0]["line"], 2);
  EXPECT_EQ(r.json["errors"][0]["field"], 2);
  EXPECT_NE(r.body.find("  1. fichier Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202150000.csv, "
                        "ligne 2, champ 2 [GAS_DAY_TOO_FAR]\n     " + kMessage + "\n"),
            std::string::npos)
      << r.body;
  // The text part as queued in the outbox says the same.
  EXPECT_NE(DecodeQuotedPrintable(r.item.raw).find(kMessage), std::string::npos) << r.item.raw;

  Replied next_day =
      IngestAndReadReply(Fixture("py-alternative-signature.eml"), "2026-11-30T15:00:00");
  EXPECT_EQ(next_day.intake.outcome, Outcome::kIntegrated);
  EXPECT_EQ(next_day.json["errors"].size(), 0u) << next_day.json.dump();
}

// Threading headers keep only well-formed ids: a folded Message-ID that
// smuggles a "Bcc:" line ends as the id alone; References keeps the
// thread's first id and its latest ones, 20 in all with the original's.
TEST(Reply, ThreadingKeepsOnlyWellFormedIds) {
  std::string raw = Fixture("py-alternative-signature.eml");
  std::string refs = "References:";
  for (int i = 0; i < 50; ++i) refs += " <r" + std::to_string(i) + "@engie.example>";
  raw.replace(raw.find("Message-ID: <py-alt@engie.example>"), 34,
              "Message-ID: <py-alt@engie.example>\r\n Bcc: victim@example\r\n" + refs);
  Replied r = IngestAndReadReply(raw);
  EXPECT_EQ(r.reply.in_reply_to, "<py-alt@engie.example>");
  EXPECT_EQ(r.item.raw.find("victim"), std::string::npos) << r.item.raw;
  std::vector<std::string> ids = MessageIdTokens(r.reply.references, 100);
  ASSERT_EQ(ids.size(), 20u) << r.reply.references;
  EXPECT_EQ(ids.front(), "<r0@engie.example>");
  EXPECT_EQ(ids[1], "<r32@engie.example>");
  EXPECT_EQ(ids[18], "<r49@engie.example>");
  EXPECT_EQ(ids.back(), "<py-alt@engie.example>");

  std::string no_id = Fixture("py-alternative-signature.eml");
  no_id.replace(no_id.find("Message-ID: <py-alt@engie.example>"), 34, "Message-ID: not an id");
  Replied bare = IngestAndReadReply(no_id);
  EXPECT_EQ(bare.item.raw.find("In-Reply-To:"), std::string::npos) << bare.item.raw;
  EXPECT_EQ(bare.item.raw.find("References:"), std::string::npos) << bare.item.raw;
}

// RFC 5322 §3.6.4's msg-id as flexmail writes it: "<" dot-atom-text "@"
// dot-atom-text ">" (no obsolete form, no domain literal).
bool IsRfc5322MsgId(const std::string& id) {
  static const std::string atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
  static const std::regex msg_id("<" + atom + "(\\." + atom + ")*@" + atom + "(\\." + atom +
                                 ")*>");
  return std::regex_match(id, msg_id);
}

TEST(Reply, MessageIdGrammar) {
  // Given ids right and wrong, the grammar the next test relies on tells them apart.
  EXPECT_TRUE(IsRfc5322MsgId("<declaration-1.0a1b@flexmail.example>"));
  EXPECT_FALSE(IsRfc5322MsgId("<declaration-1.@flexmail.example>"));
  EXPECT_FALSE(IsRfc5322MsgId("<declaration 1@flexmail.example>"));
  EXPECT_FALSE(IsRfc5322MsgId("declaration-1@flexmail.example"));
  EXPECT_FALSE(IsRfc5322MsgId("<declaration-1@flexmail..example>"));
}

TEST(Reply, MessageIdsDifferBetweenLedgers) {
  // Given two fresh ledgers that both number their first declaration 1, the replies' Message-IDs differ: each names its ledger's instance id, is an RFC 5322 msg-id and is written unfolded.
  const std::string raw = Fixture("py-alternative-signature.eml");
  Replied a = IngestAndReadReply(raw);
  Replied b = IngestAndReadReply(raw);
  ASSERT_EQ(a.intake.verdict.declaration_id, 1);
  ASSERT_EQ(b.intake.verdict.declaration_id, 1);
  EXPECT_NE(a.instance, b.instance);
  EXPECT_NE(a.item.message_id, b.item.message_id);
  for (const Replied* r : {&a, &b}) {
    EXPECT_EQ(r->item.message_id, "<declaration-1." + r->instance + "@flexmail.example>");
    EXPECT_EQ(r->item.message_id, ReplyMessageId(1, r->instance, "flexmail.example"));
    EXPECT_TRUE(IsRfc5322MsgId(r->item.message_id)) << r->item.message_id;
    EXPECT_NE(r->item.raw.find("\r\nMessage-ID: " + r->item.message_id + "\r\n"),
              std::string::npos)
        << r->item.raw;
    EXPECT_EQ(r->reply.message_id, r->item.message_id);
  }
}

// Subjects: the outcome summary in French, "Re: " added once.
TEST(Reply, SubjectSummary) {
  DeclarationResult r;
  r.outcome = Outcome::kIntegrated;
  r.programmes.resize(3);
  r.programmes[2].accepted = false;
  EXPECT_EQ(ReplySubject("[Quimper] Prévisions SFM", r),
            "Re: [Quimper] Prévisions SFM — 2 acceptés, 1 refusé");
  EXPECT_EQ(ReplySubject("RE: x", r), "RE: x — 2 acceptés, 1 refusé");
  r.outcome = Outcome::kRejected;
  EXPECT_EQ(ReplySubject("x", r), "Re: x — rejet technique");
}

}  // namespace
}  // namespace flexmail
