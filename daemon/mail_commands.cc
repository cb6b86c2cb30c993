// The email channel's commands: ingest, run, outbox.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "daemon/canary_probe.h"
#include "daemon/commands.h"
#include "daemon/intake.h"
#include "daemon/json_views.h"
#include "daemon/log.h"
#include "daemon/poll_outputs.h"
#include "daemon/runner.h"
#include "daemon/service.h"
#include "daemon/table.h"
#include "daemon/wiring.h"
#include "mail/message.h"

namespace flexmail {
namespace {

void PrintIntake(std::ostream& os, const IntakeResult& r) {
  os << "Message " << Printable(r.message.message_id, 120) << " from "
     << Printable(r.message.from_address, 120) << ": " << OutcomeName(r.outcome);
  if (r.outcome == Outcome::kIgnored) os << " (" << r.reason << ")";
  if (r.authentication)
    os << ", authentication " << r.authentication->method << " "
       << AuthResultName(r.authentication->result);
  if (r.has_verdict && r.verdict.declaration_id) os << ", declaration " << r.verdict.declaration_id;
  if (r.reply_id) os << ", reply " << r.reply_id << " queued";
  os << "\n";
}

Json OutboxJson(const OutboxItem& i) {
  Json recipients = Json::array();
  for (const auto& r : i.recipients) recipients.push_back(r);
  return {{"id", i.id},
          {"declarationId", i.declaration_id ? Json(i.declaration_id) : Json(nullptr)},
          {"messageRef", i.message_ref ? Json(i.message_ref) : Json(nullptr)},
          {"messageId", i.message_id},
          {"recipients", recipients},
          {"state", ReplyStateName(i.state)},
          {"attempts", i.attempts},
          {"createdAt", FormatLocalIso(i.created_at)},
          {"nextAttemptAt", FormatLocalIso(i.next_attempt_at)},
          {"sentAt", i.sent_at ? Json(FormatLocalIso(*i.sent_at)) : Json(nullptr)},
          {"lastError", i.last_error}};
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void PrintStats(std::ostream& os, const PassStats& s) {
  os << "Inbox: " << s.listed << " waiting, " << s.processed << " processed (" << s.integrated
     << " integrated, " << s.rejected << " rejected, " << s.ignored << " ignored"
     << (s.tests ? ", " + std::to_string(s.tests) + " communication test(s)" : "") << "), "
     << s.already
     << " already processed\n"
     << "Outbox: " << s.sent << " sent, " << s.retried << " to retry, " << s.failed
     << " failed\n";
}

// Reading mail needs a stated sender-authentication mode (no silent
// default). "none" is allowed, and said at every start.
bool AuthenticationStated(Context& c) {
  if (!c.config.authentication.configured) {
    c.err << "flexmail: " << c.config.path
          << ": [authentication] is required to read mail: set mode = \"dkim\", "
             "\"authentication-results\", \"smime\" or \"none\"\n";
    return false;
  }
  if (c.config.authentication.mode == AuthMode::kNone)
    LogWarn("[authentication] mode = \"none\": senders are not authenticated, a forged From is "
            "believed");
  return true;
}

// What authentication trusts must load (`loaded`: Intake::ready), or
// nothing is read.
bool AuthenticationLoaded(Context& c, const Status& loaded) {
  if (loaded.ok()) return true;
  c.err << "flexmail: " << c.config.path << ": " << loaded.message() << "\n";
  return false;
}

// As the mailboxes do: a message over [limits] max_message_bytes is not
// read beyond its header section (at most kMaxIngestHeaderBytes), so a huge
// file costs neither memory nor ledger space.
constexpr std::size_t kMaxIngestHeaderBytes = 256 * 1024;

bool ReadBoundedMessage(Context& c, const std::string& path, IncomingMessage* in) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) {
    c.err << "flexmail: cannot read " << path << "\n";
    return false;
  }
  const auto size = static_cast<std::uint64_t>(file.tellg());
  const auto max = static_cast<std::uint64_t>(c.config.limits.max_message_bytes);
  file.seekg(0);
  in->raw.resize(static_cast<std::size_t>(std::min<std::uint64_t>(
      size, size > max ? kMaxIngestHeaderBytes : max)));
  file.read(in->raw.data(), static_cast<std::streamsize>(in->raw.size()));
  in->raw.resize(static_cast<std::size_t>(file.gcount()));
  if (size > max) in->raw = std::string(HeaderSection(in->raw));
  in->announced_size = size;
  return true;
}

}  // namespace

