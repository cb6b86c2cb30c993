// The metrics textfile ([metrics] textfile): after each poll the daemon
// (and `run --once`) rewrites it for node_exporter's textfile collector.
//
// The file is replaced atomically: written to "<file>.tmp.<pid>" in the same
// directory, synced, renamed over the old one (the collector never reads
// half a file), the temporary removed on failure. A failure to write is
// logged once, not at every poll, and never stops the daemon; success after
// a failure is logged once too. Not thread safe: one per poll loop.
#pragma once

#include <optional>
#include <string>

#include "daemon/metrics.h"
#include "db/ledger.h"

namespace flexmail {

// What the ledger says (the canary's last round trip included), plus the
// poll that just ended (`last`: its duration and success), at `now`.
Status ReadMetricsSnapshot(Ledger* ledger, Instant now, const PollRecord& last,
                           MetricsSnapshot* out);

// Replaces `path` with `content` atomically (see above); the Status names
// the path and the step that failed.
Status WriteFileAtomically(const std::string& path, const std::string& content);

// The running flexmail's version ("0.1.0").
std::string FlexmailVersion();

class MetricsTextfile {
 public:
  // `path` empty: Update does nothing.
  explicit MetricsTextfile(std::string path) : path_(std::move(path)) {}
  // Reads the snapshot and rewrites the file. `idle_connected`: whether the
  // IMAP IDLE connection is up; nullopt without IDLE (the gauge is left out).
  void Update(Ledger* ledger, Instant now, const PollRecord& last,
              std::optional<bool> idle_connected = std::nullopt);
  // Whether the last Update failed (for tests).
  bool failing() const { return failing_; }

 private:
  std::string path_;
  bool failing_ = false;
};

}  // namespace flexmail
