// The command line, run in-process with a fixed clock on a temp config and
// database: every fixed command and JSON key, and the exit codes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "daemon/cli.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using testing::Flat;
using testing::RunCliIn;
using testing::Line;
using testing::At;
using testing::FixedClock;
using testing::Testbed;
using Json = nlohmann::json;

struct Cli {
  Testbed bed;
  FixedClock clock;
  std::string out, err;

  int Run(std::vector<std::string> args) { return RunCliIn(bed, clock, args, &out, &err); }
  Json RunJson(std::vector<std::string> args) {
    args.push_back("--json");
    EXPECT_EQ(Run(args), 0) << err;
    return Json::parse(out);
  }
  void Publish(const char* mesh, const char* ind, const char* status, const char* at) {
    ASSERT_EQ(Run({"indicators", "publish", "--mesh", mesh, "--indicator", ind, "--status",
                   status, "--at", at}),
              0)
        << err;
  }
};

std::vector<std::string> ExampleAVersion2() {
  auto v = Flat("100");
  v[7] = "90";  // 13h
  for (int i = 8; i <= 13; ++i) v[i] = "110";  // 14h..19h
  return v;
}

// Given example A through the command line, submit --json reports the
// refusal with the contract's keys and the reference that stays in force.
TEST(Cli, SubmitJsonExampleA) {
  Cli cli;
  auto v1 = cli.bed.WriteCsv("20261203", {Line("20261203", 1, Flat("100"))});
  Json j = cli.RunJson({"submit", v1, "--sender", "ops@engie.example", "--received-at",
                        "2026-12-02T15:00:00"});
  EXPECT_EQ(j["outcome"], "INTEGRATED");
  cli.Publish("ME0005", "Q_MINUS", "GREEN", "2026-12-02T05:52:00");
  cli.Publish("ME0005", "PARTIAL", "GREEN", "2026-12-02T05:52:00");
  cli.Publish("ME0005", "Q_PLUS", "GREEN", "2026-12-02T05:52:00");
  cli.Publish("ME0005", "Q_PLUS", "RED", "2026-12-03T09:52:00");
  cli.Publish("ME0005", "PARTIAL", "RED", "2026-12-03T10:52:00");
  auto v2 = cli.bed.WriteCsv("20261203", {Line("20261203", 2, ExampleAVersion2())},
                             "20261203120000");
  j = cli.RunJson({"submit", v2, "--sender", "ops@engie.example", "--received-at",
                   "2026-12-03T12:05:00+01:00"});
  EXPECT_EQ(j["outcome"], "INTEGRATED");
  EXPECT_EQ(j["sender"], "ops@engie.example");
  EXPECT_EQ(j["receivedAt"], "2026-12-03T12:05:00.000+01:00");
  ASSERT_EQ(j["hmsProfiles"].size(), 1u);
  const Json& p = j["hmsProfiles"][0];
  EXPECT_EQ(p["hmsProfileId"], "20261203-LI0001-GFQUIMP01-2");
  EXPECT_EQ(p["gasDay"], "2026-12-03");
  EXPECT_EQ(p["unit"], "kWh25");
  EXPECT_EQ(p["hmsHourlyProfile"].size(), 24u);
  EXPECT_EQ(p["hmsHourlyProfile"][0]["hourlySlotStartDateTime"], "2026-12-03T06:00:00.000+01:00");
  EXPECT_EQ(p["hmsHourlyProfile"][23]["hourlySlotStartDateTime"], "2026-12-04T05:00:00.000+01:00");
  const Json& f = p["hmsProfileFeasibility"];
  EXPECT_EQ(f["hmsProfileFeasibilityStatus"], "REFUSED");
  EXPECT_EQ(f["codes"], Json::array({"HMS_PROFILE_NOT_RESPECT_QMAX_DELAY"}));
  EXPECT_EQ(f["comment"],
            "Le programme ne respecte pas le délai de prévenance sur les heures 14h00, 15h00, "
            "16h00, 17h00. Indicateur de Flexibilité Q → Q+ rouge");
  EXPECT_EQ(f["indicator"]["qToQmaxFlexibilityIndicator"], "RED");
  EXPECT_EQ(f["indicator"]["partialFlexibilityIndicator"], "RED");
  EXPECT_EQ(f["indicator"]["qTo0FlexibilityIndicator"], "GREEN");
  EXPECT_EQ(f["superseded"], false);
  ASSERT_EQ(j["rebuiltHmsProfiles"].size(), 1u);
  const Json& r = j["rebuiltHmsProfiles"][0];
  EXPECT_EQ(r["hmsProfileId"], "20261203-LI0001");
  EXPECT_EQ(r["hourlyQuantities"][8]["quantity"], 100.0);  // ref unchanged
  EXPECT_EQ(r["processingDateTime"], "2026-12-02T15:00:00.000+01:00");
}

