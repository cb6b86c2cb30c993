#include "daemon/health.h"

namespace flexmail {
namespace {

// Expired certificates are problems; expiring ones and unreadable files,
// warnings.
Status CheckCertificates(const Config& config, Ledger& ledger, Instant now, Health* h) {
  std::vector<CheckedCertificate> certs;
  Status s = CertificatesToCheck(config, &ledger, &certs, &h->warnings);
  h->certificates = ExpiringCertificates(certs, now);
  for (const auto& w : h->certificates) (w.expired ? h->problems : h->warnings).push_back(w.text);
  return s;
}

}  // namespace

Status ReadHealth(const Config& config, Ledger& ledger, Instant now, Health* h) {
  Status s = ledger.LastSuccessfulPoll(&h->polled, &h->ok_poll);
  if (s.ok()) s = ledger.LastPoll(&h->last_found, &h->last_poll);
  std::map<std::string, int> counts;
  if (s.ok()) s = ledger.CountRepliesByState(&counts);
  if (s.ok())
    s = ledger.OldestPendingReply(&h->has_unanswered, &h->oldest_unanswered.created_at,
                                  &h->oldest_unanswered.declaration_id);
  if (!s.ok()) return s;
  for (const auto& [state, n] : counts) h->by_state[state] = n;
  const auto limit = 3 * config.inbox.poll_interval;
  if (!h->polled) h->problems.push_back("no successful poll recorded");
  else if (now - h->ok_poll.finished_at > limit)
    h->problems.push_back("last successful poll older than 3 poll intervals");
  if (h->last_found && !h->last_poll.ok && h->last_poll.needs_operator)
    h->problems.push_back("the last poll failed and will until an operator acts: " +
                          h->last_poll.error);
  if (h->by_state["FAILED"] > 0)
    h->problems.push_back(std::to_string(h->by_state["FAILED"]) + " reply(ies) FAILED");
  int temp_failures = 0;
  s = ledger.CountAuthTempFailures(now - std::chrono::hours(24), &temp_failures);
  if (s.ok() && temp_failures > 0)
    h->problems.push_back(std::to_string(temp_failures) +
                          " message(s) refused in the last 24 h: sender authentication "
                          "impossible for longer than temp_fail_for (DNS?)");
  if (s.ok()) s = ReadCanaryHealth(config, ledger, now, &h->canary);
  if (s.ok() && !h->canary.problem.empty()) h->problems.push_back(h->canary.problem);
  if (s.ok()) s = CheckCertificates(config, ledger, now, h);
  h->authentication = config.authentication.configured
                          ? std::string(AuthModeName(config.authentication.mode))
                          : std::string("not configured");
  return s;
}

}  // namespace flexmail
