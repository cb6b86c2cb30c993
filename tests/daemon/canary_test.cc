// The canary in-process: a probe read back by the intake is filed as a
// canary and nothing else; a forged one is an ordinary message; `status`
// says when no probe came back within two intervals.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "daemon/canary_probe.h"
#include "daemon/intake.h"
#include "tests/daemon/intake_bench.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using namespace std::chrono_literals;
using testing::At;

constexpr const char* kSecret = "a-canary-secret-of-thirty-bytes";

constexpr const char* kCanaryConfig = R"(
[mail]
address = "declarations@flexmail.example"

[inbox]
imap_url = "imaps://imap.flexmail.example:993/INBOX"
username = "declarations"
password_file = "imap.pass"

[smtp]
url = "smtp://127.0.0.1:2525"
require_tls = false
require_auth = false

[canary]
interval = 60
secret_file = "canary.secret"
)";

struct CanaryBench : testing::IntakeBench {
  CanaryBench() : IntakeBench(kCanaryConfig) {
    std::ofstream(bed.dir() + "/canary.secret") << kSecret << "\n";
  }
  // A probe as the worker composes it, sent at `sent`.
  std::string Probe(const std::string& id, Instant sent, const std::string& secret = kSecret) {
    CanaryProbe p{id, sent.time_since_epoch().count()};
    return ComposeCanaryProbe(config, ledger->instance_id(), p, secret, sent);
  }
  size_t StoredMessages() {
    std::vector<MessageRecord> all;
    EXPECT_TRUE(ledger->Messages(0, &all).ok());
    return all.size();
  }
};

// Replaces the first occurrence of `from` in `raw`.
std::string Replace(std::string raw, const std::string& from, const std::string& to) {
  const auto at = raw.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) raw.replace(at, from.size(), to);
  return raw;
}

