#include "daemon/health.h"

#include <sys/statvfs.h>

#include <cstdio>
#include <filesystem>

namespace flexmail {
namespace {

// "0.2 MB", "20.0 MB": a fresh ledger weighs a fraction of one.
std::string Megabytes(std::int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

// Bytes available to flexmail on the file system holding `path`; -1 when
// it cannot be told.
std::int64_t AvailableBeside(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  struct statvfs st;
  if (::statvfs(dir.empty() ? "." : dir.c_str(), &st) != 0) return -1;
  return static_cast<std::int64_t>(st.f_bavail) * static_cast<std::int64_t>(st.f_frsize);
}

Status CheckLedgerRoom(const Config& config, Ledger& ledger, Health* h) {
  std::int64_t size = 0;
  Status s = ledger.SizeBytes(&size);
  if (!s.ok()) return s;
  std::string problem =
      LedgerRoomProblem(size, config.database_max_bytes, AvailableBeside(config.database_path),
                        config.limits.max_message_bytes);
  if (!problem.empty()) h->problems.push_back(problem);
  return s;
}

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

std::string LedgerRoomProblem(std::int64_t size, std::int64_t cap, std::int64_t available,
                              std::int64_t max_message) {
  const std::int64_t needed = 2 * max_message;
  if (cap > 0 && cap - size < needed) {
    return "the ledger (" + Megabytes(size) + ") is within " + Megabytes(needed) +
           " of its cap ([database] max_size_mb = " + std::to_string(cap >> 20) +
           "): mail waits in the inbox once it is reached; raise the cap or make room";
  }
  if (available >= 0 && available < needed) {
    return "only " + Megabytes(available) + " left on the ledger's file system (" +
           Megabytes(needed) + " wanted): mail waits in the inbox once it is full";
  }
  return "";
}

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
  if (s.ok()) s = CheckLedgerRoom(config, ledger, h);
  if (s.ok()) s = ledger.IgnoredKeptOn(FormatLocalIso(now).substr(0, 10), &h->ignored_today);
  if (s.ok() && h->ignored_today.dropped > 0)
    h->warnings.push_back(std::to_string(h->ignored_today.dropped) +
                          " ignored message(s) today kept no bytes: [limits] "
                          "max_ignored_bytes_per_day reached");
  h->authentication = config.authentication.configured
                          ? std::string(AuthModeName(config.authentication.mode))
                          : std::string("not configured");
  return s;
}

}  // namespace flexmail
