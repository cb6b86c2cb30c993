// Intake: one received email, from raw bytes to a stored outcome and, when
// one is due, a reply queued in the same transaction.
//
// First of all, a probe of our own canary (a valid X-Flexmail-Canary MAC,
// From our [mail] address) is filed into the canary folder with its round
// trip recorded, and nothing else: no message row, no judgement, no reply.
// A probe header with a wrong or missing MAC is ignored: the message goes
// on as any other.
// Then, in order: identical content already seen, or a copy of a declaration
// already judged (same declaration key: redelivered with other transport
// headers) -> IGNORED (duplicate, no reply); bounce, auto-submitted, list
// mail or our own address -> IGNORED (no loops); unknown sender -> IGNORED
// (no backscatter); otherwise the declaration goes through the engine,
// over-limit messages being rejected with the limit's code. IGNORED
// messages are stored too.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "config/config.h"
#include "daemon/authenticate.h"
#include "daemon/canary_probe.h"
#include "daemon/clock.h"
#include "daemon/engine.h"
#include "db/ledger.h"
#include "mail/canary.h"
#include "mail/mailbox.h"
#include "mail/message.h"

namespace flexmail {

struct IncomingMessage {
  std::string raw;
  Instant received_at{};
  std::string source = "cli";   // cli | maildir | imap
  std::string mailbox = "cli";  // Mailbox::name()
  std::uint64_t validity = 0;
  std::string key;              // position in the mailbox; empty for cli
  // Size announced by the mailbox. Above the message limit, `raw` holds only
  // the header section and the declaration is rejected (MESSAGE_TOO_LARGE).
  std::uint64_t announced_size = 0;
  // When it is processed (RULES §9); unset: the intake's clock, now.
  std::optional<Instant> processed_at;
};

struct IntakeResult {
  Outcome outcome = Outcome::kIgnored;
  std::string reason;           // for IGNORED
  ParsedMessage message;
  MessageRecord record;         // as stored
  bool has_verdict = false;
  Verdict verdict;
  std::int64_t reply_id = 0;    // 0: no reply queued
  Folder folder = Folder::kIgnored;
  // The sender-authentication step, when the message reached it (not for
  // duplicates, loops and strangers, ignored before).
  std::optional<AuthVerdict> authentication;
  bool reply_withheld = false;  // a failure reply not sent (rate limit)
  // Authentication could not be decided now (DNS down) and temp_fail_for
  // has not passed since reception: nothing was stored, the message stays
  // in the inbox and is tried again at the next poll.
  bool deferred = false;
  // A probe of our canary came back (folder kCanary, nothing stored but its
  // return); `canary_counted` false when it had come back before.
  std::optional<CanaryProbe> canary;
  bool canary_counted = false;
};

// The ledger row of a received message, before its outcome is known.
// Without its declaration key, which only a message that parsed has.
MessageRecord RecordOf(const IncomingMessage& in, const ParsedMessage& m);

// What makes two emails the same declaration whatever relays and mailbox
// rules did to their headers: the hex SHA-256 of the Message-ID, the From
// address lower-cased and each CSV attachment's file name and bytes, in
// message order. Empty when the message has no Message-ID: nothing then
// tells a redelivery from a new declaration with the same files.
std::string DeclarationKey(const ParsedMessage& m);

Folder FolderOf(Outcome o);
std::string FolderName(Folder f);  // Processed, Rejected, Ignored, Canary
bool ParseFolderName(const std::string& name, Folder* out);

// Failure injection for crash-safety tests: called inside the declaration's
// transaction after the message row is written and before the reply is.
using IntakeFault = std::function<Status()>;

class Intake {
 public:
  Intake(const Config& config, Ledger* ledger, const Clock& clock, IntakeFault fault = nullptr)
      : config_(config), ledger_(ledger), clock_(clock), fault_(std::move(fault)) {
    auth_status_ = Authenticator::Load(config_, &authenticator_);
    if (auth_status_.ok() && config_.canary.configured)
      auth_status_ = LoadCanarySecret(config_.canary.secret_file, &canary_secret_);
  }

  // Whether what authentication trusts (certificates, the Public Suffix
  // List, the canary's secret) loaded; Ingest returns this error while it
  // did not.
  const Status& ready() const { return auth_status_; }

  // Stores the message and its outcome. Non-ok only when nothing could be
  // stored (the ledger is unavailable): the caller retries later.
  Status Ingest(const IncomingMessage& in, IntakeResult* out);

 private:
  // Both REQUIRE out->record = RecordOf(in, out->message), as Ingest sets
  // it (the bytes are hashed once). `original`: the first sighting, when
  // the message is a duplicate of it.
  Status Ignore(const std::string& reason, IntakeResult* out,
                const MessageRecord* original = nullptr);
  // Cuts an ignored message's kept bytes to its header section, or to
  // nothing past the day's cap ([limits] max_ignored_bytes_per_day).
  Status KeepHeaderOnly(MessageRecord* r);
  Status Declare(const IncomingMessage& in, IntakeResult* out);
  // A probe of ours, back: its round trip recorded, filed as kCanary.
  bool IsOwnProbe(const IncomingMessage& in, const ParsedMessage& m, CanaryProbe* probe) const;
  Status FileProbe(const CanaryProbe& probe, IntakeResult* out);
  // A message that failed sender authentication: REJECTED without reading
  // its files, answered to its From only and at most once per shipper per
  // failure_reply_interval.
  Status Refuse(const IncomingMessage& in, IntakeResult* out);
  Status Authenticate(const IncomingMessage& in, IntakeResult* out);
  Status AnswerTest(const IncomingMessage& in, IntakeResult* out);
  Status Record(const IncomingMessage& in, ProcessOptions options, bool copies, bool reply,
                IntakeResult* out);
  std::string IgnoreReason(const ParsedMessage& m) const;

  const Config& config_;
  Ledger* ledger_;
  const Clock& clock_;
  IntakeFault fault_;
  Authenticator authenticator_;
  Status auth_status_;
  std::string canary_secret_;  // empty without [canary]
};

// The JSON `ingest --json` prints and resultats.json holds: the verdict's
// object plus messageId, sender, receivedAt, and for IGNORED a reason.
std::string IntakeJson(const IntakeResult& r, const Referential& ref);

}  // namespace flexmail
