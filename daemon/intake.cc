#include "daemon/intake.h"

#include <algorithm>
#include <string_view>

#include "daemon/json_views.h"
#include "daemon/reply.h"
#include "daemon/subject.h"
#include "db/sha256.h"
#include "mail/header.h"
#include "mail/safe_name.h"

namespace flexmail {
namespace {

std::string Trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

MailLimits LimitsOf(const LimitSettings& l) {
  MailLimits m;
  m.max_message_bytes = static_cast<size_t>(l.max_message_bytes);
  m.max_attachments = static_cast<size_t>(l.max_attachments);
  m.max_csv_bytes = static_cast<size_t>(l.max_csv_bytes);
  m.max_depth = l.max_depth;
  m.max_header_lines = static_cast<size_t>(l.max_header_lines);
  return m;
}

// Appends `field` preceded by its length, so that no two different lists
// of fields encode alike ("ab", "c" and "a", "bc").
void AppendField(std::string_view field, std::string* out) {
  *out += std::to_string(field.size());
  *out += ':';
  out->append(field);
}

// MESSAGE_TOO_LARGE when the mailbox announced more than the limit (only
// the header was then read).
std::optional<Diagnostic> TooLarge(const IncomingMessage& in, const LimitSettings& limits) {
  if (in.announced_size <= static_cast<std::uint64_t>(limits.max_message_bytes))
    return std::nullopt;
  return Diagnostic{Code::MESSAGE_TOO_LARGE, Severity::kError,
                    "le courriel fait " + std::to_string(in.announced_size) +
                        " octets, au plus " + std::to_string(limits.max_message_bytes) +
                        " sont acceptés",
                    "", 0, 0};
}

// The outbox row of an answer built at `now`.
OutboxItem Queued(const ReplyEnvelope& e, const Config& config, Instant now) {
  OutboxItem item;
  item.message_id = e.message.message_id;
  item.from = config.mail.address;
  item.recipients = e.recipients;
  item.raw = ComposeMessage(e.message);
  item.created_at = item.next_attempt_at = now;
  return item;
}

// {method, result, detail}, or null when the message never reached the
// authentication step (a duplicate, a loop, a stranger).
Json AuthenticationJson(const std::optional<AuthVerdict>& a) {
  if (!a) return nullptr;
  return {{"method", a->method},
          {"result", AuthResultName(a->result)},
          {"detail", a->detail.empty() ? Json(nullptr) : Json(a->detail)}};
}

Json BaseJson(const IntakeResult& r) {
  return {{"outcome", OutcomeName(r.outcome)},
          {"messageId", r.message.message_id},
          {"sender", r.message.from_address},
          {"receivedAt", FormatLocalIso(r.record.received_at)},
          {"authentication", AuthenticationJson(r.authentication)}};
}

}  // namespace

Folder FolderOf(Outcome o) {
  switch (o) {
    case Outcome::kIntegrated: return Folder::kProcessed;
    case Outcome::kRejected: return Folder::kRejected;
    case Outcome::kTest: return Folder::kProcessed;
    case Outcome::kIgnored: break;
  }
  return Folder::kIgnored;
}

std::string FolderName(Folder f) {
  switch (f) {
    case Folder::kProcessed: return "Processed";
    case Folder::kRejected: return "Rejected";
    case Folder::kCanary: return "Canary";
    case Folder::kIgnored: break;
  }
  return "Ignored";
}

bool ParseFolderName(const std::string& name, Folder* out) {
  for (Folder f : {Folder::kProcessed, Folder::kRejected, Folder::kIgnored, Folder::kCanary}) {
    if (FolderName(f) == name) {
      *out = f;
      return true;
    }
  }
  return false;
}

MessageRecord RecordOf(const IncomingMessage& in, const ParsedMessage& m) {
  MessageRecord r;
  r.mailbox = in.mailbox;
  r.validity = in.validity;
  r.mailbox_key = in.key;
  r.message_id = m.message_id;
  r.sha256 = Sha256Hex(in.raw);
  r.sender = m.from_address;
  r.subject = m.subject;
  r.received_at = in.received_at;
  r.source = in.source;
  r.raw = in.raw;
  r.message_size = std::max<std::uint64_t>(in.announced_size, in.raw.size());
  // Over the size limit only the header section was read (Runner::Fetch).
  if (in.announced_size > in.raw.size()) r.raw_kept = RawKept::kHeader;
  r.body_text = m.body_text;
  if (m.body_text_truncated) r.body_text += "\n[… texte coupé à 64 Kio]";
  return r;
}

std::string DeclarationKey(const ParsedMessage& m) {
  if (m.message_id.empty()) return "";
  std::string fields;
  AppendField(m.message_id, &fields);
  AppendField(AsciiLower(m.from_address), &fields);
  for (const auto& a : m.csv_attachments) {
    AppendField(a.filename, &fields);
    AppendField(a.content, &fields);
  }
  return Sha256Hex(fields);
}

// RULES §7, no loops: never answer bounces, automatic mail, lists, or
// ourselves; and never answer strangers (no backscatter).
std::string Intake::IgnoreReason(const ParsedMessage& m) const {
  if (m.is_bounce) return "avis de non-remise (bounce)";
  std::string auto_submitted = AsciiLower(Trim(m.auto_submitted));
  if (!auto_submitted.empty() && auto_submitted != "no")
    return "message automatique (Auto-Submitted: " + auto_submitted + ")";
  std::string precedence = AsciiLower(Trim(m.precedence));
  if (precedence == "bulk" || precedence == "list" || precedence == "junk")
    return "message de liste ou de masse (Precedence: " + precedence + ")";
  if (m.from_address.empty()) return "expéditeur illisible";
  if (!config_.mail.address.empty() && EqualsIgnoreCase(m.from_address, config_.mail.address))
    return "message de flexmail lui-même";
  if (!config_.referential.SenderKnown(m.from_address)) return "expéditeur inconnu";
  return "";
}

Status Intake::Ignore(const std::string& reason, IntakeResult* out,
                      const MessageRecord* original) {
  out->outcome = Outcome::kIgnored;
  out->reason = reason;
  out->record.outcome = Outcome::kIgnored;
  out->record.reason = reason;
  out->folder = Folder::kIgnored;
  if (original) {
    // Filed where the first copy went, so a restored message looks handled.
    out->record.duplicate_of = original->id;
    ParseFolderName(original->folder, &out->folder);
  }
  out->record.folder = FolderName(out->folder);
  Status s = KeepHeaderOnly(&out->record);
  return s.ok() ? ledger_->RecordMessage(&out->record) : s;
}

// An ignored message is no declaration to audit: the ledger keeps its
// header section, and within the day's cap only, so that anyone mailing
// the address cannot fill the operator's disk (the digest stays that of
// every byte read, for duplicate detection).
Status Intake::KeepHeaderOnly(MessageRecord* r) {
  if (r->raw_kept == RawKept::kFull) {
    r->raw = std::string(HeaderSection(r->raw));
    r->raw_kept = RawKept::kHeader;
  }
  r->body_text.clear();  // a stranger's text is no shipper's word
  Ledger::IgnoredDay today;
  Status s = ledger_->IgnoredKeptOn(FormatLocalIso(r->received_at).substr(0, 10), &today);
  if (!s.ok()) return s;
  if (today.kept_bytes + static_cast<std::int64_t>(r->raw.size()) >
      config_.limits.max_ignored_bytes_per_day) {
    r->raw.clear();
    r->raw_kept = RawKept::kNone;
  }
  return s;
}

Status Intake::Ingest(const IncomingMessage& in, IntakeResult* out) {
  Status parsed = ParseMessage(in.raw, LimitsOf(config_.limits), &out->message);
  out->record = RecordOf(in, out->message);  // hashes the bytes, once
  if (parsed.ok()) out->record.declaration_key = DeclarationKey(out->message);
  CanaryProbe probe;
  if (parsed.ok() && IsOwnProbe(in, out->message, &probe)) return FileProbe(probe, out);
  // Content first, whatever it is: the same bytes seen again, readable or
  // not, are a duplicate of the first sighting.
  MessageRecord first;
  bool seen = false;
  Status s = ledger_->FindMessageByContent(out->message.message_id, out->record.sha256, &seen,
                                           &first);
  if (!s.ok()) return s;
  if (seen) return Ignore("doublon du message n°" + std::to_string(first.id), out, &first);
  // Then a copy with other transport headers of a declaration already
  // judged: answering it again would report its own programmes as already
  // existing. Before the loop rules too, so it is filed like the original.
  s = ledger_->FindMessageByDeclarationKey(out->record.declaration_key, &seen, &first);
  if (!s.ok()) return s;
  if (seen) {
    return Ignore("doublon du message n°" + std::to_string(first.id) +
                      " (même Message-ID, même expéditeur, mêmes fichiers)",
                  out, &first);
  }
  if (!parsed.ok()) return Ignore("ce n'est pas un courriel : " + parsed.message(), out);
  std::string reason = IgnoreReason(out->message);
  if (!reason.empty()) return Ignore(reason, out);
  s = Authenticate(in, out);
  if (!s.ok()) return s;
  if (out->authentication->result == AuthResult::kTempError) {
    // Never rejected for a resolver's hiccup; but not kept waiting forever.
    const auto waited = clock_.Now() - in.received_at;
    if (waited < config_.authentication.temp_fail_for) {
      out->deferred = true;
      return Status::Ok();
    }
    out->authentication->detail += " (impossible depuis plus de " +
                                   std::to_string(config_.authentication.temp_fail_for.count()) +
                                   " s)";
    out->record.auth_detail = out->authentication->detail;
    return Refuse(in, out);
  }
  if (out->authentication->result == AuthResult::kFail) return Refuse(in, out);
  if (out->message.csv_attachments.empty() && IsTestSubject(out->message.subject))
    return AnswerTest(in, out);
  return Declare(in, out);
}

// Ours only with the secret's MAC and our own From: a shipper's message
// carrying a copied probe header is still judged.
bool Intake::IsOwnProbe(const IncomingMessage& in, const ParsedMessage& m,
                        CanaryProbe* probe) const {
  return !canary_secret_.empty() && !config_.mail.address.empty() &&
         EqualsIgnoreCase(m.from_address, config_.mail.address) &&
         FindCanaryProbe(in.raw, canary_secret_, probe);
}

Status Intake::FileProbe(const CanaryProbe& probe, IntakeResult* out) {
  out->canary = probe;
  out->outcome = Outcome::kIgnored;
  out->reason = "sonde du canari " + probe.id;
  out->folder = Folder::kCanary;
  const Instant sent{std::chrono::milliseconds(probe.sent_unix_ms)};
  return ledger_->RecordCanaryReturned(probe.id, sent, clock_.Now(), &out->canary_counted);
}

// A shipper checking the channel before an outage: acknowledged (when it
// was received, who it was proven to come from), no declaration.
Status Intake::AnswerTest(const IncomingMessage& in, IntakeResult* out) {
  out->outcome = Outcome::kTest;
  out->folder = FolderOf(Outcome::kTest);
  out->record.outcome = Outcome::kTest;
  out->record.reason = "test de communication";
  out->record.folder = FolderName(out->folder);
  OutboxItem item;
  Status s = ledger_->RecordAnsweredMessage(
      &out->record,
      [&](const MessageRecord& stored, OutboxItem* reply) {
        const Instant now = clock_.Now();
        *reply = Queued(BuildTestReply(config_, ledger_->instance_id(), out->message,
                                       *out->authentication, in.received_at, stored.id, now),
                        config_, now);
        return fault_ ? fault_() : Status::Ok();
      },
      &item);
  if (s.ok()) out->reply_id = item.id;
  return s;
}

// After the loop, duplicate and stranger rules, before any effect on the
// ledger: who the message really comes from. With smime, only the files
// inside the signature are the declaration's.
Status Intake::Authenticate(const IncomingMessage& in, IntakeResult* out) {
  if (!auth_status_.ok()) return auth_status_;
  Authentication auth = authenticator_.Verify(in.raw, out->message, in.received_at);
  out->authentication = auth.verdict;
  out->record.auth_method = auth.verdict.method;
  out->record.auth_result = std::string(AuthResultName(auth.verdict.result));
  out->record.auth_detail = auth.verdict.detail;
  out->record.shipper = auth.shipper;
  if (auth.signed_entity && auth.verdict.result == AuthResult::kPass) {
    ParsedMessage inner;
    Status s = ParseMessage(*auth.signed_entity, LimitsOf(config_.limits), &inner);
    if (s.ok() && inner.csv_attachments.size() < out->message.csv_attachments.size())
      out->message.notes.push_back("pièces jointes hors de la signature ignorées");
    out->message.csv_attachments = s.ok() ? std::move(inner.csv_attachments)
                                          : std::vector<CsvAttachment>();
  }
  return Status::Ok();
}

Status Intake::Refuse(const IncomingMessage& in, IntakeResult* out) {
  const Instant now = clock_.Now();
  bool replied_lately = false;
  Instant last{};
  Status s = ledger_->LastFailureReply(out->record.shipper, &replied_lately, &last);
  if (!s.ok()) return s;
  const bool withhold =
      replied_lately && now - last < config_.authentication.failure_reply_interval;
  out->reply_withheld = withhold;
  // A refused message is no first sighting of its declaration: a forger who
  // guessed a Message-ID and its files must not make the genuine message,
  // arriving later, a duplicate. Each forged copy is refused on its own.
  out->record.declaration_key.clear();
  ProcessOptions options;
  options.reject_only = true;
  options.extra.push_back(Diagnostic{Code::SENDER_NOT_AUTHENTICATED, Severity::kError,
                                     CodeText(Code::SENDER_NOT_AUTHENTICATED) + " (" +
                                         out->authentication->method + " : " +
                                         out->authentication->detail + ")",
                                     "", 0, 0});
  // Beyond the size limit only the header was read: a signature over the
  // body could not be checked, and the shipper should know why.
  if (auto too_large = TooLarge(in, config_.limits)) options.extra.push_back(*too_large);
  return Record(in, options, /*copies=*/false, /*reply=*/!withhold, out);
}

Status Intake::Declare(const IncomingMessage& in, IntakeResult* out) {
  const ParsedMessage& m = out->message;
  ProcessOptions options;
  if (auto too_large = TooLarge(in, config_.limits)) {
    options.extra.push_back(*too_large);
  } else if (m.limit) {
    options.extra.push_back(
        Diagnostic{m.limit->code, Severity::kError, m.limit->detail, "", 0, 0});
  }
  if (auto warning = CheckSubject(m.subject, config_.referential)) options.extra.push_back(*warning);
  return Record(in, options, /*copies=*/true, /*reply=*/true, out);
}

// The declaration, the message and (when `reply`) its answer, in one
// transaction through the engine.
Status Intake::Record(const IncomingMessage& in, ProcessOptions options, bool copies, bool reply,
                      IntakeResult* out) {
  const ParsedMessage& m = out->message;
  DeclarationEnvelope env;
  env.sender = m.from_address;
  env.received_at = in.received_at;
  env.processed_at = in.processed_at ? *in.processed_at : clock_.Now();
  env.source = in.source;
  for (const auto& a : m.csv_attachments) env.files.push_back({SafeFileName(a.filename), a.content});
  const MessageRecord received = out->record;
  options.extend = [&](sql::Transaction& tx, const Verdict& v) {
    out->outcome = v.result.outcome;
    out->folder = FolderOf(v.result.outcome);
    out->record = received;
    out->record.outcome = v.result.outcome;
    out->record.folder = FolderName(out->folder);
    out->record.declaration_id = v.declaration_id;
    Status s = ledger_->InsertMessage(tx, &out->record);
    if (s.ok() && fault_) s = fault_();
    if (!s.ok() || !reply) return s;
    IntakeResult shown = *out;
    shown.has_verdict = true;
    shown.verdict = v;
    ReplyOptions ro;
    ro.copies = copies;
    ro.authentication = out->authentication ? &*out->authentication : nullptr;
    const Instant now = clock_.Now();
    OutboxItem item = Queued(BuildReply(config_, ledger_->instance_id(), m, v,
                                        IntakeJson(shown, config_.referential), now, ro),
                             config_, now);
    item.declaration_id = v.declaration_id;
    s = ledger_->EnqueueReply(tx, &item);
    out->reply_id = item.id;
    return s;
  };
  Engine engine(config_, ledger_);
  Status s = engine.Process(env, options, &out->verdict);
  out->has_verdict = s.ok();
  return s;
}

std::string IntakeJson(const IntakeResult& r, const Referential& ref) {
  Json j = BaseJson(r);
  if (r.outcome == Outcome::kIgnored || r.outcome == Outcome::kTest) {
    if (r.outcome == Outcome::kIgnored) j["reason"] = r.reason;
    j["errors"] = Json::array();
    j["warnings"] = Json::array();
    j["hmsProfiles"] = Json::array();
    j["rebuiltHmsProfiles"] = Json::array();
    return j.dump(2);
  }
  Json v = VerdictJson(r.verdict, r.message.from_address, ref);
  for (auto& [key, value] : v.items()) {
    if (!j.contains(key)) j[key] = value;
  }
  return j.dump(2);
}

}  // namespace flexmail
