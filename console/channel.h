// The channel's liveness as the console shows it. Judging it (polls, the
// canary, certificates, the metrics) is the daemon's business; the console
// only renders what a ChannelProbe hands it, so it depends on nothing above
// the ledger. The daemon passes its probe to StartConsole.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "db/ledger.h"
#include "rules/status.h"
#include "rules/time.h"

namespace flexmail {

struct ChannelHealth {
  std::vector<std::string> problems;  // any makes the channel unhealthy (/healthz 503)
  std::vector<std::pair<std::string, std::string>> facts;  // French label, plain text value
  std::vector<std::string> warnings;                        // worth a look, not unhealthy
};

class ChannelProbe {
 public:
  virtual ~ChannelProbe() = default;
  // The same judgement as `flexmail status` at `now`, from `ledger` alone.
  virtual Status Health(const Config& config, Ledger& ledger, Instant now,
                        ChannelHealth* out) const = 0;
  // The Prometheus text exposition at `now`.
  virtual Status Metrics(const Config& config, Ledger& ledger, Instant now,
                         std::string* exposition) const = 0;
};

}  // namespace flexmail
