// Emails made by real mail programs, ingested through the intake into a real
// ledger: outcomes, stored messages, queued replies, and what is never
// answered.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "daemon/intake.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using testing::Fixture;
using testing::At;
using testing::FixedClock;
using testing::Testbed;

constexpr const char* kMailSection = R"(
[mail]
address = "declarations@flexmail.example"
)";

struct Bench {
  explicit Bench(const std::string& extra = kMailSection) : bed(extra) {
    Status s = LoadConfig(bed.config(), &config);
    EXPECT_TRUE(s.ok()) << s.ToString();
    s = Ledger::Open(config.database_path, &ledger);
    EXPECT_TRUE(s.ok()) << s.ToString();
    clock.now = At("2026-12-02T15:00:05");
  }
  IntakeResult Ingest(const std::string& raw, const char* at = "2026-12-02T15:00:00") {
    IncomingMessage in;
    in.raw = raw;
    in.received_at = At(at);
    in.announced_size = raw.size();
    Intake intake(config, ledger.get(), clock);
    IntakeResult r;
    Status s = intake.Ingest(in, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }
  std::vector<OutboxItem> Outbox() {
    std::vector<OutboxItem> items;
    EXPECT_TRUE(ledger->Outbox(&items).ok());
    return items;
  }
  Testbed bed;
  Config config;
  std::unique_ptr<Ledger> ledger;
  FixedClock clock;
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
  EXPECT_EQ(outbox[0].message_id,
            "<declaration-" + std::to_string(r.verdict.declaration_id) +
                ".flexmail@flexmail.example>");
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

// Mail that must never be answered: an auto-reply with Precedence: bulk, a
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

}  // namespace
}  // namespace flexmail
