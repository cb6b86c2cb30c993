// The servers' certificates and the metrics textfile, against the real
// Dovecot and Postfix: a stack whose certificate expires in 5 days.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/integration/daemon_scenarios.h"

namespace flexmail::test {
namespace {

class ShortLivedCertificateScenario : public DaemonScenario {
 protected:
  ::testing::AssertionResult StartStack() override {
    return stack_.StartWithCertificateDays(5);
  }
};

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Given a stack whose certificate ends in 5 days and a declaration to answer,
// `run --once` records the IMAP and SMTP servers' certificates; `status
// --json` then warns of both (healthy all the same), and the metrics
// textfile it wrote passes promtool.
TEST_F(ShortLivedCertificateScenario, RunOnceRecordsServerCertificatesAndStatusWarns) {
  const std::string metrics = bed_->dir() + "/flexmail.prom";
  std::ofstream(bed_->config(), std::ios::app) << "\n[metrics]\ntextfile = \"" << metrics << "\"\n";
  ASSERT_TRUE(Seed({"cert@example.test", GasDay{2026, 12, 3}, 1}, "2026-12-02 10:00:00 +0100"));

  CommandResult run = bed_->Run({"run", "--once"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto rows = ledger_->Rows("SELECT endpoint, subject FROM tls_certificates ORDER BY endpoint");
  ASSERT_TRUE(rows) << ledger_->last_error();
  ASSERT_EQ(rows->size(), 2u) << run.out << run.err;
  EXPECT_TRUE((*rows)[0][0].starts_with("imaps://127.0.0.1:")) << (*rows)[0][0];
  EXPECT_TRUE((*rows)[1][0].starts_with("smtp://127.0.0.1:")) << (*rows)[1][0];
  EXPECT_NE((*rows)[0][1].find("CN = localhost"), std::string::npos) << (*rows)[0][1];

  auto status = CliJson({"status", "--json"});
  EXPECT_EQ(status["healthy"], true) << status.dump(2);
  ASSERT_EQ(status["certificateWarnings"].size(), 2u) << status.dump(2);
  for (const auto& w : status["certificateWarnings"]) {
    EXPECT_TRUE(EndsWith(w["what"].get<std::string>(), " server certificate")) << w.dump();
    EXPECT_EQ(w["daysLeft"], 4) << w.dump();
  }
  EXPECT_EQ(status["warnings"].size(), 2u) << status.dump(2);

  FILE* p = popen(("promtool check metrics < " + metrics + " 2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  std::string output;
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  const int rc = pclose(p);
  EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << output;
  EXPECT_EQ(output, "");
  const std::string text = ReadWhole(metrics);
  EXPECT_NE(text.find("flexmail_messages_total{outcome=\"INTEGRATED\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("flexmail_last_poll_ok 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("flexmail_replies{state=\"SENT\"} 1\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace flexmail::test
