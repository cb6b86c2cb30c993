// The ledger: flexmail's durable record, one SQLite file.
//
// WAL journal, synchronous=FULL, foreign keys on, schema versioned with
// numbered migrations (PRAGMA user_version). Every declaration is written in
// one transaction together with everything it caused; a rejected declaration
// leaves only its rejection record (declaration, files, errors). Times are
// stored as UTC ISO 8601 text, with a Paris-local copy for humans.
//
// One Ledger per thread; several processes may open the same file (SQLite
// locking, busy timeout 5 s).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/sqlite.h"
#include "parser/csv.h"
#include "rules/declaration.h"
#include "rules/diagnostic.h"
#include "rules/status.h"

struct sqlite3;

namespace flexmail {

// How a declaration reached flexmail, and the files it carried.
struct DeclarationEnvelope {
  std::string sender;
  Instant received_at{};
  std::string source = "cli";  // cli | maildir | imap
  std::vector<RawFile> files;
  // When flexmail processes it (default: received_at). Matters only out of
  // reception order (RULES §9, JudgementInstant).
  std::optional<Instant> processed_at;
};

// A dispatcher's decision on an integrated programme (`flexmail override`).
// The automatic verdict is never rewritten: this is a record of its own.
struct OverrideRecord {
  std::int64_t id = 0;             // filled when stored
  std::int64_t programme_row = 0;  // programmes.id
  std::string programme_id;        // its hms_profile_id (read back only)
  bool accepted = false;           // the new status; it replaces the other one
  std::string reason;
  std::string decided_by;
  Instant effective_at{};          // from when it acts on the reference
  Instant recorded_at{};
  std::int64_t reference_seq = 0;  // the reference version it made; 0: none
};

// A person's note on a declaration (`flexmail annotate`), never changed.
struct AnnotationRecord {
  std::int64_t id = 0;              // filled when stored
  std::int64_t declaration_id = 0;
  std::string text;
  std::string written_by;
  Instant written_at{};
};

// A programme as stored, with its verdict (for `programs` and reports).
struct StoredProgramme {
  std::int64_t row_id = 0;  // programmes.id
  std::int64_t declaration_id = 0;
  Instant received_at{};
  Instant judged_at{};  // = received_at unless processed out of order (RULES §9)
  std::string sender;
  ProgrammeResult result;
  std::vector<OverrideRecord> overrides;  // oldest first
  // The status in force: the last override's, else the automatic verdict.
  bool AcceptedNow() const {
    return overrides.empty() ? result.accepted : overrides.back().accepted;
  }
};

// The technical hourly bounds of a (site, day) (CSV fields 9-10) as last
// declared: those of its integrated programme of highest version, accepted
// or refused (a technically rejected file stores no programme, so its
// bounds never count); null when it has none. `same_day`: ProgrammesOf.
const StoredProgramme* LastDeclared(const std::vector<StoredProgramme>& same_day);

// A stored declaration with its outcome (for reports).
struct StoredDeclaration {
  std::int64_t id = 0;
  Instant received_at{};
  std::string sender;
  std::string source;
  Outcome outcome = Outcome::kRejected;
  int error_count = 0;
  int warning_count = 0;
  // The sender authentication of the email that carried it ("" for
  // `submit`, and for mail stored before authentication existed).
  std::string auth_method;
  std::string auth_result;
};

// Which declarations Ledger::Declarations lists (the console's list).
struct DeclarationFilter {
  GasDay day;                      // received during it (D 06:00 to D+1 06:00 Paris)
  // Non-empty: only declarations with an integrated programme of that site.
  // A rejected declaration stores no programme, so it never matches.
  std::string site;
  std::optional<Outcome> outcome;  // set: only declarations that ended so
  int limit = 0;                   // at most that many, the newest; <= 0: all
};

// How much of a message's bytes the ledger keeps (hostile mail must not
// fill the disk): all of them, its header section, or none.
enum class RawKept { kFull, kHeader, kNone };
std::string_view RawKeptName(RawKept k);  // FULL, HEADER, NONE

// A received email as stored: the raw bytes for audit, how it was
// identified (for exactly-once processing) and what became of it.
struct MessageRecord {
  std::int64_t id = 0;               // filled when stored
  std::string mailbox;               // Mailbox::name(), or "cli" for `ingest`
  std::uint64_t validity = 0;        // IMAP UIDVALIDITY; 0 for Maildir and cli
  std::string mailbox_key;           // IMAP UID / Maildir file name; empty for cli
  std::string message_id;            // as in the header (may be empty)
  std::string sha256;                // hex, of the bytes read (raw when kFull)
  std::string sender;                // From address (may be empty)
  std::string subject;               // decoded, UTF-8
  Instant received_at{};
  std::string source = "cli";        // cli | maildir | imap
  std::string raw;                   // bytes as received (what raw_kept says)
  RawKept raw_kept = RawKept::kFull;
  std::uint64_t message_size = 0;    // the whole message's size (0: unknown)
  Outcome outcome = Outcome::kIgnored;
  std::string reason;                // IGNORED: why (unknown sender, loop, duplicate…)
  std::string folder;                // Processed | Rejected | Ignored
  std::int64_t declaration_id = 0;   // 0 when no declaration was made
  std::int64_t duplicate_of = 0;     // id of the first sighting, for duplicates
  // Sender authentication (empty when the message was not authenticated:
  // ignored before that step): method, result (pass | fail | temperror |
  // none), what passed or why not; and the shipper its From belongs to.
  std::string auth_method;
  std::string auth_result;
  std::string auth_detail;
  std::string shipper;
  // The message's own text, decoded (ParsedMessage::body_text, with a
  // French note at the end when cut); empty when it has none or could not
  // be read (stored as NULL).
  std::string body_text;
  // Hex SHA-256 naming the declaration the message carries whatever its
  // transport headers (see DeclarationKey in daemon/intake.h); empty when
  // it has none (stored as NULL).
  std::string declaration_key;
};

enum class ReplyState { kPending, kSent, kFailed };
std::string_view ReplyStateName(ReplyState s);  // PENDING, SENT, FAILED

// A reply waiting in (or gone from) the outbox.
struct OutboxItem {
  std::int64_t id = 0;
  std::int64_t declaration_id = 0;      // 0: a test's reply (message_ref set)
  std::int64_t message_ref = 0;         // the message a test's reply answers
  std::string message_id;               // the reply's own Message-ID
  std::string from;                     // envelope sender
  std::vector<std::string> recipients;  // envelope recipients (To + Cc)
  std::string raw;                      // the whole MIME message
  ReplyState state = ReplyState::kPending;
  int attempts = 0;
  Instant created_at{};
  Instant next_attempt_at{};
  std::optional<Instant> sent_at;
  std::string last_error;
  std::optional<Instant> failed_at;     // when it was given up (FAILED)
};

// Everything the ledger holds about one declaration, read in one read
// transaction so the parts agree (the console's declaration page).
struct DeclarationDetail {
  StoredDeclaration declaration;
  std::vector<std::string> files;           // names, in the order received
  // Errors, then warnings, in the order the shipper was told; each located
  // as stored (file, line, field; empty or 0 when not about one).
  std::vector<Diagnostic> diagnostics;
  std::vector<StoredProgramme> programmes;  // integrated ones, in the order written
  bool has_message = false;                 // false for `submit`
  MessageRecord message;                    // the email that carried it, raw left out
  std::vector<OutboxItem> replies;          // its answers, raw included, in queue order
  std::vector<AnnotationRecord> annotations;  // people's notes, in the order written
};

// The leaf certificate a mail server showed when flexmail last connected,
// for `flexmail status` (it runs apart from the daemon and cannot ask the
// server itself).
struct ServerCertificateRecord {
  std::string endpoint;  // "imaps://host:993", "smtp://host:587" (no mailbox, no credentials)
  std::string subject;   // as OpenSSL prints it, printable
  Instant not_after{};
  Instant seen_at{};     // when the daemon last recorded it
};

// One poll of the inbox, for `flexmail status`.
struct PollRecord {
  Instant started_at{};
  Instant finished_at{};
  bool ok = true;
  std::string error;        // printable, no secrets
  // The failure will last until an operator fixes the configuration, the
  // credentials or the server (a kPermanent status), not the weather.
  bool needs_operator = false;
  int messages_waiting = 0; // listed in the inbox at this poll
  int messages_processed = 0;
};

// One canary probe (README, "The canary"), for `flexmail status`.
struct CanaryRecord {
  std::string probe_id;
  Instant sent_at{};                  // when it was handed to the relay (or tried)
  std::string send_error;             // empty: the relay accepted it
  std::optional<Instant> returned_at; // when the intake read it back
  std::int64_t round_trip_ms = 0;     // returned_at - sent_at, when returned
};

class Ledger {
 public:
  // Opens (creating if needed) and migrates the database at `path`.
  static Status Open(const std::string& path, std::unique_ptr<Ledger>* out);
  // Opens an existing ledger read-only (SQLITE_OPEN_READONLY, query_only):
  // for readers beside the daemon (the web console) that must never write
  // nor take the write lock, so they can never block intake. Nothing is
  // created or migrated: kNotFound when the file is missing, kPermanent when
  // its schema is not the one this flexmail reads. Every writing method of
  // such a Ledger fails (kTransient, "attempt to write a readonly database").
  static Status OpenReadOnly(const std::string& path, std::unique_ptr<Ledger>* out);
  ~Ledger();

