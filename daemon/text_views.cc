#include "daemon/text_views.h"

#include <algorithm>
#include <sstream>

#include "daemon/log.h"
#include "daemon/table.h"

namespace flexmail {
namespace {

std::string Codes(const ProgrammeResult& r) {
  std::string out;
  for (const auto& v : r.violations) {
    out += (out.empty() ? "" : "; ") + std::string(CodeName(v.code));
    if (!v.slots.empty()) out += " " + FormatSlotHours(v.slots);
  }
  return out.empty() ? "-" : out;
}

std::string StatusText(const ProgrammeResult& r) {
  if (!r.accepted) return "REFUSED";
  return r.superseded ? "ACCEPTED (superseded)" : "ACCEPTED";
}

std::string Indicators(const AppliedIndicators& ind) {
  std::string out;
  for (IndicatorKind k : kAllIndicators) {
    const AppliedLight& l = ind.Get(k);
    out += (out.empty() ? "" : " ") + std::string(IndicatorName(k)) + "=" +
           std::string(LightName(l.status)) + (l.known ? "" : "*");
  }
  return out;
}

void PrintDiagnostics(std::ostream& os, const char* title, const std::vector<Diagnostic>& ds) {
  if (ds.empty()) return;
  os << '\n' << title << " (" << ds.size() << "):\n";
  for (const auto& d : ds) os << "  " << FormatDiagnostic(d) << '\n';
}

}  // namespace

void PrintVerdict(std::ostream& os, const Verdict& v, const std::string& sender) {
  const DeclarationResult& r = v.result;
  os << "Declaration";
  if (v.declaration_id) os << ' ' << v.declaration_id;
  os << ": " << OutcomeName(r.outcome) << " (received " << FormatLocalIso(r.received_at);
  if (JudgedAt(r) != r.received_at) os << ", judged " << FormatLocalIso(JudgedAt(r));
  os << " from " << sender << ")\n";
  PrintDiagnostics(os, "Errors", r.errors);
  PrintDiagnostics(os, "Warnings", r.warnings);
  if (!r.programmes.empty()) {
    os << '\n';
    Table t({"PROGRAMME", "SITE", "GAS DAY", "STATUS", "CODES", "INDICATORS"});
    for (const auto& p : r.programmes) {
      t.Add({p.raw_id, p.id.site, p.id.day.Iso(), StatusText(p), Codes(p), Indicators(p.indicators)});
    }
    t.Print(os);
  }
  for (const auto& key : v.touched) {
    os << '\n';
    auto it = v.after.find(key);
    PrintReference(os, key, it == v.after.end() ? ReferenceHistory() : it->second, JudgedAt(r));
  }
}

void PrintReference(std::ostream& os, const SiteDay& key, const ReferenceHistory& history,
                    Instant t) {
  const ReferenceVersion* v = history.InForceAt(t);
  os << "Reference programme " << key.day.Compact() << '-' << key.site << " at "
     << FormatLocalIso(t) << ": ";
  if (!v) {
    os << "none yet (baseline: 0 every hour)\n";
    return;
  }
  os << "from " << v->programme_id << ", in force since " << FormatLocalIso(v->effective_at)
     << '\n';
  // Four rows of six hours (kWh25): a whole day fits on one screen.
  Table table;
  for (int row = 0; row < 4; ++row) {
    std::vector<std::string> cells;
    for (int i = row * 6; i < row * 6 + 6; ++i) {
      cells.push_back(FormatSlotHours({i}) + " " + FormatQuantity(v->values[i]));
    }
    table.Add(std::move(cells));
  }
  table.Print(os);
}

void PrintProgrammes(std::ostream& os, const std::vector<StoredProgramme>& programmes) {
  if (programmes.empty()) {
    os << "No programme.\n";
    return;
  }
  Table t({"PROGRAMME", "RECEIVED", "SENDER", "STATUS", "CODES", "INDICATORS"});
  for (const auto& p : programmes) {
    t.Add({p.result.raw_id, FormatLocalIso(p.received_at), p.sender, StoredStatusText(p),
           Codes(p.result), Indicators(p.result.indicators)});
  }
  t.Print(os);
}

void PrintIndicators(std::ostream& os, const std::vector<const Site*>& sites,
                     const std::vector<Publication>& pubs, Instant t, const Referential& ref) {
  const RuleSettings& rs = ref.settings();
  os << "Indicators at " << FormatLocalIso(t) << " (* = nothing published, default applied)\n";
  Table table({"SITE", "LABEL", "MESH", "INDICATOR", "CURRENT", "SINCE", "NEXT", "FROM"});
  for (const Site* s : sites) {
    for (IndicatorKind k : kAllIndicators) {
      IndicatorTimeline tl(s->mesh, k, pubs, rs.indicator_delay);
      AppliedLight now = tl.At(t, rs.unknown_indicator);
      auto next = tl.Pending(t, rs.unknown_indicator);
      table.Add({s->id, s->label, s->mesh, std::string(IndicatorName(k)),
                 std::string(LightName(now.status)) + (now.known ? "" : "*"),
                 now.source ? FormatLocalIso(now.source->applied_at) : "-",
                 next ? std::string(LightName(next->status)) : "-",
                 next ? FormatLocalIso(next->applied_at) : "-"});
    }
  }
  table.Print(os);
}

std::string StoredStatusText(const StoredProgramme& p) {
  std::string out = StatusText(p.result);
  if (p.overrides.empty()) return out;
  const OverrideRecord& o = p.overrides.back();
  return out + ", overridden: " + (o.accepted ? "ACCEPTED" : "REFUSED") + " from " +
         FormatLocalIso(o.effective_at) + " by " + o.decided_by;
}

void PrintOverrides(std::ostream& os, const std::vector<StoredProgramme>& programmes) {
  const bool none = std::all_of(programmes.begin(), programmes.end(),
                               [](const StoredProgramme& p) { return p.overrides.empty(); });
  if (none) return;
  Table t({"OVERRIDE", "PROGRAMME", "WAS", "NOW", "FROM", "BY", "REASON", "REFERENCE"});
  for (const auto& p : programmes) {
    for (const auto& o : p.overrides) {
      t.Add({std::to_string(o.id), p.result.raw_id, o.accepted ? "REFUSED" : "ACCEPTED",
             o.accepted ? "ACCEPTED" : "REFUSED", FormatLocalIso(o.effective_at), o.decided_by,
             o.reason, o.reference_seq ? "version " + std::to_string(o.reference_seq) : "-"});
    }
  }
  os << "\nOverrides by the dispatcher:\n";
  t.Print(os);
}

void PrintTechnicalBounds(std::ostream& os, const StoredProgramme* last) {
  if (!last) {
    os << "Technical bounds: none declared\n";
    return;
  }
  os << "Technical bounds (last declared, " << last->result.raw_id << "): qMin "
     << FormatQuantity(last->result.tech_qmin) << ", qMax " << FormatQuantity(last->result.tech_qmax)
     << " kWh/h\n";
}

void PrintAnnotations(std::ostream& os,
                      const std::map<std::int64_t, std::vector<AnnotationRecord>>& notes) {
  Table t({"DECLARATION", "WRITTEN", "BY", "NOTE"});
  bool any = false;
  for (const auto& [id, list] : notes) {
    for (const auto& a : list) {
      t.Add({std::to_string(id), FormatLocalIso(a.written_at), a.written_by, a.text});
      any = true;
    }
  }
  if (!any) return;
  os << "\nNotes:\n";
  t.Print(os);
}

void PrintEmailTexts(std::ostream& os, const std::map<std::int64_t, MessageRecord>& mails) {
  constexpr int kMaxLines = 40;
  bool any = false;
  for (const auto& [id, m] : mails) {
    if (m.body_text.empty()) continue;
    if (!any) os << "\nEmail texts (as written by the shippers):\n";
    any = true;
    os << "Declaration " << id << ", from " << Printable(m.sender, 80) << ":\n";
    std::istringstream lines(m.body_text);
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
      if (++n > kMaxLines) continue;
      os << "  | " << Printable(line, 200) << "\n";
    }
    if (n > kMaxLines) {
      os << "  (" << n - kMaxLines << " more lines: report --json or the console)\n";
    }
  }
}

void PrintShortages(std::ostream& os, const std::vector<StandingShortage>& standing) {
  if (standing.empty()) {
    os << "No shortage in force\n";
    return;
  }
  os << "Shortages in force (programmes of that day and mesh are refused)\n";
  Table table({"GAS DAY", "MESH", "DECLARED", "FOR", "REFUSES FROM"});
  for (const auto& sh : standing) {
    table.Add({sh.gas_day.Iso(), sh.mesh, FormatLocalIso(sh.record->declared_at),
               sh.record->mesh.empty() ? "every mesh" : "this mesh",
               FormatLocalIso(sh.refuses_from)});
  }
  table.Print(os);
}

}  // namespace flexmail