TEST(CanaryIntake, GenuineProbeIsFiledAsCanaryAndNotJudged) {
  // Given a probe of ours read back 5 s after it was sent, it goes to the canary folder with its round trip recorded, and no message, declaration or reply is stored.
  CanaryBench b;
  const Instant sent = At("2026-12-02T15:00:00");
  b.clock.now = sent + 5s;
  IntakeResult r = b.Ingest(b.Probe("0123456789abcdef", sent), "2026-12-02T15:00:03");
  ASSERT_TRUE(r.canary.has_value());
  EXPECT_EQ(r.canary->id, "0123456789abcdef");
  EXPECT_TRUE(r.canary_counted);
  EXPECT_EQ(r.folder, Folder::kCanary);
  EXPECT_FALSE(r.has_verdict);
  EXPECT_FALSE(r.authentication.has_value());
  EXPECT_EQ(r.reply_id, 0);
  EXPECT_EQ(b.StoredMessages(), 0u);
  EXPECT_TRUE(b.Outbox().empty());
  bool found = false;
  CanaryRecord trip;
  ASSERT_TRUE(b.ledger->LastCanaryRoundTrip(&found, &trip).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(trip.round_trip_ms, 5000);
}

TEST(CanaryIntake, ProbeMessageIdNamesTheProbeAndTheLedger) {
  // Given a probe as the worker composes it, its Message-ID is the probe's random id with the ledger's instance id, under [mail] domain.
  CanaryBench b;
  ParsedMessage m;
  ASSERT_TRUE(ParseMessage(b.Probe("0123456789abcdef", At("2026-12-02T15:00:00")), MailLimits{},
                           &m).ok());
  EXPECT_EQ(m.message_id, "<canary-0123456789abcdef." + b.ledger->instance_id() + "@" +
                              b.config.mail.domain + ">");
}

TEST(CanaryIntake, ProbeReadTwiceCountsOnce) {
  // Given the same probe read twice (filed too late, found again), it is filed as canary both times but counted once.
  CanaryBench b;
  const Instant sent = At("2026-12-02T15:00:00");
  const std::string raw = b.Probe("0123456789abcdef", sent);
  b.clock.now = sent + 2s;
  EXPECT_TRUE(b.Ingest(raw).canary_counted);
  b.clock.now = sent + 90s;
  IntakeResult again = b.Ingest(raw);
  ASSERT_TRUE(again.canary.has_value());
  EXPECT_FALSE(again.canary_counted);
  EXPECT_EQ(again.folder, Folder::kCanary);
  bool found = false;
  CanaryRecord trip;
  ASSERT_TRUE(b.ledger->LastCanaryRoundTrip(&found, &trip).ok());
  EXPECT_EQ(trip.round_trip_ms, 2000);
}

TEST(CanaryIntake, ProbeWithAnotherSecretIsAnOrdinaryMessageFromUs) {
  // Given a probe from our address whose MAC another secret made, it is no canary: ignored as automatic mail from us, and stored as such.
  CanaryBench b;
  IntakeResult r =
      b.Ingest(b.Probe("0123456789abcdef", At("2026-12-02T15:00:00"), "another-secret-entirely"));
  EXPECT_FALSE(r.canary.has_value());
  EXPECT_EQ(r.outcome, Outcome::kIgnored);
  EXPECT_EQ(r.reason, "message automatique (Auto-Submitted: auto-generated)");
  EXPECT_EQ(r.folder, Folder::kIgnored);
  EXPECT_EQ(b.StoredMessages(), 1u);
  bool found = true;
  CanaryRecord trip;
  ASSERT_TRUE(b.ledger->LatestCanaryProbe(&found, &trip).ok());
  EXPECT_FALSE(found);
}

TEST(CanaryIntake, ForgedProbeFromAShipperIsJudgedAsItsSender) {
  // Given a shipper's declaration carrying a probe header with a wrong MAC, it is judged as that shipper's declaration and answered.
  CanaryBench b;
  const std::string forged =
      "X-Flexmail-Canary: 0123456789abcdef; t=1796291400123; mac=" + std::string(64, '0') +
      "\r\n" + testing::DeclarationEmail(1, "10");
  IntakeResult r = b.Ingest(forged);
  EXPECT_FALSE(r.canary.has_value());
  EXPECT_EQ(r.outcome, Outcome::kIntegrated);
  EXPECT_EQ(r.message.from_address, "ops@engie.example");
  EXPECT_NE(r.reply_id, 0);
  EXPECT_EQ(b.Outbox().size(), 1u);
}

TEST(CanaryIntake, GenuineHeaderCopiedOntoAShippersMessageIsJudged) {
  // Given a valid probe header copied onto a shipper's declaration, it is not taken for a probe (the From is not ours): judged and answered.
  CanaryBench b;
  const std::string probe = b.Probe("0123456789abcdef", At("2026-12-02T15:00:00"));
  const auto start = probe.find("X-Flexmail-Canary:");
  ASSERT_NE(start, std::string::npos);
  const std::string header = probe.substr(start, probe.find("\r\n", start) + 2 - start);
  IntakeResult r = b.Ingest(header + testing::DeclarationEmail(1, "10"));
  EXPECT_FALSE(r.canary.has_value());
  EXPECT_EQ(r.outcome, Outcome::kIntegrated);
  EXPECT_EQ(b.Outbox().size(), 1u);
}

TEST(CanaryIntake, TamperedTimeIsNoProbe) {
  // Given a genuine probe whose t= was changed on the way, the MAC fails: it is our own message, ignored.
  CanaryBench b;
  const Instant sent = At("2026-12-02T15:00:00");
  const std::string t = "t=" + std::to_string(sent.time_since_epoch().count());
  IntakeResult r = b.Ingest(
      Replace(b.Probe("0123456789abcdef", sent), t, "t=" + std::to_string(sent.time_since_epoch().count() - 60000)));
  EXPECT_FALSE(r.canary.has_value());
  EXPECT_EQ(r.outcome, Outcome::kIgnored);
}

TEST(CanaryIntake, UnreadableSecretMakesTheIntakeNotReady) {
  // Given [canary] with a secret file too short, the intake refuses to start and names the key.
  CanaryBench b;
  std::ofstream(b.bed.dir() + "/canary.secret") << "short\n";
  Intake intake(b.config, b.ledger.get(), b.clock);
  ASSERT_FALSE(intake.ready().ok());
  EXPECT_EQ(intake.ready().message(),
            "canary.secret_file: " + b.config.canary.secret_file +
                " holds a secret shorter than 16 bytes");
}

nlohmann::json StatusJson(CanaryBench& b, int* code) {
  std::string out, err;
  *code = testing::RunCliIn(b.bed, b.clock, {"status", "--json"}, &out, &err);
  return nlohmann::json::parse(out);
}

TEST(CanaryStatus, HealthyWhileProbesComeBackUnhealthyAfterTwoIntervals) {
  // Given a probe back at 15:00:02 and polls going on, status is healthy until two intervals (120 s) have passed without another.
  CanaryBench b;
  const Instant t0 = At("2026-12-02T15:00:00");
  ASSERT_TRUE(b.ledger->RecordCanarySent("0123456789abcdef", t0).ok());
  bool counted = false;
  ASSERT_TRUE(b.ledger->RecordCanaryReturned("0123456789abcdef", t0, t0 + 2s, &counted).ok());
  PollRecord poll;
  poll.started_at = t0 + 100s;
  poll.finished_at = t0 + 101s;
  ASSERT_TRUE(b.ledger->RecordPoll(poll).ok());
  b.clock.now = t0 + 110s;
  int code = -1;
  nlohmann::json j = StatusJson(b, &code);
  EXPECT_EQ(code, 0) << j.dump(2);
  EXPECT_EQ(j["canary"]["intervalSeconds"], 60);
  EXPECT_EQ(j["canary"]["lastRoundTrip"]["probeId"], "0123456789abcdef");
  EXPECT_EQ(j["canary"]["lastRoundTrip"]["roundTripMs"], 2000);
  EXPECT_EQ(j["canary"]["lastRoundTrip"]["returnedAt"], "2026-12-02T15:00:02.000+01:00");
  b.clock.now = t0 + 123s;
  j = StatusJson(b, &code);
  EXPECT_EQ(code, 3);
  EXPECT_FALSE(j["healthy"].get<bool>());
  EXPECT_EQ(j["problems"][0],
            "no canary probe came back for more than 2 intervals (last back "
            "2026-12-02T15:00:02.000+01:00)");
}

TEST(CanaryStatus, SendFailureIsShownWithTheProblem) {
  // Given probes that never came back, the latest refused by the relay, status is unhealthy and says why, in JSON and text.
  CanaryBench b;
  const Instant t0 = At("2026-12-02T15:00:00");
  ASSERT_TRUE(b.ledger->RecordCanarySent("0123456789abcdef", t0).ok());
  ASSERT_TRUE(b.ledger->RecordCanarySendFailure("fedcba9876543210", t0 + 60s,
                                                "connection refused").ok());
  PollRecord poll;
  poll.started_at = poll.finished_at = t0 + 125s;
  ASSERT_TRUE(b.ledger->RecordPoll(poll).ok());
  b.clock.now = t0 + 130s;
  int code = -1;
  nlohmann::json j = StatusJson(b, &code);
  EXPECT_EQ(code, 3);
  EXPECT_TRUE(j["canary"]["lastRoundTrip"].is_null());
  EXPECT_EQ(j["canary"]["lastProbe"]["sendError"], "connection refused");
  EXPECT_EQ(j["problems"][0],
            "no canary probe has ever come back (first sent 2026-12-02T15:00:00.000+01:00); "
            "the latest could not be sent: connection refused");
  std::string out, err;
  EXPECT_EQ(testing::RunCliIn(b.bed, b.clock, {"status"}, &out, &err), 3);
  EXPECT_NE(out.find("canary:               no probe back yet (a probe every 60 s)\n"),
            std::string::npos) << out;
}

TEST(CanaryStatus, WithoutCanaryTheKeyIsNull) {
  // Given no [canary], status --json has "canary": null and no canary problem.
  testing::IntakeBench b("[mail]\naddress = \"declarations@flexmail.example\"\n");
  std::string out, err;
  testing::RunCliIn(b.bed, b.clock, {"status", "--json"}, &out, &err);
  nlohmann::json j = nlohmann::json::parse(out);
  ASSERT_TRUE(j.contains("canary"));
  EXPECT_TRUE(j["canary"].is_null());
  for (const auto& p : j["problems"]) EXPECT_EQ(p.get<std::string>().find("canary"), std::string::npos);
}

}  // namespace
}  // namespace flexmail