  // Commits of this connection no longer wait for the disk (synchronous =
  // NORMAL under WAL): they survive a crash or kill of flexmail, not a power
  // cut or an operating-system crash. For the outbox's connection only: a
  // SENT mark lost with power costs one duplicate reply, while waiting for
  // the disk after the relay's acceptance widens the window in which a
  // crash does the same. Declarations are never written this way.
  Status CommitWithoutWaitingForDisk();

  // This connection will not grow the file past `max_bytes` (rounded down
  // to whole pages; never below the file's current size): writes that would
  // fail as on a full disk, kTransient. 0 lifts the cap.
  Status LimitSize(std::int64_t max_bytes);
  // The file's size as SQLite counts it (pages x page size), WAL excluded.
  Status SizeBytes(std::int64_t* out);
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // What the rules need, read in one read transaction.
  Status Snapshot(const SnapshotKeys& keys, LedgerSnapshot* out);

  using Evaluate = std::function<DeclarationResult(const LedgerSnapshot&)>;
  // Called by Submit inside its transaction, after the declaration and all
  // it caused are written and before COMMIT, whatever the outcome. Rows it
  // writes through `tx` (e.g. the reply emails to send) commit together with
  // the declaration or not at all; a non-ok Status rolls everything back and
  // is what Submit returns. It cannot end the transaction: COMMIT and
  // ROLLBACK are refused while it runs (tx.Commit() returns an error).
  using Extension = std::function<Status(sql::Transaction& tx, std::int64_t declaration_id,
                                         const DeclarationResult& result)>;
  // One write transaction (BEGIN IMMEDIATE): reads the snapshot of `keys`,
  // calls `evaluate`, writes the declaration and all it caused, calls
  // `extend` (when set), commits. Programmes and reference versions are
  // written only when the outcome is INTEGRATED; otherwise only the
  // declaration, its files and its diagnostics. On any failure nothing is
  // written and the status says why (kTransient when the database is busy).
  // REQUIRES: `evaluate` returns a result for env.received_at.
  Status Submit(const DeclarationEnvelope& env, const SnapshotKeys& keys,
                const Evaluate& evaluate, DeclarationResult* result, std::int64_t* declaration_id,
                const Extension& extend = nullptr);