int CmdIngest(Context& c, const IngestArgs& a) {
  if (!AuthenticationStated(c)) return kExitUsage;
  IncomingMessage in;
  if (!ResolveInstant(c, a.at, "--received-at", &in.received_at)) return kExitUsage;
  Instant processed_at{};
  if (!ResolveProcessedAt(c, a.processed_at, a.at, in.received_at, &processed_at))
    return kExitUsage;
  in.processed_at = processed_at;
  if (!ReadBoundedMessage(c, a.file, &in)) return kExitUsage;
  Intake intake(c.config, &c.ledger, c.clock);
  if (!AuthenticationLoaded(c, intake.ready())) return kExitUsage;
  IntakeResult r;
  Status s = intake.Ingest(in, &r);
  if (!s.ok()) return Internal(c, s);
  if (r.deferred) {
    c.err << "flexmail: sender authentication not possible now ("
          << Printable(r.authentication->detail) << "): nothing stored, try again later\n";
    return kExitInternal;
  }
  if (a.json) {
    c.out << IntakeJson(r, c.config.referential) << "\n";
  } else {
    PrintIntake(c.out, r);
  }
  return kExitOk;
}

int CmdRun(Context& c, const RunArgs& a) {
  if (!AuthenticationStated(c)) return kExitUsage;
  std::string error;
  std::shared_ptr<TokenSource> tokens = MakeOAuth2Tokens(c.config, &error);
  auto mailbox = error.empty() ? MakeMailbox(c.config, tokens, &error) : nullptr;
  if (!mailbox) {
    c.err << "flexmail: " << error << "\n";
    return kExitUsage;
  }
  auto sender = MakeSender(c.config, tokens, &error);
  if (!sender && !error.empty()) {
    c.err << "flexmail: " << error << "\n";
    return kExitUsage;
  }
  if (!a.once) {
    auto idler = MakeIdler(c.config, tokens, &error);
    if (!error.empty()) {
      c.err << "flexmail: " << error << "\n";
      return kExitUsage;
    }
    const std::atomic<bool>* stop = InstallStopHandlers();
    // Probes have their own relay connection (a sender serves one thread).
    auto canary = StartCanary(
        c.config, [&](std::string* e) { return MakeSender(c.config, tokens, e); }, c.clock, stop,
        &error);
    if (!error.empty()) {
      c.err << "flexmail: " << error << "\n";
      return kExitUsage;
    }
    return RunService(c.config, &c.ledger, mailbox.get(), sender.get(), c.clock, stop,
                      idler.get());
  }
  Runner runner(c.config, &c.ledger, mailbox.get(), sender.get(), c.clock);
  if (!AuthenticationLoaded(c, runner.ready())) return kExitUsage;
  PassStats stats;
  PollRecord rec = runner.Cycle(&stats);
  PollOutputs(c.config, &c.ledger, mailbox.get(), sender.get(), c.clock).AfterPoll(rec);
  PrintStats(c.out, stats);
  if (rec.ok) return kExitOk;
  c.err << "flexmail: " << rec.error << "\n";
  return kExitInternal;
}

int CmdOutboxList(Context& c, const OutboxArgs& a) {
  std::vector<OutboxItem> items;
  Status s = c.ledger.Outbox(&items);
  if (!s.ok()) return Internal(c, s);
  if (a.json) {
    Json list = Json::array();
    for (const auto& i : items) list.push_back(OutboxJson(i));
    c.out << Json{{"replies", list}}.dump(2) << "\n";
    return kExitOk;
  }
  Table t({"ID", "DECLARATION", "STATE", "ATTEMPTS", "RECIPIENTS", "CREATED", "LAST ERROR"});
  for (const auto& i : items) {
    t.Add({std::to_string(i.id), std::to_string(i.declaration_id),
           std::string(ReplyStateName(i.state)), std::to_string(i.attempts), Join(i.recipients),
           FormatLocalIso(i.created_at), Printable(i.last_error, 60)});
  }
  t.Print(c.out);
  return kExitOk;
}

int CmdOutboxShow(Context& c, const OutboxArgs& a) {
  bool found = false;
  OutboxItem item;
  Status s = c.ledger.Reply(a.id, &found, &item);
  if (!s.ok()) return Internal(c, s);
  if (!found) {
    c.err << "flexmail: no reply " << a.id << " in the outbox\n";
    return kExitUsage;
  }
  c.out << item.raw;
  return kExitOk;
}

}  // namespace flexmail
