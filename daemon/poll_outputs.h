// What the daemon (and `run --once`) records after each poll besides the
// poll itself: the certificates the mail servers showed (for `flexmail
// status`) and the metrics textfile ([metrics] textfile). Neither can stop
// the daemon: a failure is logged once, until it works again.
// Not thread safe: one per poll loop.
#pragma once

#include "config/config.h"
#include "daemon/clock.h"
#include "daemon/metrics_textfile.h"
#include "db/ledger.h"
#include "mail/imap_idle.h"
#include "mail/mailbox.h"

namespace flexmail {

class PollOutputs {
 public:
  // `mailbox`, `sender` and `idler` (IMAP IDLE, for its gauge) may be null;
  // all must outlive this object.
  PollOutputs(const Config& config, Ledger* ledger, const Mailbox* mailbox,
              const MailSender* sender, const Clock& clock, const ImapIdler* idler = nullptr);
  // After the poll `last` has been recorded.
  void AfterPoll(const PollRecord& last);

 private:
  Ledger* ledger_;
  const Mailbox* mailbox_;
  const MailSender* sender_;
  const Clock& clock_;
  const ImapIdler* idler_;
  MetricsTextfile metrics_;
  bool certificates_failing_ = false;
};

}  // namespace flexmail