  // Stores a publication; fills p->seq and p->applied_at (from the previous
  // publication of the same mesh and indicator, and `delay`). A publication
  // dated before ones already stored may change when those apply: their
  // applied_at is recomputed in the same transaction, so every stored
  // applied_at is the one IndicatorTimeline would give.
  Status PublishIndicator(Publication* p, std::chrono::minutes delay);
  // Every publication, or those of one mesh when `mesh` is non-empty.
  Status Publications(const std::string& mesh, std::vector<Publication>* out);
  // Those of `mesh` that can matter at some instant of [from, to], in the
  // same order: published in (from - kPublicationLookback, to], and before
  // them the last one of each indicator. IndicatorTimeline over them gives
  // the same At and Pending at any instant of [from, to] as over every
  // publication, however long the ledger's history. kInvalidInput when
  // `mesh` is not a mesh code or to < from.
  Status PublicationsDuring(const std::string& mesh, Instant from, Instant to,
                            std::vector<Publication>* out);
  // A shortage, or its end when s.cancels.
  Status DeclareShortage(const Shortage& s);
  Status Shortages(std::vector<Shortage>* out);

  Status ReferenceHistoryOf(const SiteDay& key, ReferenceHistory* out);
  // Every integrated programme of (site, day), by version.
  Status ProgrammesOf(const SiteDay& key, std::vector<StoredProgramme>* out);
  // The integrated programme `hms_profile_id`; *found false when none.
  Status ProgrammeByProfileId(const std::string& hms_profile_id, bool* found,
                              StoredProgramme* out);

