// ImapIdler: IMAP IDLE (RFC 2177) on a connection of its own, to learn at
// once that mail has arrived in the mailbox ImapMailbox polls. It only tells:
// the poll stays the one path that reads and files mail.
//
// A thread of its own keeps one connection (never the poll's): libcurl
// connects with CURLOPT_CONNECT_ONLY, which for IMAP includes the greeting,
// STARTTLS and the login (same TLS rules, password or OAuth2 token as
// ImapMailbox; a token refused at login is reported to the TokenSource and
// tried once more with a fresh one). Then, by hand on the socket: CAPABILITY
// (no IDLE offered: state kNotOffered, checked again only after `refresh`),
// EXAMINE of the mailbox (read-only: nothing changes for the poll), IDLE. An
// untagged "* n EXISTS" that grows the mailbox is "new mail"; EXPUNGE,
// FETCH and RECENT are not. IDLE is ended (DONE) and issued again after
// `refresh`, as servers may drop an IDLE older than 30 minutes.
//
// Any failure (BYE, end of stream, a refused command, a silent server, a
// line over kMaxIdleLine bytes, more than kMaxIdleLinesPerWindow lines in
// 10 s) ends the connection; a new one is tried after a backoff doubling
// from `backoff_initial` to `backoff_max`, which starts over once a
// connection has been idling for a minute. Once IDLE is established again,
// one "new mail" is reported: mail may have come while nobody listened.
//
// Nothing said here or in last_error() carries the password or the token;
// server text is cut and made printable. Thread safe: Wait, state,
// connected and last_error may be called from any thread while the idler
// runs; Start and Stop from its owner only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "mail/imap.h"

namespace flexmail {

inline constexpr std::size_t kMaxIdleLine = 64 * 1024;
inline constexpr int kMaxIdleLinesPerWindow = 20000;

struct IdleSettings {
  // IDLE is ended and issued again this long after it began (RFC 2177:
  // servers may log a client out after 30 minutes of inactivity).
  std::chrono::seconds refresh{1740};
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{60000};
};

class ImapIdler {
 public:
  enum class State {
    kStarting,    // connecting, not known yet
    kIdling,      // in IDLE: new mail is reported as it comes
    kNotOffered,  // the server does not offer IDLE (checked again later)
    kBroken,      // the last connection failed; reconnecting after a backoff
    kStopped,
  };
  enum class Event { kNewMail, kTimeout, kStopped, kUnavailable };

  // `options`: as given to ImapMailbox (url, login, TLS, timeouts).
  ImapIdler(ImapOptions options, IdleSettings settings);
  ~ImapIdler();  // Stop()
  ImapIdler(const ImapIdler&) = delete;
  ImapIdler& operator=(const ImapIdler&) = delete;

  // Starts the thread. REQUIRES: not started yet.
  void Start();
  // Ends IDLE and the connection (bounded: about a second when the server
  // answers, no wait at all on a silent one) and joins the thread.
  // Idempotent.
  void Stop();

  // Waits until new mail is reported, `deadline`, *stop (checked every
  // 100 ms; null: never) or Stop(). kNewMail once per report (reports
  // pending when Wait is called count: none is lost between two waits).
  // kUnavailable at once, or as soon as it happens, when IDLE is not
  // established (kNotOffered, kBroken): the caller then polls on its own
  // schedule and asks again later. While kStarting, it waits.
  Event Wait(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* stop);

  State state() const { return state_.load(); }
  // In IDLE now (for the flexmail_imap_idle_connected gauge).
  bool connected() const { return state_.load() == State::kIdling; }
  // Why the last connection ended or could not be made ("" when none has
  // failed): printable, without secrets.
  std::string last_error() const;
  // IDLE commands issued since Start (one per connection and per refresh).
  int idle_commands() const { return idle_commands_.load(); }
  // "imaps://host:port/INBOX", for messages.
  std::string name() const;

 private:
  void Run();
  // One connection, from login to its end; returns why it ended.
  Status RunSession(std::chrono::steady_clock::duration* idled);
  // Sleeps `delay` unless stopped; false when stopped.
  bool Pause(std::chrono::milliseconds delay);
  void SetState(State s);
  void NoteNewMail();

  ImapOptions options_;
  IdleSettings settings_;
  std::atomic<State> state_{State::kStarting};
  std::atomic<int> idle_commands_{0};
  std::atomic<bool> stopping_{false};
  int wake_fds_[2] = {-1, -1};  // a self-pipe: Stop() writes, the session polls it
  mutable std::mutex mu_;
  std::condition_variable changed_;
  bool new_mail_ = false;     // guarded by mu_
  std::string last_error_;    // guarded by mu_
  std::thread thread_;
};

}  // namespace flexmail
