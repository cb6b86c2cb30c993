// IdleSession: one IMAP connection for ImapIdler (imap_idle.h), driven by
// hand. libcurl opens it with CURLOPT_CONNECT_ONLY, which for IMAP runs the
// whole connect phase: greeting, STARTTLS (imap://), CAPABILITY and the
// login, with the same TLS and login options as ImapMailbox. From there the
// session writes its own tagged commands with curl_easy_send and reads the
// responses with curl_easy_recv, waiting in poll(2) on the socket and on the
// owner's wake descriptor.
//
// Reads are bounded: a response line (literals included) over kMaxIdleLine
// bytes, or more than kMaxIdleLinesPerWindow lines in 10 s, is an error;
// every wait for an answer to a command ends after low_speed_timeout. Errors
// are kTransient except refused logins and TLS trust failures (kPermanent)
// and "IDLE not offered" (kNotFound). Internal to the idler; not thread safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mail/imap.h"
#include "rules/status.h"

namespace flexmail {

class CurlEasy;

class IdleSession {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // `base`: "imaps://host:port", `mailbox` decoded ("INBOX"), `mechanism`
  // "", "XOAUTH2" or "OAUTHBEARER". `wake_fd` becomes readable when the
  // owner wants the session to end; `stopping` is then true too.
  IdleSession(const ImapOptions& options, std::string base, std::string mailbox,
              std::string mechanism, int wake_fd, const std::atomic<bool>* stopping);
  ~IdleSession();  // Close()
  IdleSession(const IdleSession&) = delete;
  IdleSession& operator=(const IdleSession&) = delete;

  // Connects and logs in (once more with a fresh token after a refusal).
  Status Open();
  // CAPABILITY, then EXAMINE of the mailbox; kNotFound when IDLE is not
  // offered.
  Status Prepare();
  // One IDLE, until `until` (then DONE: Ok, to be issued again), the wake
  // descriptor (DONE: Ok), or a failure. `on_idling` when the server has
  // accepted it ("+"), `on_new_mail` at each EXISTS that grows the mailbox.
  Status Idle(TimePoint until, const std::function<void()>& on_idling,
              const std::function<void()>& on_new_mail);
  // LOGOUT when the connection is still usable (at most about a second),
  // then the socket is shut down and the handle freed. Idempotent.
  void Close();

 private:
  enum class Got { kLine, kTimeout, kWoken };
  Status OpenOnce(std::string* token, bool* refused_token);
  Status Send(const std::string& line, TimePoint deadline);
  // The next response line without its CR LF, literals included.
  Status ReadLine(TimePoint deadline, std::string* line, Got* got);
  bool TakeLine(std::string* line);
  // Sends "<tag> command" and reads up to its tagged answer; the untagged
  // lines go to *untagged. A NO or BAD is an error quoting the server.
  Status Command(const std::string& command, std::vector<std::string>* untagged);
  Status Untagged(const std::string& line, const std::function<void()>& on_new_mail);
  std::string NextTag();
  TimePoint ReplyDeadline() const;
  Status Lost(const std::string& what) const;

  const ImapOptions& options_;
  std::string base_, mailbox_, mechanism_;
  int wake_fd_;
  const std::atomic<bool>* stopping_;
  std::unique_ptr<CurlEasy> easy_;
  int socket_ = -1;
  bool usable_ = false;       // connected, logged in, not in IDLE, no error
  std::string in_;            // received, not yet taken as lines
  std::uint64_t exists_ = 0;  // messages in the mailbox, as last told
  int tag_ = 0;
  TimePoint window_start_{};
  int window_lines_ = 0;
};

}  // namespace flexmail