// Given a check, nothing is stored: the same programme can then be submitted.
TEST(Cli, CheckStoresNothing) {
  Cli cli;
  auto v1 = cli.bed.WriteCsv("20261203", {Line("20261203", 1, Flat("100"))});
  Json j = cli.RunJson({"check", v1, "--sender", "ops@engie.example", "--at",
                        "2026-12-02T15:00:00Z"});
  EXPECT_EQ(j["outcome"], "INTEGRATED");
  EXPECT_FALSE(j.contains("declarationId"));
  EXPECT_EQ(j["rebuiltHmsProfiles"][0]["hourlyQuantities"][0]["quantity"], 100.0);
  Json progs = cli.RunJson({"programs", "--site", "LI0001", "--gas-day", "2026-12-03"});
  EXPECT_TRUE(progs["hmsProfiles"].empty());
  j = cli.RunJson({"submit", v1, "--sender", "ops@engie.example", "--received-at",
                   "2026-12-02T15:00:00Z"});
  EXPECT_EQ(j["outcome"], "INTEGRATED");
  EXPECT_EQ(j["hmsProfiles"][0]["hmsProfileFeasibility"]["hmsProfileFeasibilityStatus"],
            "ACCEPTED");
}

// Example G: one bad file rejects the declaration, with located errors, and
// consumes nothing: the good programme is accepted when sent again.
TEST(Cli, RejectionIsLocatedAndConsumesNothing) {
  Cli cli;
  auto good = cli.bed.WriteCsv("20261203", {Line("20261203", 1, Flat("100"))});
  auto values = Flat("100");
  values.pop_back();
  auto bad = cli.bed.WriteCsv("20261204", {Line("20261204", 1, values)});
  Json j = cli.RunJson({"submit", good, bad, "--sender", "ops@engie.example", "--received-at",
                        "2026-12-02T15:00:00"});
  EXPECT_EQ(j["outcome"], "REJECTED");
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0]["code"], "BAD_NUMBER_QUANTITIES");
  EXPECT_EQ(j["errors"][0]["file"], "Export_DECLARATIONS_CCG-UPLOAD-20261204_20261202150000.csv");
  EXPECT_EQ(j["errors"][0]["line"], 2);
  EXPECT_TRUE(j["hmsProfiles"].empty());
  Json progs = cli.RunJson({"programs", "--site", "LI0001", "--gas-day", "2026-12-03"});
  EXPECT_TRUE(progs["hmsProfiles"].empty());
  j = cli.RunJson({"submit", good, "--sender", "ops@engie.example", "--received-at",
                   "2026-12-02T16:00:00"});
  EXPECT_EQ(j["outcome"], "INTEGRATED");
}

// The reference command prints the rebuiltHmsProfile in force at --at, with
// zeros and no processing time before any programme.
TEST(Cli, ReferenceInForceAtTime) {
  Cli cli;
  Json none = cli.RunJson({"reference", "--site", "LI0001", "--gas-day", "2026-12-03", "--at",
                           "2026-12-02T12:00:00"});
  EXPECT_TRUE(none["processingDateTime"].is_null());
  EXPECT_EQ(none["hourlyQuantities"].size(), 24u);
  EXPECT_EQ(none["hourlyQuantities"][5]["quantity"], 0.0);
  auto v1 = cli.bed.WriteCsv("20261203", {Line("20261203", 1, Flat("300"))});
  ASSERT_EQ(cli.Run({"submit", v1, "--sender", "ops@engie.example", "--received-at",
                     "2026-12-02T15:00:00"}),
            0);
  Json before = cli.RunJson({"reference", "--site", "LI0001", "--gas-day", "2026-12-03", "--at",
                             "2026-12-02T14:59:59"});
  EXPECT_TRUE(before["processingDateTime"].is_null());
  Json after = cli.RunJson({"reference", "--site", "LI0001", "--gas-day", "2026-12-03", "--at",
                            "2026-12-02T15:00:00"});
  EXPECT_EQ(after["hourlyQuantities"][0]["quantity"], 300.0);
  EXPECT_EQ(after["hourlyQuantities"][0]["hourlySlotStartDateTime"],
            "2026-12-03T06:00:00.000+01:00");
  EXPECT_EQ(after["connectionContractCode"], "GFQUIMP01");
}

