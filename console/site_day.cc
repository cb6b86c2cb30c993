#include "console/site_day.h"

#include <set>
#include <utility>

#include "console/html.h"
#include "rules/codes.h"
#include "rules/feasibility.h"
#include "rules/programme.h"

namespace flexmail {
namespace {


std::vector<std::string> SlotLabels(GasDay day) {
  std::vector<std::string> out;
  for (int i = 0; i < kSlotsPerDay; ++i) {
    std::string label = FormatSlotHours({i});
    if (SlotIsNonexistent(day, i))
      label += " (inexistant)";
    else if (GasDayHours(day) == 25 && i == kNonexistentDstSlot)
      label += " (×2)";
    out.push_back(std::move(label));
  }
  return out;
}

// "v2" for "20261203-LI0002-GFQUIMP01-2": the full ids are listed under the
// table, and short labels keep the legend and the table's header narrow.
std::string VersionOf(const std::string& programme_id) {
  std::optional<ProgrammeId> id = ParseProgrammeId(programme_id);
  return id ? "v" + std::to_string(id->version) : programme_id;
}

std::vector<std::optional<double>> Values(const Hourly& h) {
  return std::vector<std::optional<double>>(h.begin(), h.end());
}

// The window (RULES §4.3) a programme was compared on, as the rules compute
// it for its judgement instant; none when no window was compared.
std::optional<ChartWindow> WindowOf(const StoredProgramme& p, GasDay day) {
  if (p.result.path != FeasibilityPath::kChecked) return std::nullopt;
  static const Hourly kZeros{};
  FeasibilityInput in;
  in.day = day;
  in.received_at = p.judged_at;
  in.values = &kZeros;
  const FeasibilityResult r = EvaluateFeasibility(in);
  if (r.window_first > r.window_last) return std::nullopt;
  return ChartWindow{r.window_first, r.window_last, "Fenêtre de " + p.result.raw_id};
}

// The contract whose bounds apply: that of the reference in force, else of
// the latest programme, else the first contract covering the site.
const ContractSite* TermsOf(const Referential& ref, const std::string& site,
                            const ReferenceHistory& history,
                            const std::vector<StoredProgramme>& programmes, std::string* code) {
  std::vector<std::string> candidates;
  if (!history.versions().empty()) candidates.push_back(history.versions().back().contract);
  if (!programmes.empty()) candidates.push_back(programmes.back().result.id.contract);
  for (const auto& c : ref.contracts()) candidates.push_back(c.code);
  for (const auto& c : candidates) {
    if (const ContractSite* terms = ref.FindContractSite(c, site)) {
      *code = c;
      return terms;
    }
  }
  return nullptr;
}

void AddSeries(const ReferenceHistory& history, const std::vector<StoredProgramme>& programmes,
               ChartData* chart) {
  const auto& versions = history.versions();
  for (size_t k = 0; k < versions.size(); ++k) {
    const bool last = k + 1 == versions.size();
    chart->series.push_back(
        {(last ? "Référence (" : "Référence antérieure (") + VersionOf(versions[k].programme_id) +
             ", " + FormatShortLocal(versions[k].effective_at) + ")",
         Values(versions[k].values),
         last ? ChartSeries::Kind::kReference : ChartSeries::Kind::kReferenceEarlier});
  }
  for (const auto& p : programmes) {
    chart->series.push_back(
        {"Programme v" + std::to_string(p.result.id.version) +
             (p.result.accepted ? " (accepté)" : " (refusé)"),
         Values(p.result.values),
         p.result.accepted ? ChartSeries::Kind::kAccepted : ChartSeries::Kind::kRefused});
  }
}

}  // namespace

SiteDayProgramme ProgrammeSummary(const StoredProgramme& p) {
  SiteDayProgramme out;
  out.id = p.result.raw_id;
  out.received_at = p.received_at;
  out.accepted = p.result.accepted;
  out.superseded = p.result.superseded;
  out.comment = p.result.comment;
  if (!p.overrides.empty()) {
    const OverrideRecord& o = p.overrides.back();
    out.override_note = std::string("révisé : ") + (o.accepted ? "ACCEPTÉ" : "REFUSÉ") +
                        " depuis " + FormatShortLocal(o.effective_at) + " par " + o.decided_by +
                        " — " + o.reason;
  }
  for (const auto& v : p.result.violations) {
    std::string code(CodeName(v.code));
    if (!v.slots.empty()) code += " (" + FormatSlotHours(v.slots) + ")";
    out.codes.push_back(std::move(code));
  }
  return out;
}

Status ParseGasDayParam(std::string_view text, GasDay* out) {
  std::optional<GasDay> d = GasDay::ParseIso(text);
  if (!d) d = GasDay::ParseCompact(text);
  if (!d) return Status::InvalidInput("journée gazière invalide (attendu AAAA-MM-JJ)");
  *out = *d;
  return Status::Ok();
}

Status GatherSiteDay(Ledger& ledger, const Referential& ref, const std::string& site, GasDay day,
                     SiteDayData* out) {
  if (!IsSiteId(site))
    return Status::InvalidInput("identifiant de site invalide (attendu LI suivi de 4 chiffres)");
  const Site* s = ref.FindSite(site);
  if (!s) return Status::NotFound("site inconnu du référentiel : " + site);
  const SiteDay key{site, day};
  ReferenceHistory history;
  std::vector<StoredProgramme> programmes;
  Status st = ledger.ReferenceHistoryOf(key, &history);
  if (st.ok()) st = ledger.ProgrammesOf(key, &programmes);
  if (!st.ok()) return st;

  SiteDayData d;
  d.site = site;
  d.site_label = s->label;
  d.mesh = s->mesh;
  d.day = day;
  d.hours = GasDayHours(day);
  d.reference_versions = static_cast<int>(history.versions().size());
  d.chart.title = "Programmes horaires de " + site + " pour la journée gazière du " + day.French();
  d.chart.slots = kSlotsPerDay;
  d.chart.slot_labels = SlotLabels(day);
  if (const ContractSite* terms = TermsOf(ref, site, history, programmes, &d.contract)) {
    d.chart.qmin = terms->qmin;
    d.chart.qmax = terms->qmax;
    d.tolerance_pct = terms->tolerance_pct;
  }
  AddSeries(history, programmes, &d.chart);
  if (const StoredProgramme* last = LastDeclared(programmes)) {
    d.tech_qmin = last->result.tech_qmin;
    d.tech_qmax = last->result.tech_qmax;
    d.tech_from = last->result.raw_id;
  }
  std::set<std::pair<int, int>> seen;
  for (const auto& p : programmes) {
    d.programmes.push_back(ProgrammeSummary(p));
    if (auto w = WindowOf(p, day); w && seen.insert({w->first, w->last}).second)
      d.chart.windows.push_back(*w);
  }
  *out = std::move(d);
  return Status::Ok();
}

namespace {

void Heading(const SiteDayData& d, std::string* out) {
  *out += "<p class=\"site\">" + Escape(d.site_label) + " (maille " + Escape(d.mesh) + ")";
  if (d.hours != 24) *out += " · journée de " + std::to_string(d.hours) + " heures";
  if (!d.contract.empty()) {
    *out += " · contrat " + Escape(d.contract) + " : qmin " + FormatKwh(d.chart.qmin.value_or(0)) +
            " kWh, qmax " + FormatKwh(d.chart.qmax.value_or(0)) + " kWh, tolérance " +
            FormatKwh(d.tolerance_pct.value_or(0)) + " %";
  }
  if (d.tech_qmin) {
    *out += " · bornes techniques déclarées en dernier (" + Escape(d.tech_from) + ") : qmin " +
            FormatKwh(*d.tech_qmin) + " kWh, qmax " + FormatKwh(d.tech_qmax.value_or(0)) + " kWh";
  }
  *out += "</p>\n";
}

void Table(const SiteDayData& d, std::string* out) {
  const ChartData& c = d.chart;
  *out += "<table class=\"site-day\">\n<caption>Quantités horaires (kWh) de " + Escape(d.site) +
          " pour la journée gazière du " + Escape(d.day.French()) +
          " ; une case vide : aucune valeur déclarée</caption>\n<thead><tr><th "
          "scope=\"col\">Créneau</th>";
  for (const auto& s : c.series) *out += "<th scope=\"col\">" + Escape(s.label) + "</th>";
  *out += "</tr></thead>\n<tbody>\n";
  for (int i = 0; i < c.slots; ++i) {
    const std::string label = i < static_cast<int>(c.slot_labels.size()) ? c.slot_labels[i] : "";
    *out += "<tr><th scope=\"row\">" + Escape(label) + "</th>";
    for (const auto& s : c.series) {
      const bool known = i < static_cast<int>(s.kwh.size()) && s.kwh[i];
      *out += "<td>" + (known ? FormatKwh(*s.kwh[i]) : std::string()) + "</td>";
    }
    *out += "</tr>\n";
  }
  *out += "</tbody>\n</table>\n";
}

void ProgrammeList(const SiteDayData& d, std::string* out) {
  if (d.programmes.empty()) {
    *out += "<p>Aucun programme intégré pour cette journée.</p>\n";
    return;
  }
  *out += "<h2>Programmes</h2>\n<ul class=\"programmes\">\n";
  for (const auto& p : d.programmes) {
    *out += "<li><strong>" + Escape(p.id) + "</strong> reçu le " +
            Escape(FormatShortLocal(p.received_at)) + " : " + (p.accepted ? "ACCEPTÉ" : "REFUSÉ");
    if (p.superseded) *out += " (remplacé par une version supérieure)";
    if (!p.override_note.empty()) *out += " · <strong>" + Escape(p.override_note) + "</strong>";
    for (const auto& code : p.codes) *out += " · <code>" + Escape(code) + "</code>";
    if (!p.comment.empty()) *out += " — " + Escape(p.comment);
    *out += "</li>\n";
  }
  *out += "</ul>\n";
}

}  // namespace

std::string SiteDayTitle(const SiteDayData& d) { return d.site + " — " + d.day.French(); }

std::string SiteDayBody(const SiteDayData& d) {
  std::string out;
  Heading(d, &out);
  out += "<figure>\n" + RenderChart(d.chart) + "</figure>\n";
  Table(d, &out);
  ProgrammeList(d, &out);
  return out;
}

}  // namespace flexmail