  // --- Notes (`flexmail annotate`) ---------------------------------------
  // Stores the note (a->id set); kNotFound when the declaration does
  // not exist.
  Status Annotate(AnnotationRecord* a);
  // The notes of declaration `id`, in the order written.
  Status AnnotationsOf(std::int64_t id, std::vector<AnnotationRecord>* out);

  // --- Overrides (`flexmail override`) ----------------------------------
  // What an override was decided against; recording fails with kTransient
  // when the ledger moved on meanwhile (the command then reads again).
  struct OverrideBasis {
    SiteDay key;                      // the programme's (site, day)
    std::int64_t last_override = 0;   // the programme's latest override id, 0: none
    std::int64_t last_reference = 0;  // the (site, day)'s latest version seq, 0: none
  };
  // In one transaction: the override (o->id set), the reference version
  // it makes when `reference` is set (its override_id filled here), and the
  // reply `reply` fills, queued unless it leaves the item's raw empty (a
  // declaration that came by `submit` has nobody to answer).
  using OverrideReplyOf = std::function<Status(const OverrideRecord& stored, OutboxItem* reply)>;
  Status RecordOverride(const OverrideBasis& basis, OverrideRecord* o,
                        std::optional<ReferenceUpdate> reference, const OverrideReplyOf& reply,
                        OutboxItem* item);
  // The declarations received during gas day `day` (D 06:00 to D+1 06:00
  // Paris), whatever they declared, in reception order.
  Status DeclarationsOn(GasDay day, std::vector<StoredDeclaration>* out);