// indicators show gives currentIndicator, and nextIndicator while a less
// favourable publication waits for its 23 minutes.
TEST(Cli, IndicatorsShowCurrentAndNext) {
  Cli cli;
  cli.Publish("ME0005", "Q_PLUS", "GREEN", "2026-12-03T09:52:00");
  cli.Publish("ME0005", "Q_PLUS", "RED", "2026-12-03T10:52:00");
  Json j = cli.RunJson({"indicators", "show", "--mesh", "ME0005", "--at", "2026-12-03T11:00:00"});
  ASSERT_EQ(j["siteIndicators"].size(), 1u);
  const Json& s = j["siteIndicators"][0];
  EXPECT_EQ(s["currentIndicator"]["siteId"], "LI0001");
  EXPECT_EQ(s["currentIndicator"]["meshLabel"], "Bretagne");
  EXPECT_EQ(s["currentIndicator"]["qToQmaxFlexibilityIndicator"]["status"], "GREEN");
  EXPECT_EQ(s["nextIndicator"]["qToQmaxFlexibilityIndicator"]["status"], "RED");
  EXPECT_EQ(s["nextIndicator"]["qToQmaxFlexibilityIndicator"]["applicationDateTime"],
            "2026-12-03T11:15:00.000+01:00");
  EXPECT_EQ(s["currentIndicator"]["qTo0FlexibilityIndicator"]["status"], "RED");  // default
  EXPECT_EQ(s["currentIndicator"]["qTo0FlexibilityIndicator"]["published"], false);
  Json later = cli.RunJson({"indicators", "show", "--mesh", "ME0005", "--at",
                            "2026-12-03T11:15:00"});
  EXPECT_FALSE(later["siteIndicators"][0].contains("nextIndicator"));
  EXPECT_EQ(later["siteIndicators"][0]["currentIndicator"]["qToQmaxFlexibilityIndicator"]["status"],
            "RED");
}

// A shortage declared for D refuses a programme for D received afterwards.
TEST(Cli, ShortageRefuses) {
  Cli cli;
  ASSERT_EQ(cli.Run({"shortage", "declare", "--gas-day", "2026-12-03", "--at",
                     "2026-12-02T20:30:00"}),
            0)
      << cli.err;
  auto v1 = cli.bed.WriteCsv("20261203", {Line("20261203", 1, Flat("100"))});
  Json j = cli.RunJson({"submit", v1, "--sender", "ops@engie.example", "--received-at",
                        "2026-12-02T21:00:00"});
  EXPECT_EQ(j["hmsProfiles"][0]["hmsProfileFeasibility"]["codes"],
            Json::array({"HMS_PROFILE_NOT_RESPECT_GRAY_INDICATOR"}));
}

// Usage and configuration errors exit 2 with one clear message.
TEST(Cli, UsageErrorsExitTwo) {
  Cli cli;
  EXPECT_EQ(cli.Run({"frobnicate"}), 2);
  EXPECT_EQ(cli.Run({"reference", "--site", "LI0001", "--gas-day", "2026-13-03"}), 2);
  EXPECT_EQ(cli.err, "flexmail: --gas-day: \"2026-13-03\": expected a date YYYY-MM-DD\n");
  EXPECT_EQ(cli.Run({"reference", "--site", "LI0009", "--gas-day", "2026-12-03"}), 2);
  EXPECT_EQ(cli.err, "flexmail: --site: \"LI0009\": no such site in the referential\n");
  EXPECT_EQ(cli.Run({"indicators", "publish", "--mesh", "ME0005", "--indicator", "Q_PLUS",
                     "--status", "RED", "--at", "2026-03-29T02:30:00"}),
            2);
  EXPECT_NE(cli.err.find("does not exist in Europe/Paris"), std::string::npos) << cli.err;
  EXPECT_EQ(cli.Run({"submit", "/nonexistent.csv", "--sender", "a@b.example"}), 2);
  EXPECT_EQ(cli.err, "flexmail: cannot read /nonexistent.csv\n");
  std::ofstream(cli.bed.config()) << "[rules]\nunknown_indicator = \"PURPLE\"\n";
  EXPECT_EQ(cli.Run({"indicators", "show"}), 2);
  EXPECT_NE(cli.err.find("unknown_indicator"), std::string::npos) << cli.err;
  EXPECT_NE(cli.err.find("PURPLE"), std::string::npos) << cli.err;
}

// A database that cannot be opened is an internal failure: exit 1.
TEST(Cli, UnusableDatabaseExitsOne) {
  Cli cli;
  std::stringstream text;
  text << std::ifstream(cli.bed.config()).rdbuf();
  std::string config = text.str();
  config.replace(config.find("path = \"flexmail.db\""), 20,
                 "path = \"/proc/none/flexmail.db\"");
  std::ofstream(cli.bed.config()) << config;
  EXPECT_EQ(cli.Run({"indicators", "show"}), 1);
  EXPECT_NE(cli.err.find("/proc/none/flexmail.db"), std::string::npos) << cli.err;
}

}  // namespace
}  // namespace flexmail
