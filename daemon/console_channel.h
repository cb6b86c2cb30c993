// The daemon's judge of the channel for the web console: the same
// ReadHealth as `flexmail status` and the same metrics as the textfile,
// behind console/channel.h's interface so the console stays below daemon/.
#pragma once

#include "console/server.h"
#include "daemon/clock.h"

namespace flexmail {

class LedgerChannelProbe : public ChannelProbe {
 public:
  Status Health(const Config& config, Ledger& ledger, Instant now,
                ChannelHealth* out) const override;
  Status Metrics(const Config& config, Ledger& ledger, Instant now,
                 std::string* exposition) const override;
};

// What StartConsole needs from the daemon: `clock` and the one probe.
// REQUIRES: clock outlives the console.
ConsoleSources DaemonConsoleSources(const Clock& clock);

}  // namespace flexmail