  // --- The email channel ----------------------------------------------
  // Inside Submit's extension: the message that carried the declaration,
  // and the replies to send, committed with it or not at all. Both set the
  // new row's id. A declaration_id or duplicate_of of 0 is stored as NULL
  // (none). An empty m->sha256 is computed from m->raw; a given one must be
  // that digest (kInternal otherwise). A message from a mailbox (source
  // maildir or imap) must have a mailbox_key (a CHECK constraint).
  // kInvalidInput when the message is already stored: its mailbox position
  // (constraint messages_position) or, for a first sighting, its content
  // (messages_first_sighting) or, for one that made a declaration, its
  // declaration key (messages_declared_once); the message names the
  // constraint and the stored message's id. The caller then records it as a
  // duplicate.
  // REQUIRES: tx is open for writing (Submit's transaction).
  Status InsertMessage(sql::Transaction& tx, MessageRecord* m);
  // Stores the item as given (state, attempts and times included).
  // kInvalidInput when it has no recipient or one that is empty or contains
  // ", " (the stored list's separator): it would not read back the same.
  Status EnqueueReply(sql::Transaction& tx, OutboxItem* item);
  // The IGNORED messages received on a Paris day ("2026-12-03"): how many,
  // the bytes of them kept, and how many kept nothing (the cap was reached).
  struct IgnoredDay {
    std::int64_t messages = 0;
    std::int64_t kept_bytes = 0;
    std::int64_t dropped = 0;
  };
  Status IgnoredKeptOn(const std::string& local_day, IgnoredDay* out);
  // A message that made no declaration (ignored, duplicate), in its own
  // transaction; same checks and errors as InsertMessage.
  Status RecordMessage(MessageRecord* m);
  // A message answered without a declaration (a communication test), in one
  // transaction: `reply` is called once the message is stored (its id set)
  // and fills the reply, which is queued with it or not at all.
  using ReplyOf = std::function<Status(const MessageRecord& stored, OutboxItem* reply)>;
  Status RecordAnsweredMessage(MessageRecord* m, const ReplyOf& reply, OutboxItem* item);
  // Exactly-once lookups. *found stays false when there is no such message.
  // By mailbox position: the message already processed at that place (an
  // empty key is no position: never found).
  Status FindMessageAt(const std::string& mailbox, std::uint64_t validity,
                       const std::string& key, bool* found, MessageRecord* out);
  // By content: the first sighting (duplicate_of == 0) with that Message-ID
  // and SHA-256.
  Status FindMessageByContent(const std::string& message_id, const std::string& sha256,
                              bool* found, MessageRecord* out);
  // By declaration key: the first sighting with that key that made a
  // declaration (judged and answered). Messages ignored without one are not
  // found: they decided nothing about the declaration. An empty key is no
  // key: never found.
  Status FindMessageByDeclarationKey(const std::string& key, bool* found, MessageRecord* out);
  // When the latest reply to a message of `shipper` refused for its sender
  // authentication (fail, or temperror for too long) was queued; *found false when there is none. For the
  // rate limit of such replies.
  Status LastFailureReply(const std::string& shipper, bool* found, Instant* at);
  // How many messages received since `since` were refused because their
  // sender authentication stayed temporarily impossible (a resolver down
  // for longer than temp_fail_for): operators must look.
  Status CountAuthTempFailures(Instant since, int* count);
  // Messages without their raw bytes, newest first (by received_at, then
  // storage order) (for reports/status); limit <= 0: all of them.
  Status Messages(int limit, std::vector<MessageRecord>* out);

  // Outbox: replies due at `now` (PENDING, next_attempt_at <= now), oldest
  // first (by created_at, then queue order); limit <= 0: all of them.
  Status DueReplies(Instant now, int limit, std::vector<OutboxItem>* out);
  // How many replies are in `state`, without reading them.
  Status CountReplies(ReplyState state, int* count);
  // State changes, each after one delivery attempt, which they count
  // (attempts + 1). Only a PENDING reply changes: kNotFound for an unknown
  // id, kInternal for a reply already SENT or FAILED.
  // Sent: SENT, sent_at = at; last_error keeps the earlier failure, if any.
  Status MarkReplySent(std::int64_t id, Instant at);
  // Stays PENDING until next_attempt_at; last_error = error.
  Status MarkReplyRetry(std::int64_t id, Instant next_attempt_at, const std::string& error);
  // Given up: FAILED, failed_at = at, last_error = error.
  Status MarkReplyFailed(std::int64_t id, Instant at, const std::string& error);
  // The replies, newest first, raw included: every one, or the newest
  // `limit` when limit > 0.
  Status Outbox(std::vector<OutboxItem>* out, int limit = 0);
  Status Reply(std::int64_t id, bool* found, OutboxItem* out);

  // Polls, for `flexmail status`. Only the latest kPollsKept polls are kept,
  // and the latest successful one however old. "Latest" is the last
  // recorded.
  static constexpr int kPollsKept = 1000;
  Status RecordPoll(const PollRecord& p);
  Status LastPoll(bool* found, PollRecord* out);            // the latest poll
  Status LastSuccessfulPoll(bool* found, PollRecord* out);  // the latest ok poll

