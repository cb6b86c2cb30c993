// The real flexmail binary on a temp config and database, as a user runs it.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/daemon/testbed.h"

namespace flexmail::testing {
namespace {

// Given a fresh install, a user validates a CSV, publishes an indicator and
// reads the reference programme, each command exiting 0.
TEST(EndToEnd, SubmitPublishReadReference) {
  Testbed bed;
  auto csv = bed.WriteCsv("20261203", {Line("20261203", 1, Flat("250000"))});
  auto r = RunBinary({"--config", bed.config(), "check", csv, "--sender", "ops@engie.example",
                      "--at", "2026-12-02T15:00:00"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Declaration: INTEGRATED"), std::string::npos) << r.out;
  r = RunBinary({"--config", bed.config(), "submit", csv, "--sender", "ops@engie.example",
                 "--received-at", "2026-12-02T15:00:00"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Declaration 1: INTEGRATED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("20261203-LI0001-GFQUIMP01-1"), std::string::npos) << r.out;
  r = RunBinary({"--config", bed.config(), "indicators", "publish", "--mesh", "ME0005",
                 "--indicator", "Q_PLUS", "--status", "RED", "--at", "2026-12-03T09:52:00+01:00"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Published ME0005 Q_PLUS RED at 2026-12-03T09:52:00.000+01:00, applies from "
            "2026-12-03T09:52:00.000+01:00\n");
  r = RunBinary({"--config", bed.config(), "reference", "--site", "LI0001", "--gas-day",
                 "2026-12-03", "--at", "2026-12-03T10:00:00", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["hourlyQuantities"][3]["quantity"], 250000.0);
  r = RunBinary({"--config", bed.config(), "programs", "--site", "LI0001", "--gas-day",
                 "2026-12-03"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ACCEPTED"), std::string::npos) << r.out;
}

// Two declarations received at the same instant (INTERNALDATE has whole
// seconds): the second one's JSON shows the reference it has just set, not
// the one stored a moment before at that same instant.
TEST(EndToEnd, SameInstantSecondDeclarationShowsItsOwnReference) {
  Testbed bed;
  double shown[2] = {0, 0};
  const char* values[2] = {"250000", "300000"};
  for (int v = 1; v <= 2; ++v) {
    auto csv = bed.WriteCsv("20261203", {Line("20261203", v, Flat(values[v - 1]))},
                            "2026120215000" + std::to_string(v));
    auto r = RunBinary({"--config", bed.config(), "submit", csv, "--sender",
                        "ops@engie.example", "--received-at", "2026-12-02T15:00:00", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["rebuiltHmsProfiles"].size(), 1u) << r.out;
    shown[v - 1] = j["rebuiltHmsProfiles"][0]["hourlyQuantities"][3]["quantity"];
  }
  EXPECT_EQ(shown[0], 250000.0);
  EXPECT_EQ(shown[1], 300000.0);
  auto r = RunBinary({"--config", bed.config(), "reference", "--site", "LI0001", "--gas-day",
                      "2026-12-03", "--at", "2026-12-02T15:00:00", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["hourlyQuantities"][3]["quantity"], 300000.0);
}

// Runs flexmail on the bed and parses its JSON output.
nlohmann::json RunJson(const Testbed& bed, std::vector<std::string> args) {
  args.insert(args.begin(), {"--config", bed.config()});
  args.push_back("--json");
  auto r = RunBinary(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

// Every indicator of ME0005 GREEN from D-1 10:00, so that any change is feasible.
void AllGreen(const Testbed& bed) {
  for (const char* kind : {"Q_MINUS", "Q_PLUS", "PARTIAL"}) {
    auto r = RunBinary({"--config", bed.config(), "indicators", "publish", "--mesh", "ME0005",
                        "--indicator", kind, "--status", "GREEN", "--at",
                        "2026-12-02T10:00:00"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
}

nlohmann::json SubmitVersion(Testbed& bed, int version, const std::string& value,
                             const std::string& received,
                             const std::vector<std::string>& more = {}) {
  auto csv = bed.WriteCsv("20261203", {Line("20261203", version, Flat(value))},
                          "2026120215000" + std::to_string(version));
  std::vector<std::string> args = {"submit", csv, "--sender", "ops@engie.example",
                                   "--received-at", received};
  args.insert(args.end(), more.begin(), more.end());
  return RunJson(bed, args);
}

bool HasCode(const nlohmann::json& diagnostics, const std::string& code) {
  for (const auto& d : diagnostics) {
    if (d["code"] == code) return true;
  }
  return false;
}

// RULES §9. v2 received at 12:20 is processed, then v3, received at 12:05
// (an older Maildir file, a message moved back), is processed at 12:25: it
// is judged then, against the state with v2, is accepted, and the
// reference ends on v3, the highest accepted version. Judged at 12:05, v3
// was accepted but its reference took effect before v2's and never showed.
TEST(EndToEnd, OutOfOrderMailIsJudgedAtItsProcessingInstant) {
  Testbed bed;
  AllGreen(bed);
  SubmitVersion(bed, 1, "100000", "2026-12-02T15:00:00");
  auto v2 = SubmitVersion(bed, 2, "200000", "2026-12-03T12:20:00");
  EXPECT_EQ(v2["judgedAt"], "2026-12-03T12:20:00.000+01:00");
  EXPECT_FALSE(HasCode(v2["warnings"], "PROCESSED_OUT_OF_ORDER")) << v2.dump(1);
  auto v3 = SubmitVersion(bed, 3, "300000", "2026-12-03T12:05:00",
                          {"--processed-at", "2026-12-03T12:25:00"});
  EXPECT_EQ(v3["outcome"], "INTEGRATED") << v3.dump(1);
  EXPECT_EQ(v3["receivedAt"], "2026-12-03T12:05:00.000+01:00");
  EXPECT_EQ(v3["judgedAt"], "2026-12-03T12:25:00.000+01:00");
  EXPECT_TRUE(HasCode(v3["warnings"], "PROCESSED_OUT_OF_ORDER")) << v3.dump(1);
  ASSERT_EQ(v3["hmsProfiles"].size(), 1u);
  EXPECT_EQ(v3["hmsProfiles"][0]["hmsProfileFeasibility"]["hmsProfileFeasibilityStatus"],
            "ACCEPTED");
  EXPECT_EQ(v3["hmsProfiles"][0]["processingDateTime"], "2026-12-03T12:25:00.000+01:00");
  auto ref = RunJson(bed, {"reference", "--site", "LI0001", "--gas-day", "2026-12-03", "--at",
                           "2026-12-03T13:00:00"});
  EXPECT_EQ(ref["sourceHmsProfileId"], "20261203-LI0001-GFQUIMP01-3") << ref.dump(1);
  EXPECT_EQ(ref["hourlyQuantities"][6]["quantity"], 300000.0);  // 12h: from the current slot
  EXPECT_EQ(ref["hourlyQuantities"][5]["quantity"], 100000.0);  // 11h: past, v1's
  // A later declaration is judged against v3: v4 equal to it changes nothing.
  auto v4 = SubmitVersion(bed, 4, "300000", "2026-12-03T12:40:00");
  EXPECT_FALSE(HasCode(v4["warnings"], "PROCESSED_OUT_OF_ORDER")) << v4.dump(1);
  EXPECT_EQ(v4["rebuiltHmsProfiles"][0]["hourlyQuantities"][6]["quantity"], 300000.0);
  auto r = RunBinary({"--config", bed.config(), "programs", "--site", "LI0001", "--gas-day",
                      "2026-12-03", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto progs = nlohmann::json::parse(r.out)["hmsProfiles"];
  ASSERT_EQ(progs.size(), 4u);
  EXPECT_EQ(progs[2]["processingDateTime"], "2026-12-03T12:25:00.000+01:00");
}

// Without --processed-at, a replay out of order is judged at the latest
// judgement already stored (its own reception being earlier), so the
// state it is judged against includes that declaration.
TEST(EndToEnd, OutOfOrderReplayIsJudgedAfterTheLatestDeclaration) {
  Testbed bed;
  AllGreen(bed);
  SubmitVersion(bed, 1, "100000", "2026-12-02T15:00:00");
  SubmitVersion(bed, 2, "200000", "2026-12-03T12:20:00");
  auto v3 = SubmitVersion(bed, 3, "300000", "2026-12-03T12:05:00");
  EXPECT_EQ(v3["judgedAt"], "2026-12-03T12:20:00.000+01:00");
  EXPECT_TRUE(HasCode(v3["warnings"], "PROCESSED_OUT_OF_ORDER")) << v3.dump(1);
  auto ref = RunJson(bed, {"reference", "--site", "LI0001", "--gas-day", "2026-12-03", "--at",
                           "2026-12-03T12:30:00"});
  EXPECT_EQ(ref["sourceHmsProfileId"], "20261203-LI0001-GFQUIMP01-3") << ref.dump(1);
}

// rebuiltHmsProfile.quantity is a mandatory number: the past hours of a
// first programme received intraday, never declared, show 0, not null.
TEST(EndToEnd, ReferenceQuantitiesAreAlwaysNumbers) {
  Testbed bed;
  AllGreen(bed);
  std::vector<std::string> values = Flat("500");
  for (int i = 0; i < 6; ++i) values[i] = "";  // 06h..11h: past at 12:20
  auto csv = bed.WriteCsv("20261203", {Line("20261203", 1, values)});
  auto v1 = RunJson(bed, {"submit", csv, "--sender", "ops@engie.example", "--received-at",
                          "2026-12-03T12:20:00"});
  ASSERT_EQ(v1["outcome"], "INTEGRATED") << v1.dump(1);
  for (const auto& shown :
       {v1["rebuiltHmsProfiles"][0],
        RunJson(bed, {"reference", "--site", "LI0001", "--gas-day", "2026-12-03"}),
        RunJson(bed, {"reference", "--site", "LI0002", "--gas-day", "2026-12-03"})}) {
    ASSERT_EQ(shown["hourlyQuantities"].size(), 24u) << shown.dump(1);
    for (const auto& h : shown["hourlyQuantities"]) {
      EXPECT_TRUE(h["quantity"].is_number()) << shown.dump(1);
    }
  }
  EXPECT_EQ(v1["rebuiltHmsProfiles"][0]["hourlyQuantities"][0]["quantity"], 0.0);
  EXPECT_EQ(v1["rebuiltHmsProfiles"][0]["hourlyQuantities"][6]["quantity"], 500.0);
}

// Data survives the process: a second run sees the first one's version and
// refuses to reuse its id.
TEST(EndToEnd, LedgerPersistsAcrossRuns) {
  Testbed bed;
  auto csv = bed.WriteCsv("20261203", {Line("20261203", 1, Flat("100"))});
  std::vector<std::string> submit = {"--config", bed.config(), "submit", csv, "--sender",
                                     "ops@engie.example", "--received-at",
                                     "2026-12-02T15:00:00", "--json"};
  ASSERT_EQ(RunBinary(submit).exit_code, 0);
  auto r = RunBinary(submit);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["outcome"], "REJECTED");
  EXPECT_EQ(j["errors"][0]["code"], "HMS_PROFILE_ID_ALREADY_EXISTS");
  EXPECT_EQ(j["errors"].size(), 1u);
}

// ingest processes one raw email file as if received at --received-at and
// prints the fixed JSON keys, with a reason for an ignored message.
TEST(EndToEnd, IngestJson) {
  Testbed bed("[mail]\naddress = \"declarations@flexmail.example\"\n");
  std::string eml = bed.dir() + "/in.eml";
  std::ofstream(eml, std::ios::binary) << Fixture("py-alternative-signature.eml");
  auto r = RunBinary({"--config", bed.config(), "ingest", eml, "--received-at",
                      "2026-12-02T15:00:00", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["outcome"], "INTEGRATED");
  EXPECT_EQ(j["messageId"], "<py-alt@engie.example>");
  EXPECT_EQ(j["sender"], "ops@engie.example");
  EXPECT_EQ(j["receivedAt"], "2026-12-02T15:00:00.000+01:00");
  EXPECT_EQ(j["hmsProfiles"][0]["hmsProfileId"], "20261203-LI0001-GFQUIMP01-1");
  r = RunBinary({"--config", bed.config(), "ingest", eml, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["outcome"], "IGNORED");
  EXPECT_EQ(j["reason"], "doublon du message n°1");
  r = RunBinary({"--config", bed.config(), "outbox", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["replies"].size(), 1u);
  EXPECT_EQ(j["replies"][0]["state"], "PENDING");
  r = RunBinary({"--config", bed.config(), "outbox", "show", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("In-Reply-To: <py-alt@engie.example>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Auto-Submitted: auto-replied"), std::string::npos) << r.out;
  EXPECT_EQ(RunBinary({"--config", bed.config(), "outbox", "show", "9"}).exit_code, 2);
}

// A copy of an ingested email with one more Received: header (a relay, a
// mailbox rule) is recognised as the same declaration: ignored as a
// duplicate, and the sender is answered once.
TEST(EndToEnd, IngestRedeliveredCopyIsADuplicate) {
  Testbed bed("[mail]\naddress = \"declarations@flexmail.example\"\n");
  std::string eml = bed.dir() + "/in.eml", copy = bed.dir() + "/copy.eml";
  std::ofstream(eml, std::ios::binary) << Fixture("py-alternative-signature.eml");
  std::ofstream(copy, std::ios::binary)
      << "Received: from relay.engie.example by mx.flexmail.example;\r\n"
         " Wed, 02 Dec 2026 15:00:02 +0100\r\n"
      << Fixture("py-alternative-signature.eml");
  auto r = RunBinary({"--config", bed.config(), "ingest", eml, "--received-at",
                      "2026-12-02T15:00:00", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["outcome"], "INTEGRATED");
  r = RunBinary({"--config", bed.config(), "ingest", copy, "--received-at",
                 "2026-12-02T15:30:00"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Message <py-alt@engie.example> from ops@engie.example: IGNORED (doublon du "
                   "message n°1 (même Message-ID, même expéditeur, mêmes fichiers))\n");
  r = RunBinary({"--config", bed.config(), "outbox", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["replies"].size(), 1u);
}

// Help exits 0; a missing required option exits 2.
TEST(EndToEnd, HelpAndUsage) {
  EXPECT_EQ(RunBinary({"--help"}).exit_code, 0);
  auto r = RunBinary({"submit"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("required"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace flexmail::testing
