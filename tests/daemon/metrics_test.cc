// The metrics textfile: the exact text of a snapshot, the atomic write, and
// the file read back by Prometheus's own parser (promtool check metrics).
#include "daemon/metrics.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "daemon/metrics_textfile.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using namespace std::chrono_literals;
using testing::Shell;

MetricsSnapshot FullSnapshot() {
  MetricsSnapshot s;
  s.messages_by_outcome = {{"INTEGRATED", 12}, {"IGNORED", 3}};
  s.replies_by_state = {{"PENDING", 1}, {"SENT", 11}, {"FAILED", 0}};
  s.poll_duration_seconds = 0.25;
  s.last_poll_success_unix_seconds = 1796281200.5;
  s.last_poll_ok = true;
  s.oldest_unanswered_age_seconds = 90;
  s.canary_last_round_trip_unix_seconds = 1796281100;
  s.canary_last_round_trip_seconds = 4.125;
  s.imap_idle_connected = false;
  s.version = "0.1.0";
  return s;
}

TEST(MetricsFormat, FullSnapshotExactText) {
  // Given every value known, every family is written with HELP and TYPE, outcomes and states in a fixed order, absent ones as 0.
  EXPECT_EQ(FormatMetrics(FullSnapshot()),
            "# HELP flexmail_messages_total Messages recorded in the ledger, by outcome.\n"
            "# TYPE flexmail_messages_total counter\n"
            "flexmail_messages_total{outcome=\"INTEGRATED\"} 12\n"
            "flexmail_messages_total{outcome=\"REJECTED\"} 0\n"
            "flexmail_messages_total{outcome=\"IGNORED\"} 3\n"
            "flexmail_messages_total{outcome=\"TEST\"} 0\n"
            "# HELP flexmail_replies Replies in the outbox, by state.\n"
            "# TYPE flexmail_replies gauge\n"
            "flexmail_replies{state=\"PENDING\"} 1\n"
            "flexmail_replies{state=\"SENT\"} 11\n"
            "flexmail_replies{state=\"FAILED\"} 0\n"
            "# HELP flexmail_poll_duration_seconds How long the last inbox poll took.\n"
            "# TYPE flexmail_poll_duration_seconds gauge\n"
            "flexmail_poll_duration_seconds 0.25\n"
            "# HELP flexmail_last_poll_success_timestamp_seconds When the last successful inbox "
            "poll ended (Unix time).\n"
            "# TYPE flexmail_last_poll_success_timestamp_seconds gauge\n"
            "flexmail_last_poll_success_timestamp_seconds 1796281200.5\n"
            "# HELP flexmail_last_poll_ok 1 if the last inbox poll succeeded, else 0.\n"
            "# TYPE flexmail_last_poll_ok gauge\n"
            "flexmail_last_poll_ok 1\n"
            "# HELP flexmail_oldest_unanswered_declaration_age_seconds Age of the oldest reply "
            "still waiting to be sent (0 when none).\n"
            "# TYPE flexmail_oldest_unanswered_declaration_age_seconds gauge\n"
            "flexmail_oldest_unanswered_declaration_age_seconds 90\n"
            "# HELP flexmail_canary_last_round_trip_timestamp_seconds When the last canary probe "
            "came back (Unix time).\n"
            "# TYPE flexmail_canary_last_round_trip_timestamp_seconds gauge\n"
            "flexmail_canary_last_round_trip_timestamp_seconds 1796281100\n"
            "# HELP flexmail_canary_last_round_trip_seconds How long the last canary probe took "
            "to come back.\n"
            "# TYPE flexmail_canary_last_round_trip_seconds gauge\n"
            "flexmail_canary_last_round_trip_seconds 4.125\n"
            "# HELP flexmail_imap_idle_connected 1 if the IMAP IDLE connection is up, else 0.\n"
            "# TYPE flexmail_imap_idle_connected gauge\n"
            "flexmail_imap_idle_connected 0\n"
            "# HELP flexmail_build_info The running flexmail's version (always 1).\n"
            "# TYPE flexmail_build_info gauge\n"
            "flexmail_build_info{version=\"0.1.0\"} 1\n");
}

TEST(MetricsFormat, UnknownValuesLeaveTheirFamilyOut) {
  // Given a first poll that failed, no canary, no IDLE and no version, only what is known is written.
  MetricsSnapshot s;
  s.poll_duration_seconds = 3;
  s.last_poll_ok = false;
  const std::string text = FormatMetrics(s);
  EXPECT_NE(text.find("flexmail_last_poll_ok 0\n"), std::string::npos);
  EXPECT_NE(text.find("flexmail_oldest_unanswered_declaration_age_seconds 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("flexmail_replies{state=\"FAILED\"} 0\n"), std::string::npos);
  for (const char* absent : {"flexmail_last_poll_success_timestamp_seconds", "flexmail_canary",
                             "flexmail_imap_idle_connected", "flexmail_build_info"}) {
    EXPECT_EQ(text.find(absent), std::string::npos) << absent;
  }
}

TEST(MetricsFormat, LabelValuesAreEscaped) {
  // Given a backslash, a double quote and a newline in a label value, each is escaped as the exposition format says.
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  MetricsSnapshot s;
  s.version = "1.0 \"rc\\1\"\n";
  EXPECT_NE(FormatMetrics(s).find("flexmail_build_info{version=\"1.0 \\\"rc\\\\1\\\"\\n\"} 1\n"),
            std::string::npos);
}

TEST(MetricsFormat, SampleValues) {
  // Given whole numbers, fractions and non-finite values, each is written as Prometheus reads it.
  struct Case {
    double v;
    const char* want;
  } cases[] = {{0, "0"}, {42, "42"}, {-3, "-3"}, {0.1, "0.1"}, {1796281200.123, "1796281200.123"},
               {1e20, "1e+20"}, {NAN, "NaN"}, {INFINITY, "+Inf"}, {-INFINITY, "-Inf"}};
  for (const auto& c : cases) EXPECT_EQ(FormatSampleValue(c.v), c.want) << c.v;
}

class MetricsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/flexmail-metrics-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_))
      names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  std::string dir_;
};

