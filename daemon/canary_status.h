// What `flexmail status` and the systemd STATUS= line say of the canary
// (daemon/canary_probe.h): the last round trip, the latest probe, and
// whether a probe came back within two intervals.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"
#include "daemon/json_views.h"
#include "db/ledger.h"

namespace flexmail {

struct CanaryHealth {
  bool configured = false;
  std::optional<CanaryRecord> last_round_trip;  // the probe that came back last
  std::optional<CanaryRecord> latest;           // the probe sent last
  std::string problem;                          // empty: healthy (or not configured)
};

// Unhealthy, with [canary] configured, when no probe came back within two
// intervals: measured from the last return, or, before any return, from the
// first probe (a daemon just started has two intervals to prove itself);
// and when no probe was ever sent (the daemon never ran with the canary).
Status ReadCanaryHealth(const Config& config, Ledger& ledger, Instant now, CanaryHealth* out);

// The "canary" object of `status --json`: null when not configured, else
// {intervalSeconds, lastRoundTrip: {probeId, sentAt, returnedAt,
// roundTripMs} | null, lastProbe: {probeId, sentAt, sendError, returnedAt}
// | null}.
Json CanaryHealthJson(const CanaryHealth& h, const Config& config);
// One line for the text status: "back 2026-12-03T10:00:01.234+01:00 after
// 812 ms (a probe every 900 s)", "no probe back yet", or "not configured".
std::string CanaryHealthText(const CanaryHealth& h, const Config& config);
// For the systemd STATUS= line: ", canary back <when> in <n> ms", ", canary
// never back", or "" without [canary].
std::string CanaryStatusNote(const Config& config, Ledger& ledger);

}  // namespace flexmail
