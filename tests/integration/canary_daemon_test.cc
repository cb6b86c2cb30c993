// The canary end to end: the real `flexmail run` mails itself a probe every
// 5 s through the stack's Postfix and reads it back from Dovecot. Round
// trips are read from the ledger (read-only), the probes from the daemon's
// mailbox over IMAPS, the health from `flexmail status`.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/integration/daemon_scenarios.h"

namespace flexmail::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "integration-canary-secret-0123456789";

bool FileHas(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  return all.str().find(text) != std::string::npos;
}

class CanaryScenario : public DaemonScenario {
 protected:
  void SetUp() override {
    DaemonScenario::SetUp();
    if (HasFatalFailure()) return;
    const std::string secret = (stack_.dir() / "canary.secret").string();
    std::ofstream(secret) << kSecret << "\n";
    DaemonConfig c = DaemonConfig::For(stack_);
    c.extra = "[canary]\ninterval = 5\nsecret_file = \"" + secret + "\"\n[metrics]\ntextfile = \"" +
              (stack_.dir() / "flexmail.prom").string() + "\"\n";
    Rewire(c);
  }
  std::int64_t Returned() {
    return ledger_->Count("SELECT count(*) FROM canary_probes WHERE returned_at IS NOT NULL");
  }
  bool WaitForReturns(std::int64_t n, std::chrono::milliseconds limit) {
    return WaitUntil([&] { return Returned() >= n; }, limit);
  }
  int StatusCode() { return bed_->Run({"status", "--json"}).exit_code; }
  // The declarations `report` lists for the gas days received in lately
  // (yesterday's too: before 06:00 Paris, today's mail is in its gas day).
  nlohmann::json Reported() {
    nlohmann::json all = nlohmann::json::array();
    for (int d : {-1, 0}) {
      auto report = CliJson({"report", "--gas-day", GasDay::FromToday(d).Iso(), "--json"});
      for (const auto& decl : report["declarations"]) all.push_back(decl);
    }
    return all;
  }
};

// Given a running daemon with [canary] interval = 5, probes come back one
// per interval: each round trip is measured and recorded, the probes are
// filed into Canary, and status is healthy and reports the latest.
TEST_F(CanaryScenario, MeasuresAndRecordsTheRoundTrip) {
  ASSERT_TRUE(daemon_->Start());
  const auto start = Clock::now();
  ASSERT_TRUE(WaitForReturns(1, 20s)) << ledger_->last_error() << Logs();
  ASSERT_TRUE(WaitForReturns(2, 20s)) << Logs();
  // Two probes are an interval apart: the second cannot be back before 5 s.
  EXPECT_GE(Clock::now() - start, 5s);
  auto rows = ledger_->Rows(
      "SELECT probe_id, round_trip_ms, send_error, "
      "CAST(round((julianday(returned_at) - julianday(sent_at)) * 86400000) AS INTEGER) "
      "FROM canary_probes WHERE returned_at IS NOT NULL ORDER BY returned_at");
  ASSERT_TRUE(rows && rows->size() >= 2) << ledger_->last_error();
  for (const auto& r : *rows) {
    const long ms = std::stol(r[1]);
    EXPECT_GE(ms, 0);
    EXPECT_LT(ms, 15000) << "a probe through a local Postfix takes seconds at most";
    EXPECT_EQ(r[2], "") << "no send error for a probe that came back";
    EXPECT_LE(std::abs(std::stol(r[3]) - ms), 1) << "round trip = returned_at - sent_at";
  }
  auto status = CliJson({"status", "--json"});
  EXPECT_TRUE(status["healthy"].get<bool>()) << status.dump(2);
  EXPECT_EQ(status["canary"]["intervalSeconds"], 5);
  EXPECT_FALSE(status["canary"]["lastRoundTrip"].is_null()) << status.dump(2);
  EXPECT_GE(status["canary"]["lastRoundTrip"]["roundTripMs"].get<long>(), 0);
  MailboxView box(stack_, kDaemonUser);
  EXPECT_GE(box.Count("Canary"), 2) << "returned probes are filed into Canary";
  // Never judged, never answered, never stored as messages.
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM messages"), 0);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM declarations"), 0);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(box.Count("Processed") + box.Count("Ignored") + box.Count("Rejected"), 0);
  EXPECT_TRUE(Reported().empty()) << Reported().dump(2);
  EXPECT_GE(bed_->LogCount("canary probe"), 4) << Logs();
  // The metrics file shows the round trip and the IDLE connection, and a
  // real parser accepts it.
  const std::string prom = (stack_.dir() / "flexmail.prom").string();
  ASSERT_TRUE(WaitUntil([&] { return FileHas(prom, "flexmail_canary_last_round_trip_seconds "); },
                        10s))
      << Logs();
  EXPECT_TRUE(FileHas(prom, "flexmail_canary_last_round_trip_timestamp_seconds ")) << prom;
  EXPECT_TRUE(FileHas(prom, "flexmail_imap_idle_connected 1")) << prom;
  EXPECT_EQ(std::system(("promtool check metrics < '" + prom + "' > /dev/null 2>&1").c_str()), 0);
}