  // The canary's probes (db/canary.cc). Only the latest kCanaryProbesKept
  // are kept, and the latest that came back however old.
  static constexpr int kCanaryProbesKept = 10000;
  // A probe the relay accepted at `sent_at`. kInternal for an id already
  // recorded (ids are random: a broken invariant).
  Status RecordCanarySent(const std::string& probe_id, Instant sent_at);
  // A probe the relay did not take: it cannot come back, and says why.
  // REQUIRES: a non-empty, printable error without secrets.
  Status RecordCanarySendFailure(const std::string& probe_id, Instant sent_at,
                                 const std::string& error);
  // A probe read back at `returned_at`. Idempotent: *counted is false when it
  // had already come back (read twice), and nothing changes. A probe this
  // ledger never saw sent (restored from a backup meanwhile) is recorded
  // with `sent_at`, the time its header proves. The round trip is never
  // negative (a clock set back counts as 0 ms).
  Status RecordCanaryReturned(const std::string& probe_id, Instant sent_at, Instant returned_at,
                              bool* counted);
  // The probe that came back last (by returned_at); *found false if none.
  Status LastCanaryRoundTrip(bool* found, CanaryRecord* out);
  // The probe sent last, whatever became of it; *found false if none.
  Status LatestCanaryProbe(bool* found, CanaryRecord* out);
  // The oldest probe kept (how long the canary has been singing).
  Status FirstCanaryProbe(bool* found, CanaryRecord* out);
  // --- Monitoring (metrics textfile, `status`) ------------------------
  // How many messages the ledger holds per outcome ("INTEGRATED",
  // "REJECTED", "IGNORED", "TEST"); outcomes with none are absent.
  Status CountMessagesByOutcome(std::map<std::string, std::int64_t>* out);
  // When the oldest PENDING reply was queued, and for which declaration;
  // *found false when none is.
  Status OldestPendingReply(bool* found, Instant* created_at,
                            std::int64_t* declaration_id = nullptr);
  // Replies per state ("PENDING", "SENT", "FAILED"); states with none are
  // absent. Reads the outbox_by_state index only, never the raw messages.
  Status CountRepliesByState(std::map<std::string, int>* out);
  // Stores (or replaces) the certificate last seen at c.endpoint.
  // kInvalidInput when the endpoint is empty.
  Status RecordServerCertificate(const ServerCertificateRecord& c);
  // Every recorded server certificate, by endpoint.
  Status ServerCertificates(std::vector<ServerCertificateRecord>* out);

  // What the console lists for declaration `id`: its files' names, in the
  // order received, and the distinct (site, gas day "YYYY-MM-DD") of its
  // integrated programmes, sorted. Empty lists for an unknown id.
  Status DeclarationContents(std::int64_t id, std::vector<std::string>* files,
                             std::vector<std::pair<std::string, std::string>>* site_days);

  // --- The console's declaration pages (db/declarations.cc) -----------
  // The declarations `filter` selects, newest first (by received_at, then
  // storage order).
  Status Declarations(const DeclarationFilter& filter, std::vector<StoredDeclaration>* out);
  // For the dashboard: the newest `limit` declarations received in
  // (since, until], newest first, and how many there were per outcome
  // ("INTEGRATED", "REJECTED"; outcomes with none absent). Both read the
  // reception index, however many declarations the period holds.
  Status LatestDeclarations(Instant since, Instant until, int limit,
                            std::vector<StoredDeclaration>* out);
  Status CountDeclarationsByOutcome(Instant since, Instant until,
                                    std::map<std::string, int>* out);
  // Declaration `id` and all it caused; *found false when there is none.
  Status Declaration(std::int64_t id, bool* found, DeclarationDetail* out);
  // The message that carried declaration `id` (its first sighting), with
  // its raw bytes when `with_raw`; *found false for `submit` or an unknown id.
  Status MessageOfDeclaration(std::int64_t id, bool with_raw, bool* found, MessageRecord* out);
  // The replies answering declaration `id`, raw included, in queue order.
  Status RepliesToDeclaration(std::int64_t id, std::vector<OutboxItem>* out);

  // The schema version after migration (for tests and `status`).
  int schema_version() const;
  // This ledger's instance id: 32 lowercase hex digits (128 random bits)
  // drawn when it was created or upgraded to schema version 12, the same
  // for every connection. Another ledger (a new one, or one created again
  // after a loss) has another; a copy of the file keeps it, except the
  // copies BackupLedger makes, which get their own (db/backup.h).
  // flexmail's Message-IDs carry it, so that they are unique beyond this
  // ledger's row ids.
  const std::string& instance_id() const;

 private:
  explicit Ledger(sqlite3* db);
  sqlite3* db_;
  int schema_version_ = 0;
  std::string instance_id_;
};

}  // namespace flexmail
