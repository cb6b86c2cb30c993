#include "rules/declaration.h"

#include <algorithm>

#include "rules/validation.h"

namespace flexmail {
namespace {

// RULES §4 (unknown indicator): the reply says which default was applied.
void AddIndicatorWarning(const ValidProgramme& vp, const AppliedIndicators& ind,
                         std::vector<Diagnostic>* warnings) {
  std::string unknown;
  for (IndicatorKind k : kAllIndicators) {
    if (ind.Get(k).known) continue;
    unknown += (unknown.empty() ? "" : ", ") + std::string(IndicatorName(k)) + " " +
               std::string(LightName(ind.Get(k).status));
  }
  if (unknown.empty()) return;
  warnings->push_back(Diagnostic{Code::UNKNOWN_INDICATOR, Severity::kWarning,
                                 CodeText(Code::UNKNOWN_INDICATOR) + " (maille " +
                                     vp.site->mesh + " : " + unknown + ")",
                                 vp.file->name, vp.line->line, 0});
}

ProgrammeResult Judge(const ValidProgramme& vp, Instant t, const Referential& ref,
                      const LedgerSnapshot& snap, std::vector<Diagnostic>* warnings) {
  static const ReferenceHistory kNoHistory;
  const RuleSettings& rs = ref.settings();
  const SiteDay key{vp.id.site, vp.id.day};
  auto hist = snap.references.find(key);
  FeasibilityInput in;
  in.day = vp.id.day;
  in.received_at = t;
  in.values = &vp.values;
  in.history = hist == snap.references.end() ? &kNoHistory : &hist->second;
  in.indicators =
      IndicatorsAt(vp.site->mesh, snap.publications, t, rs.indicator_delay, rs.unknown_indicator);
  in.shortage = ShortageInForce(snap.shortages, vp.id.day, vp.site->mesh, t);
  in.tranches = vp.site->tranches;
  in.budget_per_tranche = rs.partial_flexibility_kwh_per_tranche;
  FeasibilityResult fr = EvaluateFeasibility(in);
  if (fr.path != FeasibilityPath::kEarly) AddIndicatorWarning(vp, in.indicators, warnings);

  ProgrammeResult r;
  r.file = vp.file->name;
  r.line = vp.line->line;
  r.id = vp.id;
  r.raw_id = vp.line->raw_id;
  r.site_label = vp.site->label;
  r.mesh = vp.site->mesh;
  r.created = vp.line->created;
  r.tech_qmin = vp.line->tech_qmin.value_or(0);
  r.tech_qmax = vp.line->tech_qmax.value_or(0);
  r.values = vp.values;
  r.accepted = fr.accepted;
  r.path = fr.path;
  r.violations = std::move(fr.violations);
  r.indicators = in.indicators;
  return r;
}

std::int64_t NextSeq(const ReferenceHistory& h) {
  std::int64_t last = 0;
  for (const auto& v : h.versions()) last = std::max(last, v.seq);
  return last + 1;
}

// §6 and §9: per (site, day), the highest accepted version updates the
// reference; the other accepted ones are superseded.
void ApplyReferences(Instant t, const LedgerSnapshot& snap, DeclarationResult* out) {
  std::map<SiteDay, ProgrammeResult*> winner;
  for (auto& r : out->programmes) {
    if (!r.accepted) continue;
    ProgrammeResult*& w = winner[SiteDay{r.id.site, r.id.day}];
    if (!w || w->id.version < r.id.version) w = &r;
  }
  for (auto& r : out->programmes) {
    r.superseded = r.accepted && winner[SiteDay{r.id.site, r.id.day}] != &r;
  }
  for (auto& [key, r] : winner) {
    auto hist = snap.references.find(key);
    const ReferenceVersion* prev =
        hist == snap.references.end() ? nullptr : hist->second.InForceAt(t);
    ReferenceVersion v;
    v.effective_at = t;
    // The ledger numbers the new version after every stored one: so must we,
    // or a version stored at this same instant would stay in force at t in
    // the history shown with the verdict.
    v.seq = hist == snap.references.end() ? 1 : NextSeq(hist->second);
    v.values = Rebuild(prev, r->values, key.day, t);
    v.programme_id = r->raw_id;
    v.contract = r->id.contract;
    out->updates.push_back(ReferenceUpdate{key, std::move(v)});
  }
}

// The latest of `received_at` and every judgement instant already stored.
Instant LatestOf(Instant received_at, const std::map<SiteDay, Instant>& latest_judged) {
  Instant latest = received_at;
  for (const auto& [key, t] : latest_judged) latest = std::max(latest, t);
  return latest;
}

// The reply says when the declaration was received, which later reception
// it was processed after, and when it was judged.
Diagnostic OutOfOrderWarning(const DeclarationResult& r, const LedgerSnapshot& snap) {
  const Instant latest = LatestOf(r.received_at, snap.latest_judged);
  return Diagnostic{Code::PROCESSED_OUT_OF_ORDER, Severity::kWarning,
                    CodeText(Code::PROCESSED_OUT_OF_ORDER) + " (reçue le " +
                        FormatLocalIso(r.received_at) + ", après une déclaration jugée le " +
                        FormatLocalIso(latest) + " ; jugée le " + FormatLocalIso(r.judged_at) +
                        ")",
                    "", 0, 0};
}

}  // namespace

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kIntegrated: return "INTEGRATED";
    case Outcome::kRejected: return "REJECTED";
    case Outcome::kIgnored: return "IGNORED";
    case Outcome::kTest: return "TEST";
  }
  return "?";
}

