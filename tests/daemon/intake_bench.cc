#include "tests/daemon/intake_bench.h"

#include <gtest/gtest.h>

namespace flexmail::testing {

IntakeBench::IntakeBench(const std::string& extra, const std::string& engie_keys)
    : bed(extra, engie_keys) {
  Status s = LoadConfig(bed.config(), &config);
  EXPECT_TRUE(s.ok()) << s.ToString();
  s = Ledger::Open(config.database_path, &ledger);
  EXPECT_TRUE(s.ok()) << s.ToString();
  clock.now = At("2026-12-02T15:00:05");
}

IntakeResult IntakeBench::Ingest(const std::string& raw, const char* at) {
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

std::vector<OutboxItem> IntakeBench::Outbox() {
  std::vector<OutboxItem> items;
  EXPECT_TRUE(ledger->Outbox(&items).ok());
  return items;
}

}  // namespace flexmail::testing
