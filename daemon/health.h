// The channel's health as `flexmail status` judges it, for the command and
// the web console alike: the same problems make both unhealthy.
//
// Reads the ledger only (never writes): a read-only Ledger will do.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/canary_status.h"
#include "daemon/certificate_checks.h"
#include "db/ledger.h"

namespace flexmail {

// The oldest reply still waiting to be sent: what `status` names.
struct UnansweredReply {
  std::int64_t declaration_id = 0;
  Instant created_at{};
};

struct Health {
  bool polled = false, last_found = false;
  PollRecord ok_poll, last_poll;
  std::map<std::string, int> by_state{{"PENDING", 0}, {"SENT", 0}, {"FAILED", 0}};
  bool has_unanswered = false;
  UnansweredReply oldest_unanswered;
  std::vector<std::string> problems;
  std::string authentication;  // the mode; "none" is shown so nobody forgets it
  CanaryHealth canary;
  std::vector<std::string> warnings;  // worth a look, not unhealthy
  std::vector<CertificateWarning> certificates;  // expiring within 14 days, or expired
  // Today's (Paris) IGNORED messages and what the ledger kept of them; a
  // warning when the cap was reached (mail from strangers, a flood?).
  Ledger::IgnoredDay ignored_today;
};

// The problem, if any, with the room the ledger has left to grow: less
// than twice the largest message accepted (`max_message`) under its cap
// (`cap` bytes, 0: none) or on its file system (`available` bytes, < 0:
// unknown). Then mail may stop being filed any moment: it waits in the
// inbox until room is made. `size`: the ledger's current size.
std::string LedgerRoomProblem(std::int64_t size, std::int64_t cap, std::int64_t available,
                              std::int64_t max_message);

// Fills *h at `now`: problems (any makes `status` exit 1), warnings, last
// polls, outbox by state, the canary, certificates.
Status ReadHealth(const Config& config, Ledger& ledger, Instant now, Health* h);

}  // namespace flexmail
