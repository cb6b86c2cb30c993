// A ledger and an intake on a Testbed, for tests that ingest messages
// in-process with a fixed clock.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/intake.h"
#include "tests/daemon/testbed.h"

namespace flexmail::testing {

struct IntakeBench {
  // The bed's config with `extra` and `engie_keys` (see Testbed); the clock
  // at 2026-12-02T15:00:05.
  explicit IntakeBench(const std::string& extra, const std::string& engie_keys = "");
  // `raw` as received at `at`; a test failure when the intake fails.
  IntakeResult Ingest(const std::string& raw, const char* at = "2026-12-02T15:00:00");
  std::vector<OutboxItem> Outbox();

  Testbed bed;
  Config config;
  std::unique_ptr<Ledger> ledger;
  FixedClock clock;
};

}  // namespace flexmail::testing
