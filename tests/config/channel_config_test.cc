// [inbox] idle, [canary] and [metrics]: defaults, values read, and the one
// located message each mistake gets.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "config/config.h"
#include "tests/config/good_config.h"

namespace flexmail {
namespace {

std::string WithSections(const std::string& extra) { return std::string(kGoodConfig) + extra; }

TEST(ChannelConfig, DefaultsWithoutTheSections) {
  // Given no idle keys, [canary] or [metrics], IDLE should be on with a 29-minute refresh, and no canary nor metrics file configured.
  Config c;
  ASSERT_TRUE(ParseConfig(std::string(kGoodConfig), "flexmail.toml", "", &c).ok());
  EXPECT_TRUE(c.inbox.idle);
  EXPECT_EQ(c.inbox.idle_refresh.count(), 1740);
  EXPECT_FALSE(c.canary.configured);
  EXPECT_EQ(c.metrics.textfile, "");
}

TEST(ChannelConfig, ReadsEveryKey) {
  // Given every key, each should be read and the paths resolved against the configuration's folder.
  std::string text = WithSections(
      "\n[canary]\ninterval = 600\nsecret_file = \"canary.secret\"\n"
      "address = \"contact@flexmail.example\"\nfolder = \"Probes\"\n"
      "[metrics]\ntextfile = \"prom/flexmail.prom\"\n");
  text.replace(text.find("low_speed_time = 90"), 19,
               "low_speed_time = 90\nidle = false\nidle_refresh = 60");
  Config c;
  Status s = ParseConfig(text, "flexmail.toml", "/etc/flexmail", &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(c.inbox.idle);
  EXPECT_EQ(c.inbox.idle_refresh.count(), 60);
  EXPECT_TRUE(c.canary.configured);
  EXPECT_EQ(c.canary.interval.count(), 600);
  EXPECT_EQ(c.canary.secret_file, "/etc/flexmail/canary.secret");
  EXPECT_EQ(c.canary.address, "contact@flexmail.example");
  EXPECT_EQ(c.canary.folder, "Probes");
  EXPECT_EQ(c.metrics.textfile, "/etc/flexmail/prom/flexmail.prom");
}

struct BadCase {
  const char* name;
  std::string text;     // the whole configuration
  std::string message;  // exact
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

// The line of the last occurrence of `needle` (the edits are at the end).
int LineOf(const std::string& text, const std::string& needle) {
  const auto at = text.rfind(needle);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

std::vector<BadCase> Cases() {
  std::vector<BadCase> cases;
  auto add = [&](const char* name, const std::string& text, const std::string& needle,
                 const std::string& rest) {
    cases.push_back({name, text, "flexmail.toml:" + std::to_string(LineOf(text, needle)) + ": " + rest});
  };
  const std::string no_interval = WithSections("\n[canary]\nsecret_file = \"c.secret\"\n");
  add("CanaryNeedsInterval", no_interval, "[canary]",
      "canary.interval: required key is missing");
  const std::string short_interval =
      WithSections("\n[canary]\ninterval = 1\nsecret_file = \"c.secret\"\n");
  add("CanaryIntervalAtLeastFive", short_interval, "interval = 1",
      "canary.interval = 1: must be between 5 and 604800");
  const std::string no_secret = WithSections("\n[canary]\ninterval = 60\n");
  add("CanaryNeedsSecret", no_secret, "[canary]", "canary.secret_file: required key is missing");
  const std::string same_folder =
      WithSections("\n[canary]\ninterval = 60\nsecret_file = \"c.secret\"\nfolder = \"Done\"\n");
  add("CanaryFolderIsItsOwn", same_folder, "folder = \"Done\"",
      "canary.folder = \"Done\": is already one of [inbox]'s folders");
  const std::string bad_address = WithSections(
      "\n[canary]\ninterval = 60\nsecret_file = \"c.secret\"\naddress = \"nobody\"\n");
  add("CanaryAddressIsAnAddress", bad_address, "address = \"nobody\"",
      "canary.address = \"nobody\": expected an address local@domain.example");
  const std::string no_textfile = WithSections("\n[metrics]\n");
  add("MetricsNeedsTextfile", no_textfile, "[metrics]", "metrics.textfile: required key is missing");
  std::string bad_refresh(kGoodConfig);
  bad_refresh.replace(bad_refresh.find("low_speed_time = 90"), 19,
                      "low_speed_time = 90\nidle_refresh = 1800");
  add("IdleRefreshBelowThirtyMinutes", bad_refresh, "idle_refresh = 1800",
      "inbox.idle_refresh = 1800: must be between 5 and 1740");
  return cases;
}

class ChannelConfigErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ChannelConfigErrors, GivesExactlyThisMessage) {
  // Given one mistake in [canary], [metrics] or the IDLE keys, loading should fail with exactly the case's located message.
  Config config;
  Status s = ParseConfig(GetParam().text, "flexmail.toml", "", &config);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(Table, ChannelConfigErrors, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<BadCase>& i) { return i.param.name; });

}  // namespace
}  // namespace flexmail