// Given Postfix stopped, no probe can leave: status turns unhealthy once two
// intervals pass without a return, and healthy again after the next probe
// that comes back once Postfix is back.
TEST_F(CanaryScenario, StatusUnhealthyWhilePostfixIsDown) {
  ASSERT_TRUE(daemon_->Start());
  ASSERT_TRUE(WaitForReturns(1, 20s)) << Logs();
  ASSERT_TRUE(WaitUntil([&] { return StatusCode() == 0; }, 10s)) << Logs();
  ASSERT_TRUE(stack_.StopPostfix());
  const auto stopped = Clock::now();
  ASSERT_TRUE(WaitUntil([&] { return StatusCode() == 3; }, 30s)) << Logs();
  // Not before two intervals (10 s) since the last return, give or take one.
  EXPECT_GE(Clock::now() - stopped, 5s);
  auto down = CliJson({"status", "--json"});
  ASSERT_FALSE(down["healthy"].get<bool>()) << down.dump(2);
  bool canary_problem = false;
  for (const auto& p : down["problems"])
    canary_problem |= p.get<std::string>().find("no canary probe came back") == 0;
  EXPECT_TRUE(canary_problem) << down.dump(2);
  EXPECT_GE(ledger_->Count("SELECT count(*) FROM canary_probes WHERE send_error IS NOT NULL"), 1)
      << "the probes that could not leave are recorded with their error";
  EXPECT_FALSE(down["canary"]["lastProbe"]["sendError"].is_null()) << down.dump(2);

  const std::int64_t before = Returned();
  ASSERT_TRUE(stack_.StartPostfix());
  ASSERT_TRUE(WaitUntil([&] { return StatusCode() == 0; }, 30s)) << Logs();
  EXPECT_GT(Returned(), before);
  auto up = CliJson({"status", "--json"});
  EXPECT_TRUE(up["healthy"].get<bool>()) << up.dump(2);
}

// Given a shipper's declaration carrying a probe header with a wrong MAC,
// sent through Postfix, it is judged and answered as that shipper's, while
// the genuine probes are still filed as canaries.
TEST_F(CanaryScenario, ForgedProbeIsAnOrdinaryMessageFromItsSender) {
  ASSERT_TRUE(daemon_->Start());
  const GasDay day = GasDay::FromToday(10);
  const std::string id = "forged-" + day.Compact() + "@example.test";
  const std::string forged = "X-Flexmail-Canary: 0123456789abcdef0123456789abcdef; t=" +
                             std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count()) +
                             "; mac=" + std::string(64, 'a') + "\r\n" +
                             ShipperEmail({id, day, 1, 100});
  SmtpOutcome sent = SendAsShipper(stack_, forged);
  ASSERT_EQ(sent.code, CURLE_OK) << sent.error;
  auto replies = WaitForReplies(1, 30s);
  ASSERT_EQ(replies.size(), 1u) << Logs();
  EXPECT_EQ(replies[0].in_reply_to, "<" + id + ">");
  auto rows = ledger_->Rows("SELECT sender, outcome, folder FROM messages");
  ASSERT_TRUE(rows) << ledger_->last_error();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0], (std::vector<std::string>{"ops@example.test", "INTEGRATED", "Processed"}));
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM canary_probes WHERE probe_id = "
                           "'0123456789abcdef0123456789abcdef'"),
            0);
  ASSERT_TRUE(WaitForReturns(1, 20s)) << Logs();
  MailboxView box(stack_, kDaemonUser);
  EXPECT_EQ(box.Count("Processed"), 1);
  EXPECT_GE(box.Count("Canary"), 1);
  // The report holds the shipper's declaration only, never a probe.
  auto reported = Reported();
  ASSERT_EQ(reported.size(), 1u) << reported.dump(2);
  EXPECT_EQ(reported[0]["sender"], "ops@example.test");
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM declarations"), 1);
}

}  // namespace
}  // namespace flexmail::test
