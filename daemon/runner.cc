#include "daemon/runner.h"

#include <algorithm>

#include "daemon/log.h"
#include "db/write_turns.h"

namespace flexmail {
namespace {

// Headers of an oversized message: enough to know whom to answer.
constexpr std::size_t kMaxHeaderBytes = 256 * 1024;

std::string SourceOf(const std::string& mailbox_name) {
  return mailbox_name.rfind("maildir:", 0) == 0 ? "maildir" : "imap";
}

void Count(const IntakeResult& r, PassStats* stats) {
  ++stats->processed;
  switch (r.outcome) {
    case Outcome::kIntegrated: ++stats->integrated; break;
    case Outcome::kRejected: ++stats->rejected; break;
    case Outcome::kIgnored: ++stats->ignored; break;
    case Outcome::kTest: ++stats->tests; break;
  }
}

void LogIntake(const IntakeResult& r) {
  std::string line = "message " + Printable(r.message.message_id, 120) + " from " +
                     Printable(r.message.from_address, 120) + ": " +
                     std::string(OutcomeName(r.outcome));
  if (r.outcome == Outcome::kIgnored) line += " (" + Printable(r.reason) + ")";
  const bool refused = r.authentication && (r.authentication->result == AuthResult::kFail ||
                                            r.authentication->result == AuthResult::kTempError);
  if (r.authentication && r.authentication->result != AuthResult::kNone)
    line += ", authentication " + r.authentication->method + " " +
            std::string(AuthResultName(r.authentication->result));
  if (refused) line += " (" + Printable(r.authentication->detail) + ")";
  if (r.reply_withheld) line += ", failure reply withheld (one per shipper per interval)";
  if (r.has_verdict && r.verdict.declaration_id)
    line += ", declaration " + std::to_string(r.verdict.declaration_id);
  if (r.reply_id) line += ", reply " + std::to_string(r.reply_id) + " queued";
  if (refused) {
    LogWarn(line);
  } else {
    LogInfo(line);
  }
}

}  // namespace

std::chrono::seconds RetryDelay(int attempts, std::chrono::seconds initial,
                                std::chrono::seconds max) {
  std::chrono::seconds d = initial;
  for (int i = 1; i < attempts && d < max; ++i) d *= 2;
  return std::min(d, max);
}

// Oversized messages are not downloaded: their header section is enough to
// reject them and answer. A message that grew past the limit after it was
// listed is treated the same way.
Status Runner::Fetch(const MailboxEntry& e, IncomingMessage* in) {
  const auto max = static_cast<std::uint64_t>(config_.limits.max_message_bytes);
  in->announced_size = e.size;
  Status s;
  if (e.size <= max) s = mailbox_->Fetch(e, static_cast<std::size_t>(max), &in->raw);
  if (e.size > max || s.kind() == Status::Kind::kInvalidInput) {
    in->announced_size = std::max<std::uint64_t>(e.size, max + 1);
    s = mailbox_->FetchHeaders(e, kMaxHeaderBytes, &in->raw);
  }
  return s;
}

Status Runner::HandleEntry(const MailboxEntry& e, std::uint64_t validity, PassStats* stats) {
  const std::string name = mailbox_->name();
  bool found = false;
  MessageRecord done;
  Status s = ledger_->FindMessageAt(name, validity, e.key, &found, &done);
  if (!s.ok()) return s;
  if (found) {  // committed before a crash, not filed yet
    Folder f = Folder::kIgnored;
    ParseFolderName(done.folder, &f);
    ++stats->already;
    LogInfo("message " + Printable(e.key) + " already processed (ledger message " +
            std::to_string(done.id) + "), filing it into " + done.folder);
    return mailbox_->File(e, f);
  }
  IncomingMessage in;
  in.received_at = e.received_at;
  in.source = SourceOf(name);
  in.mailbox = name;
  in.validity = validity;
  in.key = e.key;
  s = Fetch(e, &in);
  if (s.kind() == Status::Kind::kNotFound) {  // gone meanwhile (another reader)
    LogWarn("message " + Printable(e.key) + " vanished from " + name + " before it was read");
    return Status::Ok();
  }
  IntakeResult r;
  if (!s.ok() && s.kind() != Status::Kind::kTransient) {
    // Unreadable for good (a symbolic link, not a file...): keep a record and
    // file it away, the messages behind it must not wait.
    s = Quarantine(in, s, &r);
    if (!s.ok()) return s;
    ++stats->ignored, ++stats->processed;
    return mailbox_->File(e, Folder::kIgnored);
  }
  if (!s.ok()) return s;
  s = intake_.Ingest(in, &r);
  if (!s.ok() && s.kind() != Status::Kind::kTransient) s = Quarantine(in, s, &r);
  if (!s.ok()) return s;
  if (r.deferred) {
    // Left in the inbox, unrecorded: the next poll tries it again.
    LogWarn("message " + Printable(r.message.message_id, 120) + " from " +
               Printable(r.message.from_address, 120) +
               ": sender authentication not possible now (" +
               Printable(r.authentication->detail) + "), left for the next poll");
    return Status::Ok();
  }
  if (r.canary) {
    ++stats->canaries;
    const Instant sent{std::chrono::milliseconds(r.canary->sent_unix_ms)};
    LogInfo("canary probe " + r.canary->id + " back (sent " + FormatLocalIso(sent) + ")" +
            (r.canary_counted ? "" : ", already counted"));
    return mailbox_->File(e, Folder::kCanary);
  }
  Count(r, stats);
  LogIntake(r);
  if (r.reply_id && on_reply_queued_) on_reply_queued_();
  return mailbox_->File(e, r.folder);
}

// A message the ledger refuses for a reason other than load must not block
// the mail behind it: it is kept (raw bytes included) as IGNORED with the
// error, filed away and logged loudly for an operator.
Status Runner::Quarantine(const IncomingMessage& in, const Status& why, IntakeResult* r) {
  LogError("message " + Printable(in.key) + " could not be processed (" + why.ToString() +
           "); quarantined as IGNORED, an operator must look at it");
  *r = IntakeResult();
  r->record = RecordOf(in, ParsedMessage());  // unreadable: no header is trusted
  bool seen = false;
  MessageRecord first;
  Status s = ledger_->FindMessageByContent("", r->record.sha256, &seen, &first);
  if (!s.ok()) return s;
  if (seen) r->record.duplicate_of = first.id;  // quarantined before
  r->record.outcome = Outcome::kIgnored;
  r->record.reason = "quarantaine : " + Printable(why.ToString());
  r->record.folder = FolderName(Folder::kIgnored);
  r->reason = r->record.reason;
  return ledger_->RecordMessage(&r->record);
}

Status Runner::PollInbox(PassStats* stats, const std::atomic<bool>* stop) {
  std::uint64_t validity = 0;
  Status s = mailbox_->Open(&validity);
  std::vector<MailboxEntry> entries;
  if (s.ok()) s = mailbox_->List(&entries);
  if (!s.ok()) return s;
  stats->listed = static_cast<int>(entries.size());
  for (const auto& e : entries) {
    if (stop && stop->load()) break;
    s = HandleEntry(e, validity, stats);
    // The rest waits for the next poll, in order; so do the moves pending
    // (the caller closes the mailbox), recognised then as processed.
    if (!s.ok()) return s;
  }
  return mailbox_->Flush();
}

// Returns non-ok when the relay itself is unusable: the remaining replies
// would fail the same way, so the drain stops there.
Status Runner::SendOne(const OutboxItem& item, PassStats* stats,
                       const std::atomic<bool>* stop) {
  sql::HandOver turn;  // the mark below must not wait for intake
  SendResult r = sender_->Send(item.from, item.recipients, item.raw);
  // Abandoned because we are stopping (see SetTransferAbortFlag): not an
  // attempt; the reply goes first thing after the restart.
  if (r.outcome != SendOutcome::kSent && stop && stop->load()) return Status::Ok();
  const Instant now = clock_.Now();
  const OutboxSettings& o = config_.outbox;
  std::string who = "reply " + std::to_string(item.id) + " " + Printable(item.message_id, 120);
  const bool too_old = now - item.created_at >= o.give_up_after;
  Status s, relay;
  if (r.outcome == SendOutcome::kSent) {
    ++stats->sent;
    s = ledger_->MarkReplySent(item.id, now);
    LogInfo(who + " sent");
    // Kept to be marked later when the ledger says "not now"; any other
    // refusal (the reply is no longer PENDING) is the return value's.
    if (s.kind() == Status::Kind::kTransient) unmarked_.emplace_back(item.id, now);
  } else if (r.outcome == SendOutcome::kPermanent || too_old) {
    ++stats->failed;
    s = ledger_->MarkReplyFailed(item.id, now, Printable(r.detail));
    LogError(who + " FAILED after " + std::to_string(item.attempts + 1) +
             " attempts, it will not be retried: " + Printable(r.detail));
  } else {
    ++stats->retried;
    auto delay = RetryDelay(item.attempts + 1, o.retry_initial, o.retry_max);
    s = ledger_->MarkReplyRetry(item.id, now + delay, Printable(r.detail));
    std::string line = who + " not sent (" + Printable(r.detail) + "), retry in " +
                       std::to_string(delay.count()) + " s";
    if (r.outcome == SendOutcome::kRelayUnusable) {
      // Reported once by the caller (the service's log, run --once's error).
      relay = Status::Permanent(Printable(r.detail, 800) + " (the SMTP relay is unusable as "
                                "configured; replies wait until it is fixed)");
    } else {
      LogWarn(line);
    }
  }
  // The drain stops: what follows could not be recorded either. Reported
  // once, as the outbox's status (the poll's error line).
  if (!s.ok()) return sql::WithContext(s, who + ": cannot record the attempt");
  return relay;
}

Status Runner::MarkAcceptedReplies() {
  while (!unmarked_.empty()) {
    const auto [id, at] = unmarked_.front();
    const std::string who = "reply " + std::to_string(id) + ", accepted by the relay at " +
                            FormatLocalIso(at) + ",";
    Status s = ledger_->MarkReplySent(id, at);
    if (s.kind() == Status::Kind::kTransient) {
      return sql::WithContext(s, who + " cannot be marked SENT yet");
    }
    if (s.ok()) {
      LogInfo(who + " marked SENT");
    } else {  // no longer PENDING: trying again will not help
      LogError(who + " cannot be marked SENT: " + s.ToString());
    }
    unmarked_.erase(unmarked_.begin());
  }
  return Status::Ok();
}

Status Runner::DrainOutbox(PassStats* stats, const std::atomic<bool>* stop) {
  if (!sender_) return Status::Ok();
  Status s = MarkAcceptedReplies();  // before anything else may be sent
  if (!s.ok()) return s;
  std::vector<OutboxItem> due;
  s = ledger_->DueReplies(clock_.Now(), 100, &due);
  if (!s.ok()) return s;
  for (const auto& item : due) {
    if (stop && stop->load()) break;
    s = SendOne(item, stats, stop);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace flexmail

namespace flexmail {

PollRecord Runner::Cycle(PassStats* stats, const std::atomic<bool>* stop,
                         const Status* drained) {
  PollRecord rec;
  rec.started_at = clock_.Now();
  Status s = PollInbox(stats, stop);
  if (!s.ok()) {
    rec.ok = false;
    // Long enough for what to check and why (a token service's refusal,
    // the key at fault, a clock skew), still one line.
    rec.error = "inbox " + mailbox_->name() + ": " + Printable(s.ToString(), 800);
    rec.needs_operator = s.kind() == Status::Kind::kPermanent;
    mailbox_->Close();  // a fresh connection next time
  }
  Status d = drained ? *drained : DrainOutbox(stats, stop);
  if (!d.ok()) {
    rec.ok = false;
    rec.error += (rec.error.empty() ? "" : "; ") + ("outbox: " + Printable(d.ToString(), 800));
    rec.needs_operator = rec.needs_operator || d.kind() == Status::Kind::kPermanent;
  }
  rec.finished_at = clock_.Now();
  rec.messages_waiting = stats->listed;
  rec.messages_processed = stats->processed + stats->already;
  Status r = ledger_->RecordPoll(rec);
  if (!r.ok()) {
    // Said with the poll's own error, in the one line the caller logs: on
    // a full disk both fail, at every poll.
    rec.ok = false;
    rec.error += (rec.error.empty() ? "" : "; ") +
                 ("the poll could not be recorded: " + Printable(r.ToString(), 800));
  }
  return rec;
}

}  // namespace flexmail