std::vector<Instant> ReferenceInstantsOf(Instant at) {
  return {BudgetReferenceInstant(SlotsOf(at).current), at};
}

Instant JudgementInstant(Instant received_at, Instant processed_at,
                         const std::map<SiteDay, Instant>& latest_judged) {
  const Instant latest = LatestOf(received_at, latest_judged);
  if (latest == received_at) return received_at;
  return std::max(latest, processed_at);
}

SnapshotKeys KeysAt(SnapshotKeys keys, Instant t) {
  keys.at = t;
  keys.reference_instants = ReferenceInstantsOf(t);
  return keys;
}

SnapshotKeys SnapshotKeysOf(const ParsedDeclaration& d, const Referential& ref, Instant at,
                            Instant processed_at) {
  SnapshotKeys keys = KeysAt(SnapshotKeys(), at);
  keys.processed_at = processed_at;
  for (const auto& f : d.files) {
    for (const auto& pl : f.programmes) {
      if (!pl.id) continue;
      keys.programme_ids.insert(pl.raw_id);
      keys.site_days.insert(SiteDay{pl.id->site, pl.id->day});
      keys.days.insert(pl.id->day);
      if (const Site* s = ref.FindSite(pl.id->site)) keys.meshes.insert(s->mesh);
    }
  }
  return keys;
}

std::string CommentOf(const ProgrammeResult& r) {
  if (r.accepted) {
    return r.superseded ? "Programme accepté, remplacé par une version supérieure de la même "
                          "déclaration"
                        : "Programme accepté";
  }
  std::string out;
  for (const auto& v : r.violations) {
    if (!out.empty()) out += " ; ";
    out += CodeText(v.code, FormatSlotHours(v.slots));
    if (!v.detail.empty()) out += " : " + v.detail;
  }
  return out;
}

DeclarationResult EvaluateDeclaration(const ParsedDeclaration& d, std::string_view sender,
                                      Instant received_at, const Referential& ref,
                                      const LedgerSnapshot& snap) {
  return EvaluateDeclaration(d, sender, received_at, received_at, ref, snap);
}

DeclarationResult EvaluateDeclaration(const ParsedDeclaration& d, std::string_view sender,
                                      Instant received_at, Instant processed_at,
                                      const Referential& ref, const LedgerSnapshot& snap) {
  DeclarationResult out;
  out.received_at = received_at;
  out.judged_at = JudgementInstant(received_at, processed_at, snap.latest_judged);
  const Instant t = out.judged_at;
  ValidationResult v = ValidateDeclaration(d, sender, t, ref, snap);
  out.errors = std::move(v.errors);
  out.warnings = std::move(v.warnings);
  if (t != received_at) out.warnings.insert(out.warnings.begin(), OutOfOrderWarning(out, snap));
  if (!out.errors.empty()) {
    out.outcome = Outcome::kRejected;
    return out;
  }
  out.outcome = Outcome::kIntegrated;
  for (const auto& vp : v.programmes) {
    out.programmes.push_back(Judge(vp, t, ref, snap, &out.warnings));
  }
  ApplyReferences(t, snap, &out);
  for (auto& r : out.programmes) {
    r.comment = CommentOf(r);
    out.touched.push_back(SiteDay{r.id.site, r.id.day});
  }
  std::sort(out.touched.begin(), out.touched.end());
  out.touched.erase(std::unique(out.touched.begin(), out.touched.end()), out.touched.end());
  return out;
}

}  // namespace flexmail
