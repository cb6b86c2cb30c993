// The operators' commands: status (a monitoring check) and report (a gas
// day at a glance).
#include <map>

#include "daemon/canary_status.h"
#include "daemon/certificate_checks.h"
#include "daemon/commands.h"
#include "daemon/health.h"
#include "daemon/json_views.h"
#include "daemon/log.h"
#include "daemon/table.h"
#include "daemon/text_views.h"

namespace flexmail {
namespace {

Json InstantOrNull(bool present, Instant t) {
  return present ? Json(FormatLocalIso(t)) : Json(nullptr);
}

Json CertificateWarningsJson(const Health& h) {
  Json list = Json::array();
  for (const auto& w : h.certificates) {
    list.push_back({{"what", w.certificate.what},
                    {"subject", w.certificate.subject},
                    {"notAfter", FormatLocalIso(w.certificate.not_after)},
                    {"daysLeft", w.days_left}});
  }
  return list;
}

Json HealthJson(const Health& h, const Config& config) {
  Json problems = Json::array();
  for (const auto& p : h.problems) problems.push_back(p);
  return {{"healthy", h.problems.empty()},
          {"problems", problems},
          {"lastSuccessfulPoll", InstantOrNull(h.polled, h.ok_poll.finished_at)},
          {"lastPoll", InstantOrNull(h.last_found, h.last_poll.finished_at)},
          {"messagesWaiting", h.last_found ? Json(h.last_poll.messages_waiting) : Json(nullptr)},
          {"oldestUnansweredDeclaration",
           h.has_unanswered ? Json{{"declarationId", h.oldest_unanswered.declaration_id},
                                   {"queuedAt", FormatLocalIso(h.oldest_unanswered.created_at)}}
                            : Json(nullptr)},
          {"outbox", h.by_state},
          {"lastError", h.last_found && !h.last_poll.ok ? Json(h.last_poll.error) : Json(nullptr)},
          {"authentication", h.authentication},
          {"canary", CanaryHealthJson(h.canary, config)},
          {"warnings", h.warnings},
          {"certificateWarnings", CertificateWarningsJson(h)},
          {"ignoredToday",
           {{"messages", h.ignored_today.messages},
            {"keptBytes", h.ignored_today.kept_bytes},
            {"capBytes", config.limits.max_ignored_bytes_per_day},
            {"keptNothing", h.ignored_today.dropped}}}};
}

void PrintHealth(std::ostream& os, const Health& h, const Config& config) {
  os << (h.problems.empty() ? "OK" : "UNHEALTHY");
  for (const auto& p : h.problems) os << " - " << p;
  os << "\nlast successful poll: "
     << (h.polled ? FormatLocalIso(h.ok_poll.finished_at) : std::string("never")) << "\n"
     << "messages waiting:     "
     << (h.last_found ? std::to_string(h.last_poll.messages_waiting) : std::string("unknown"))
     << "\n"
     << "oldest unanswered:    "
     << (h.has_unanswered ? "declaration " + std::to_string(h.oldest_unanswered.declaration_id) +
                                " queued " + FormatLocalIso(h.oldest_unanswered.created_at)
                          : std::string("none"))
     << "\noutbox:               " << h.by_state.at("PENDING") << " pending, "
     << h.by_state.at("SENT") << " sent, " << h.by_state.at("FAILED") << " failed\n"
     << "last error:           "
     << (h.last_found && !h.last_poll.ok ? h.last_poll.error : std::string("none")) << "\n"
     << "authentication:       " << h.authentication
     << (h.authentication == "none" ? " (WARNING: a forged From is believed)" : "") << "\n"
     << "canary:               " << CanaryHealthText(h.canary, config) << "\n"
     << "ignored today:        " << h.ignored_today.messages << " message(s), "
     << h.ignored_today.kept_bytes << " of " << config.limits.max_ignored_bytes_per_day
     << " bytes kept, " << h.ignored_today.dropped << " kept nothing\n";
  for (const auto& w : h.warnings) os << "warning:              " << w << "\n";
}

}  // namespace

int CmdStatus(Context& c, const StatusArgs& a) {
  Health h;
  Status s = ReadHealth(c.config, c.ledger, c.clock.Now(), &h);
  if (!s.ok()) return Internal(c, s);
  if (a.json) {
    c.out << HealthJson(h, c.config).dump(2) << "\n";
  } else {
    PrintHealth(c.out, h, c.config);
  }
  return h.problems.empty() ? kExitOk : kExitUnhealthy;
}

int CmdReport(Context& c, const ReportArgs& a) {
  GasDay day;
  if (!ResolveGasDay(c, a.gas_day, &day)) return kExitUsage;
  std::vector<StoredDeclaration> decls;
  Status s = c.ledger.DeclarationsOn(day, &decls);
  std::map<std::int64_t, std::vector<AnnotationRecord>> notes;
  std::map<std::int64_t, MessageRecord> mails;  // the email of each, text without bytes
  for (size_t i = 0; s.ok() && i < decls.size(); ++i) {
    s = c.ledger.AnnotationsOf(decls[i].id, &notes[decls[i].id]);
    bool found = false;
    MessageRecord m;
    if (s.ok()) s = c.ledger.MessageOfDeclaration(decls[i].id, false, &found, &m);
    if (s.ok() && found) mails[decls[i].id] = std::move(m);
  }
  std::vector<StoredProgramme> progs;
  std::vector<StoredProgramme> bounds;  // per site, the programme that declared them last
  for (const auto& site : c.config.referential.sites()) {
    if (!s.ok()) break;
    std::vector<StoredProgramme> one;
    s = c.ledger.ProgrammesOf(SiteDay{site.id, day}, &one);
    if (const StoredProgramme* last = LastDeclared(one)) bounds.push_back(*last);
    progs.insert(progs.end(), one.begin(), one.end());
  }
  if (!s.ok()) return Internal(c, s);
  if (a.json) {
    Json jd = Json::array(), jp = Json::array();
    for (const auto& d : decls) {
      jd.push_back({{"declarationId", d.id}, {"receivedAt", FormatLocalIso(d.received_at)},
                    {"sender", d.sender}, {"source", d.source},
                    {"outcome", OutcomeName(d.outcome)}, {"errors", d.error_count},
                    {"warnings", d.warning_count},
                    {"authentication",
                     d.auth_method.empty()
                         ? Json(nullptr)
                         : Json{{"method", d.auth_method}, {"result", d.auth_result}}},
                    {"annotations", AnnotationsJson(notes[d.id])},
                    {"emailText", mails[d.id].body_text.empty() ? Json(nullptr)
                                                                : Json(mails[d.id].body_text)}});
    }
    for (const auto& p : progs) {
      Json j = HmsProfileJson(p.result, p.judged_at, c.config.referential);
      j["overrides"] = OverridesJson(p);
      jp.push_back(std::move(j));
    }
    Json jb = Json::array();
    for (const auto& p : bounds) {
      Json b = {{"hmsSiteId", p.result.id.site}};
      AddTechnicalBounds(&p, &b);
      jb.push_back(std::move(b));
    }
    c.out << Json{{"gasDay", day.Iso()}, {"declarations", jd}, {"hmsProfiles", jp},
                  {"technicalBounds", jb}}.dump(2) << "\n";
    return kExitOk;
  }
  c.out << "Declarations received during gas day " << day.Iso() << ":\n";
  Table td({"ID", "RECEIVED", "SENDER", "SOURCE", "AUTHENTICATION", "OUTCOME", "ERRORS",
            "WARNINGS"});
  for (const auto& d : decls) {
    td.Add({std::to_string(d.id), FormatLocalIso(d.received_at), Printable(d.sender, 60), d.source,
            d.auth_method.empty() ? "-" : d.auth_method + " " + d.auth_result,
            std::string(OutcomeName(d.outcome)), std::to_string(d.error_count),
            std::to_string(d.warning_count)});
  }
  td.Print(c.out);
  PrintAnnotations(c.out, notes);
  PrintEmailTexts(c.out, mails);
  c.out << "\nProgrammes for gas day " << day.Iso() << ":\n";
  Table tp({"PROGRAMME", "RECEIVED", "STATUS", "COMMENT"});
  for (const auto& p : progs) {
    tp.Add({p.result.raw_id, FormatLocalIso(p.received_at), StoredStatusText(p),
            p.result.comment});
  }
  tp.Print(c.out);
  PrintOverrides(c.out, progs);
  if (!bounds.empty()) {
    c.out << "\nTechnical bounds, as last declared:\n";
    Table tb({"SITE", "QMIN", "QMAX", "FROM"});
    for (const auto& p : bounds) {
      tb.Add({p.result.id.site, FormatQuantity(p.result.tech_qmin),
              FormatQuantity(p.result.tech_qmax), p.result.raw_id});
    }
    tb.Print(c.out);
  }
  return kExitOk;
}

}  // namespace flexmail
