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