TEST_F(MetricsFileTest, WriteReplacesTheFileAndLeavesNoTemporary) {
  // Given an existing file, writing replaces its content and leaves only the file, readable by the collector.
  const std::string path = dir_ + "/flexmail.prom";
  ASSERT_TRUE(WriteFileAtomically(path, "old\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "new\n").ok());
  EXPECT_EQ(testing::ReadFile(path), "new\n");
  EXPECT_EQ(Files(), std::vector<std::string>{"flexmail.prom"});
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(MetricsFileTest, WriteFailureNamesThePathAndLeavesNothing) {
  // Given a target that is a directory, the rename fails, the status names it and the temporary is removed.
  const std::string path = dir_ + "/taken";
  std::filesystem::create_directory(path);
  std::filesystem::create_directory(path + "/inside");
  Status s = WriteFileAtomically(path, "x\n");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
  EXPECT_EQ(Files(), std::vector<std::string>{"taken"});
  s = WriteFileAtomically(dir_ + "/missing/flexmail.prom", "x\n");
  EXPECT_NE(s.message().find("cannot create " + dir_ + "/missing/flexmail.prom.tmp."),
            std::string::npos)
      << s.message();
}

TEST_F(MetricsFileTest, TextfileFailureDoesNotThrowAndRecovers) {
  // Given a textfile in a missing directory, Update reports failing; once the directory exists, the next Update writes it.
  const std::string path = dir_ + "/later/flexmail.prom";
  testing::Testbed bed;
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(bed.database(), &ledger).ok());
  MetricsTextfile file(path);
  PollRecord poll;
  poll.started_at = testing::At("2026-12-03T10:00:00+01:00");
  poll.finished_at = poll.started_at + 1500ms;
  file.Update(ledger.get(), poll.finished_at, poll);
  EXPECT_TRUE(file.failing());
  file.Update(ledger.get(), poll.finished_at, poll);
  EXPECT_TRUE(file.failing());
  std::filesystem::create_directory(dir_ + "/later");
  file.Update(ledger.get(), poll.finished_at, poll);
  EXPECT_FALSE(file.failing());
  EXPECT_NE(testing::ReadFile(path).find("flexmail_poll_duration_seconds 1.5\n"),
            std::string::npos);
}

// The samples of a textfile, "name{labels}" -> value text.
std::map<std::string, std::string> Samples(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

TEST_F(MetricsFileTest, PromtoolAcceptsTheFileFromALedger) {
  // Given a ledger with a successful poll and an ignored message, the file written from it passes promtool check metrics without a lint complaint, and its values read back.
  testing::Testbed bed;
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(bed.database(), &ledger).ok());
  PollRecord poll;
  poll.started_at = testing::At("2026-12-03T10:00:00+01:00");
  poll.finished_at = poll.started_at + 2250ms;
  ASSERT_TRUE(ledger->RecordPoll(poll).ok());
  MessageRecord m;
  m.mailbox = "INBOX";
  m.validity = 1;
  m.mailbox_key = "1";
  m.raw = "Subject: x\r\n\r\nx\r\n";
  m.received_at = poll.started_at;
  m.source = "imap";
  m.outcome = Outcome::kIgnored;
  m.reason = "unknown sender";
  m.folder = "Ignored";
  ASSERT_TRUE(ledger->RecordMessage(&m).ok());
  MetricsSnapshot s;
  ASSERT_TRUE(ReadMetricsSnapshot(ledger.get(), poll.finished_at, poll, &s).ok());
  s.canary_last_round_trip_seconds = 3.5;  // as the integration will fill them
  s.imap_idle_connected = true;
  const std::string path = dir_ + "/flexmail.prom";
  ASSERT_TRUE(WriteFileAtomically(path, FormatMetrics(s)).ok());

  std::string output;
  EXPECT_EQ(Shell("promtool check metrics < " + path, &output), 0) << output;
  EXPECT_EQ(output, "") << "promtool lint complaints";
  auto samples = Samples(testing::ReadFile(path));
  EXPECT_EQ(samples["flexmail_messages_total{outcome=\"IGNORED\"}"], "1");
  EXPECT_EQ(samples["flexmail_messages_total{outcome=\"INTEGRATED\"}"], "0");
  EXPECT_EQ(samples["flexmail_replies{state=\"PENDING\"}"], "0");
  EXPECT_EQ(samples["flexmail_poll_duration_seconds"], "2.25");
  EXPECT_EQ(samples["flexmail_last_poll_ok"], "1");
  EXPECT_EQ(samples["flexmail_last_poll_success_timestamp_seconds"], "1796288402.25");
  EXPECT_EQ(samples["flexmail_oldest_unanswered_declaration_age_seconds"], "0");
  EXPECT_EQ(samples["flexmail_canary_last_round_trip_seconds"], "3.5");
  EXPECT_EQ(samples["flexmail_imap_idle_connected"], "1");
  EXPECT_EQ(samples["flexmail_build_info{version=\"" + FlexmailVersion() + "\"}"], "1");
  EXPECT_FALSE(FlexmailVersion().empty());
}

}  // namespace
}  // namespace flexmail
