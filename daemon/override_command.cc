// `flexmail override`: the dispatcher overrules a programme's verdict after
// a phone call. The automatic verdict stays; the override is recorded with
// the reference version it makes and the shipper's answer, all at once.
#include <algorithm>
#include <optional>

#include "daemon/commands.h"
#include "daemon/json_views.h"
#include "daemon/override_reply.h"
#include "mail/message.h"
#include "rules/override.h"

namespace flexmail {
namespace {

constexpr size_t kMaxReasonBytes = 1000;
constexpr size_t kMaxNameBytes = 200;

bool ParseStatus(Context& c, const std::string& text, bool* accepted) {
  if (text != "ACCEPTED" && text != "REFUSED") {
    c.err << "flexmail: --status: \"" << text << "\": expected ACCEPTED or REFUSED\n";
    return false;
  }
  *accepted = text == "ACCEPTED";
  return true;
}

// The latest instant anything was decided for the programme's (site, day):
// an override may not act before it, or verdicts already given would have
// been judged on another reference than the one recorded.
Instant LastDecision(const StoredProgramme& p, const std::vector<StoredProgramme>& same_day,
                     const ReferenceHistory& h) {
  Instant last = p.judged_at;
  for (const auto& q : same_day) {
    last = std::max(last, q.judged_at);
    for (const auto& o : q.overrides) last = std::max(last, o.effective_at);
  }
  for (const auto& v : h.versions()) last = std::max(last, v.effective_at);
  return last;
}

// What the command reads before deciding.
struct Basis {
  StoredProgramme programme;
  std::vector<StoredProgramme> same_day;
  ReferenceHistory history;
};

int ReadBasis(Context& c, const std::string& id, Basis* b) {
  bool found = false;
  Status s = c.ledger.ProgrammeByProfileId(id, &found, &b->programme);
  if (!s.ok()) return Internal(c, s);
  if (!found) {
    c.err << "flexmail: programme \"" << id << "\": no integrated programme has this id "
          << "(a technically rejected declaration has no programme to override)\n";
    return kExitUsage;
  }
  const SiteDay key{b->programme.result.id.site, b->programme.result.id.day};
  s = c.ledger.ProgrammesOf(key, &b->same_day);
  if (s.ok()) s = c.ledger.ReferenceHistoryOf(key, &b->history);
  return s.ok() ? kExitOk : Internal(c, s);
}

// The reference version the override makes; nullopt when none changes.
std::optional<ReferenceUpdate> ReferenceOf(const Basis& b, const OverrideRecord& o) {
  const ProgrammeResult& r = b.programme.result;
  const SiteDay key{r.id.site, r.id.day};
  std::optional<Hourly> values;
  if (o.accepted) {
    values = ReferenceAfterOverrideAccept(b.history, r.values, r.id.day, o.effective_at);
  } else {
    values = ReferenceAfterOverrideRefuse(b.history, r.raw_id, r.id.day, o.effective_at);
  }
  if (!values) return std::nullopt;
  ReferenceUpdate u{key, {}};
  u.version.effective_at = o.effective_at;
  u.version.values = *values;
  u.version.programme_id = r.raw_id;
  u.version.contract = r.id.contract;
  u.version.withdrawal = !o.accepted;
  return u;
}

Ledger::OverrideBasis BasisOf(const Basis& b) {
  Ledger::OverrideBasis out;
  out.key = {b.programme.result.id.site, b.programme.result.id.day};
  if (!b.programme.overrides.empty()) out.last_override = b.programme.overrides.back().id;
  for (const auto& v : b.history.versions())
    out.last_reference = std::max(out.last_reference, v.seq);
  return out;
}

// The answer to the email that carried the programme; none (raw left
// empty) for a declaration made with `submit`.
Ledger::OverrideReplyOf ReplyFor(Context& c, const Basis& b, Instant now) {
  return [&c, &b, now](const OverrideRecord& stored, OutboxItem* item) {
    bool found = false;
    MessageRecord m;
    Status s = c.ledger.MessageOfDeclaration(b.programme.declaration_id, true, &found, &m);
    if (!s.ok() || !found) return s;
    ParsedMessage msg;
    s = ParseMessage(m.raw, MailLimits{}, &msg);
    if (!s.ok()) return s;
    ReplyEnvelope e = BuildOverrideReply(c.config, c.ledger.instance_id(), msg, b.programme,
                                         stored, stored.reference_seq != 0, now);
    item->declaration_id = b.programme.declaration_id;
    item->message_id = e.message.message_id;
    item->from = c.config.mail.address;
    item->recipients = e.recipients;
    item->raw = ComposeMessage(e.message);
    item->created_at = item->next_attempt_at = now;
    return Status::Ok();
  };
}

// The override's own keys (OverrideJson) with the programme's identity
// after its id, and the reply's Message-ID.
Json CommandJson(const StoredProgramme& p, const OverrideRecord& o, const OutboxItem& reply) {
  Json out = {{"id", o.id},
              {"hmsProfileId", p.result.raw_id},
              {"siteId", p.result.id.site},
              {"gasDay", p.result.id.day.Iso()}};
  const Json own = OverrideJson(o);  // items() must not outlive it
  for (const auto& [key, value] : own.items()) out[key] = value;
  out["replyMessageId"] = reply.raw.empty() ? Json(nullptr) : Json(reply.message_id);
  return out;
}

void PrintOverride(std::ostream& os, const StoredProgramme& p, const OverrideRecord& o,
                   const OutboxItem& reply) {
  os << "Override " << o.id << ": programme " << p.result.raw_id << " (" << p.result.id.site
     << ", gas day " << p.result.id.day.Iso() << ") " << (o.accepted ? "ACCEPTED" : "REFUSED")
     << ", was " << (o.accepted ? "REFUSED" : "ACCEPTED") << ", from "
     << FormatLocalIso(o.effective_at) << ", by " << o.decided_by << "\n"
     << "Reference: "
     << (o.reference_seq ? "new version " + std::to_string(o.reference_seq) : "unchanged")
     << "\n"
     << "Reply: "
     << (reply.raw.empty() ? std::string("none (the declaration came without an email)")
                           : "queued, " + reply.message_id)
     << "\n";
}

}  // namespace

int CmdOverride(Context& c, const OverrideArgs& a) {
  OverrideRecord o;
  // One reading of the clock: --at left out is now, never after it.
  const Instant now = c.clock.Now();
  o.effective_at = now;
  if (!ParseStatus(c, a.status, &o.accepted) ||
      !CheckOperatorText(c, "--reason", a.reason, kMaxReasonBytes) ||
      !CheckOperatorText(c, "--by", a.by, kMaxNameBytes) ||
      (!a.at.empty() && !ResolveInstant(c, a.at, "--at", &o.effective_at)))
    return kExitUsage;
  Basis b;
  if (int rc = ReadBasis(c, a.programme_id, &b); rc != kExitOk) return rc;
  if (b.programme.AcceptedNow() == o.accepted) {
    c.err << "flexmail: programme " << a.programme_id << " is already "
          << (o.accepted ? "ACCEPTED" : "REFUSED") << "\n";
    return kExitUsage;
  }
  const Instant last = LastDecision(b.programme, b.same_day, b.history);
  if (o.effective_at < last || o.effective_at > now) {
    c.err << "flexmail: --at: " << FormatLocalIso(o.effective_at) << ": expected an instant from "
          << FormatLocalIso(last) << " (the last decision on " << b.programme.result.id.site
          << ", gas day " << b.programme.result.id.day.Iso()
          << ": verdicts given are never rewritten) to now\n";
    return kExitUsage;
  }
  o.programme_row = b.programme.row_id;
  o.reason = a.reason;
  o.decided_by = a.by;
  o.recorded_at = now;
  OutboxItem reply;
  Status s =
      c.ledger.RecordOverride(BasisOf(b), &o, ReferenceOf(b, o), ReplyFor(c, b, now), &reply);
  if (!s.ok()) return Internal(c, s);
  if (a.json) {
    c.out << CommandJson(b.programme, o, reply).dump(2) << "\n";
  } else {
    PrintOverride(c.out, b.programme, o, reply);
  }
  return kExitOk;
}

}  // namespace flexmail
