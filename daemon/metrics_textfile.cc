#include "daemon/metrics_textfile.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/log.h"

#ifndef FLEXMAIL_VERSION
#define FLEXMAIL_VERSION ""
#endif

namespace flexmail {
namespace {

double UnixSeconds(Instant t) {
  return static_cast<double>(t.time_since_epoch().count()) / 1000.0;
}

double Seconds(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

Status ReadReplies(Ledger* ledger, Instant now, MetricsSnapshot* out) {
  std::map<std::string, int> counts;
  Status s = ledger->CountRepliesByState(&counts);
  for (ReplyState st : {ReplyState::kPending, ReplyState::kSent, ReplyState::kFailed}) {
    const auto it = counts.find(std::string(ReplyStateName(st)));
    out->replies_by_state[std::string(ReplyStateName(st))] = it == counts.end() ? 0 : it->second;
  }
  bool found = false;
  Instant oldest{};
  if (s.ok()) s = ledger->OldestPendingReply(&found, &oldest);
  out->oldest_unanswered_age_seconds = found && oldest < now ? Seconds(now - oldest) : 0;
  return s;
}

Status Errno(const std::string& what, const std::string& path) {
  return Status::Permanent("cannot " + what + " " + path + ": " + std::strerror(errno));
}

// Writes all of `content` to `fd` and syncs it.
Status WriteAndSync(int fd, const std::string& content, const std::string& path) {
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("write", path);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return Errno("sync", path);
  return Status::Ok();
}

std::string DirectoryOf(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Status ReadMetricsSnapshot(Ledger* ledger, Instant now, const PollRecord& last,
                           MetricsSnapshot* out) {
  out->poll_duration_seconds = Seconds(last.finished_at - last.started_at);
  out->last_poll_ok = last.ok;
  Status s = ledger->CountMessagesByOutcome(&out->messages_by_outcome);
  if (s.ok()) s = ReadReplies(ledger, now, out);
  bool found = false;
  PollRecord ok_poll;
  if (s.ok()) s = ledger->LastSuccessfulPoll(&found, &ok_poll);
  if (s.ok() && found) out->last_poll_success_unix_seconds = UnixSeconds(ok_poll.finished_at);
  CanaryRecord probe;
  if (s.ok()) s = ledger->LastCanaryRoundTrip(&found, &probe);
  if (s.ok() && found && probe.returned_at) {
    out->canary_last_round_trip_unix_seconds = UnixSeconds(*probe.returned_at);
    out->canary_last_round_trip_seconds = static_cast<double>(probe.round_trip_ms) / 1000.0;
  }
  out->version = FlexmailVersion();
  return s;
}

Status WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", tmp);
  Status s = WriteAndSync(fd, content, tmp);
  if (::close(fd) != 0 && s.ok()) s = Errno("close", tmp);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = Errno("rename to " + path, tmp);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  // The rename itself is durable once the directory is synced.
  int dir = ::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

std::string FlexmailVersion() { return FLEXMAIL_VERSION; }

void MetricsTextfile::Update(Ledger* ledger, Instant now, const PollRecord& last,
                             std::optional<bool> idle_connected) {
  if (path_.empty()) return;
  MetricsSnapshot snapshot;
  Status s = ReadMetricsSnapshot(ledger, now, last, &snapshot);
  snapshot.imap_idle_connected = idle_connected;
  if (s.ok()) s = WriteFileAtomically(path_, FormatMetrics(snapshot));
  if (!s.ok() && !failing_) {
    LogError("metrics textfile not written (said once until it works again): " + s.ToString());
  } else if (s.ok() && failing_) {
    LogInfo("metrics textfile " + path_ + " written again");
  }
  failing_ = !s.ok();
}

}  // namespace flexmail
