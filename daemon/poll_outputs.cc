#include "daemon/poll_outputs.h"

#include "daemon/certificate_checks.h"
#include "daemon/log.h"

namespace flexmail {

PollOutputs::PollOutputs(const Config& config, Ledger* ledger, const Mailbox* mailbox,
                         const MailSender* sender, const Clock& clock, const ImapIdler* idler)
    : ledger_(ledger),
      mailbox_(mailbox),
      sender_(sender),
      clock_(clock),
      idler_(idler),
      metrics_(config.metrics.textfile) {}

void PollOutputs::AfterPoll(const PollRecord& last) {
  const Instant now = clock_.Now();
  Status s = RecordServerCertificates(ledger_, mailbox_, sender_, now);
  if (!s.ok() && !certificates_failing_)
    LogError("server certificates not recorded (said once until it works again): " +
             s.ToString());
  certificates_failing_ = !s.ok();
  metrics_.Update(ledger_, now, last,
                  idler_ ? std::optional<bool>(idler_->connected()) : std::nullopt);
}

}  // namespace flexmail
