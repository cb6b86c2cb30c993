// Runner: one pass of the daemon over its inbox and its outbox.
//
// Inbox: every waiting message, in reception order, is either recognised
// as already processed (a crash between commit and filing) or fetched and
// ingested; it is filed into its folder only after the ledger committed.
// Outbox: every reply due is handed to the sender; transient failures are
// retried with exponential backoff, permanent ones and replies older than
// the give-up delay are marked FAILED and logged loudly.
//
// When the ledger cannot be written (disk full, I/O error), the message in
// hand stays in the inbox, the pass stops there and its error is the poll's
// (one line per poll); a reply the relay accepted but the ledger could not
// mark SENT is kept here and marked before anything else is sent, so this
// process never sends it twice.
#pragma once

#include <atomic>
#include <functional>
#include <utility>
#include <vector>

#include "daemon/intake.h"

namespace flexmail {

struct PassStats {
  int listed = 0;
  int processed = 0;        // ingested in this pass
  int already = 0;          // found in the ledger, only filed
  int integrated = 0, rejected = 0, ignored = 0, tests = 0;
  int sent = 0, retried = 0, failed = 0;
  int canaries = 0;         // our canary's probes back (filed, not processed)
};

class Runner {
 public:
  // `sender` may be null: replies then stay PENDING.
  Runner(const Config& config, Ledger* ledger, Mailbox* mailbox, MailSender* sender,
         const Clock& clock)
      : config_(config),
        ledger_(ledger),
        mailbox_(mailbox),
        sender_(sender),
        clock_(clock),
        intake_(config, ledger, clock) {}

  // One pass over the inbox; stops between messages when *stop becomes true.
  Status PollInbox(PassStats* stats, const std::atomic<bool>* stop = nullptr);
  // Sends the replies due now; non-ok when the relay is unusable.
  Status DrainOutbox(PassStats* stats, const std::atomic<bool>* stop = nullptr);
  // One poll and one drain, recorded in the ledger for `flexmail status`.
  // With `drained` (the service's sender thread drains), no drain here: the
  // record carries that drain's outcome instead.
  PollRecord Cycle(PassStats* stats, const std::atomic<bool>* stop = nullptr,
                   const Status* drained = nullptr);
  // Whether the intake can authenticate senders (Intake::ready).
  const Status& ready() const { return intake_.ready(); }
  // Called after each message whose reply was queued, once committed.
  void set_on_reply_queued(std::function<void()> f) { on_reply_queued_ = std::move(f); }

 private:
  Status HandleEntry(const MailboxEntry& e, std::uint64_t validity, PassStats* stats);
  Status Fetch(const MailboxEntry& e, IncomingMessage* in);
  Status Quarantine(const IncomingMessage& in, const Status& why, IntakeResult* r);
  Status SendOne(const OutboxItem& item, PassStats* stats, const std::atomic<bool>* stop);
  // Marks the replies of unmarked_; non-ok (they stay) when it cannot.
  Status MarkAcceptedReplies();

  const Config& config_;
  Ledger* ledger_;
  Mailbox* mailbox_;
  MailSender* sender_;
  const Clock& clock_;
  // One for every message: what authentication trusts (certificates, the
  // Public Suffix List) is loaded once.
  Intake intake_;
  std::function<void()> on_reply_queued_;
  // Accepted by the relay at that instant, not yet marked SENT.
  std::vector<std::pair<std::int64_t, Instant>> unmarked_;
};

// The delay before attempt n+1 after n failed attempts: initial * 2^(n-1),
// capped at max.
std::chrono::seconds RetryDelay(int attempts, std::chrono::seconds initial,
                                std::chrono::seconds max);

}  // namespace flexmail
