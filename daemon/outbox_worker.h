// OutboxWorker: the service's sender thread. Replies leave while the rest
// of a backlog is still being ingested, instead of after it: the inbox side
// waits on IMAP and on the ledger's fsync, the outbox side on SMTP, and
// neither needs the other's connection.
//
// The worker has its own ledger connection (SQLite connections are not
// shared between threads) and is the only user of the MailSender it is
// given, so each reply is in flight at most once at a time, as before: a
// crash still doubles at most the one reply being sent.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "daemon/runner.h"

namespace flexmail {

class OutboxWorker {
 public:
  // Drains at least every `interval` (retries fall due with time) and at
  // once when woken. `stopping` (may be null) is the service's stop flag: a
  // send it interrupts is not counted as an attempt.
  OutboxWorker(const Config& config, std::unique_ptr<Ledger> ledger, MailSender* sender,
               const Clock& clock, std::chrono::milliseconds interval,
               const std::atomic<bool>* stopping = nullptr);
  ~OutboxWorker();  // stops and joins
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  void Start();
  // A reply was queued: drain now rather than at the next interval.
  void Wake();
  // Lets the reply being sent finish, then joins the thread.
  void Stop();
  // The outcome of the last drain (non-ok while the relay is unusable).
  Status last_status() const;

 private:
  void Loop();
  // Sleeps until woken, stopped or the interval has passed.
  void Wait();

  std::unique_ptr<Ledger> ledger_;
  Runner runner_;
  std::chrono::milliseconds interval_;
  std::atomic<bool> stop_{false};
  const std::atomic<bool>* stopping_;  // the service's, or &stop_
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;  // guarded by mu_
  Status last_;         // guarded by mu_
  std::thread thread_;
};

}  // namespace flexmail
