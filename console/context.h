// What every console page is handed: the configuration, the console's own
// read-only ledger connection, the instant the request is served at, and
// the daemon's judge of the channel's health.
//
// Pages run on the console's HTTP thread, one request at a time (the server
// serialises them), so `ledger` needs no locking of its own. It was opened
// with Ledger::OpenReadOnly: a page can never write nor block intake.
#pragma once

#include "config/config.h"
#include "console/channel.h"
#include "db/ledger.h"
#include "rules/time.h"

namespace flexmail {

struct ConsoleContext {
  const Config& config;
  Ledger& ledger;  // read-only (Ledger::OpenReadOnly)
  Instant now;     // the request's instant: pages never read a clock themselves
  const ChannelProbe* channel = nullptr;  // null: health and metrics are not available
};

}  // namespace flexmail
