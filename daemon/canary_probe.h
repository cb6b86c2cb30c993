// The canary (README, "The canary"): every [canary] interval the daemon
// mails itself a probe through the configured SMTP relay; the intake reads
// it back from the inbox, files it into the canary folder and records the
// round trip. A channel used once a month thereby proves every few minutes
// that it still carries mail, and `status` says so when it stops.
//
// Probes go straight to the relay from their own thread, not through the
// outbox: a probe is no reply (the outbox views and their counts stay about
// shippers), and it is never retried: a late retry would measure the retry
// delay, not the channel. None is lost silently: each one is recorded in the
// ledger as sent or with its send error, and one that never comes back
// leaves its row without returned_at, which is what `status` reports.
//
// The secret keys the probes' HMAC (mail/canary.h); it is read once, never
// logged nor stored.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "config/config.h"
#include "daemon/clock.h"
#include "db/ledger.h"
#include "mail/canary.h"
#include "mail/mailbox.h"

namespace flexmail {

// The secret in `path`: its first line without the line end. kPermanent,
// naming canary.secret_file and the path (never the content), when the file
// cannot be read or the secret has fewer than 16 bytes.
Status LoadCanarySecret(const std::string& path, std::string* secret);

// Where probes go: [canary] address, else [mail] address.
std::string CanaryAddress(const Config& config);

// 32 random lower-case hex digits.
std::string NewCanaryProbeId();

// The probe's bytes: from [mail] address to CanaryAddress, automatic
// (Auto-Submitted: auto-generated), with the X-Flexmail-Canary header for
// `probe` keyed by `secret`, dated `now`. Its Message-ID names the probe
// and `instance`, the ledger's instance id (see OwnMessageId).
std::string ComposeCanaryProbe(const Config& config, const std::string& instance,
                               const CanaryProbe& probe, const std::string& secret, Instant now);

// The probe thread. It has its own ledger connection and is the only user
// of its MailSender. The first probe goes at Start, unless the ledger shows
// one sent less than an interval ago (a restart does not add probes); then
// one every interval.
class CanaryWorker {
 public:
  CanaryWorker(const Config& config, std::unique_ptr<Ledger> ledger,
               std::unique_ptr<MailSender> sender, std::string secret, const Clock& clock,
               const std::atomic<bool>* stopping);
  ~CanaryWorker();  // stops and joins
  CanaryWorker(const CanaryWorker&) = delete;
  CanaryWorker& operator=(const CanaryWorker&) = delete;

  void Start();
  // Lets the probe being sent finish, then joins the thread.
  void Stop();
  // Sends one probe now and records it (what the thread does each interval).
  Status SendProbe();

 private:
  void Loop();
  bool Stopping() const { return stop_.load() || (stopping_ && stopping_->load()); }

  const Config& config_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<MailSender> sender_;
  std::string secret_;
  const Clock& clock_;
  std::atomic<bool> stop_{false};
  const std::atomic<bool>* stopping_;
  std::thread thread_;
};

// The worker the configuration asks for, started; null without [canary].
// *error is set (and null returned) when it cannot work: the secret, the
// ledger or the relay unusable. `make_sender` builds its own MailSender.
std::unique_ptr<CanaryWorker> StartCanary(
    const Config& config, const std::function<std::unique_ptr<MailSender>(std::string*)>& make_sender,
    const Clock& clock, const std::atomic<bool>* stopping, std::string* error);

}  // namespace flexmail
