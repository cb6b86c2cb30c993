#include "daemon/json_views.h"

namespace flexmail {
namespace {

Json NullIfZero(int v) { return v ? Json(v) : Json(nullptr); }
Json NullIfEmpty(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }
Json Quantity(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

Json SlotsJson(GasDay day, const Hourly& values) {
  Json out = Json::array();
  for (int i = 0; i < kSlotsPerDay; ++i) {
    out.push_back({{"hourlySlotStartDateTime", FormatSlotStart(day, i)},
                   {"quantity", Quantity(values[i])}});
  }
  return out;
}

Json SiteHeader(const std::string& site_id, const Referential& ref) {
  const Site* site = ref.FindSite(site_id);
  const Mesh* mesh = site ? ref.FindMesh(site->mesh) : nullptr;
  return {{"siteId", site_id},
          {"siteLabel", site ? site->label : ""},
          {"meshCode", site ? site->mesh : ""},
          {"meshLabel", mesh ? mesh->label : ""}};
}

Json IndicatorJson(const ProgrammeResult& r, const Referential& ref) {
  Json j = SiteHeader(r.id.site, ref);
  j["qTo0FlexibilityIndicator"] = LightName(r.indicators.q_minus.status);
  j["qToQmaxFlexibilityIndicator"] = LightName(r.indicators.q_plus.status);
  j["partialFlexibilityIndicator"] = LightName(r.indicators.partial.status);
  return j;
}

Json FeasibilityJson(const ProgrammeResult& r, const Referential& ref) {
  Json codes = Json::array(), violations = Json::array(), unknown = Json::array();
  for (const auto& v : r.violations) {
    codes.push_back(CodeName(v.code));
    Json hours = Json::array();
    for (int s : v.slots) hours.push_back(FormatSlotHours({s}));
    violations.push_back({{"code", CodeName(v.code)}, {"hours", hours}});
  }
  for (IndicatorKind k : kAllIndicators) {
    if (!r.indicators.Get(k).known) unknown.push_back(IndicatorName(k));
  }
  return {{"indicator", IndicatorJson(r, ref)},
          {"hmsProfileFeasibilityStatus", r.accepted ? "ACCEPTED" : "REFUSED"},
          {"comment", r.comment},
          {"codes", codes},
          {"superseded", r.superseded},
          {"violations", violations},
          {"unknownIndicators", unknown}};
}

// The indicator kinds under their §13.1 keys.
constexpr std::pair<IndicatorKind, const char*> kIndicatorKeys[] = {
    {IndicatorKind::kQMinus, "qTo0FlexibilityIndicator"},
    {IndicatorKind::kQPlus, "qToQmaxFlexibilityIndicator"},
    {IndicatorKind::kPartial, "partialFlexibilityIndicator"}};

Json LightJson(Light status, const std::optional<Publication>& p) {
  return {{"status", LightName(status)},
          {"availabilityDateTime", p ? Json(FormatLocalIso(p->published_at)) : Json(nullptr)},
          {"applicationDateTime", p ? Json(FormatLocalIso(p->applied_at)) : Json(nullptr)},
          {"published", p.has_value()}};
}

}  // namespace

Json DiagnosticJson(const Diagnostic& d) {
  return {{"code", CodeName(d.code)},
          {"message", d.message},
          {"file", NullIfEmpty(d.file)},
          {"line", NullIfZero(d.line)},
          {"field", NullIfZero(d.field)}};
}

Json HmsProfileJson(const ProgrammeResult& r, Instant processed_at, const Referential& ref) {
  return {{"hmsProfileId", r.raw_id},
          {"declarationDateTime",
           r.created ? Json(FormatLocalIso(FromLocalEarliest(*r.created))) : Json(nullptr)},
          {"processingDateTime", FormatLocalIso(processed_at)},
          {"hmsSiteId", r.id.site},
          {"hmsSiteLabel", r.site_label},
          {"connectionContractCode", r.id.contract},
          {"gasDay", r.id.day.Iso()},
          {"unit", "kWh25"},
          {"qMin", r.tech_qmin},
          {"qMax", r.tech_qmax},
          {"hmsHourlyProfile", SlotsJson(r.id.day, r.values)},
          {"hmsProfileFeasibility", FeasibilityJson(r, ref)}};
}

Json RebuiltJson(const SiteDay& key, const ReferenceHistory& history, Instant t,
                 const Referential& ref) {
  const ReferenceVersion* v = history.InForceAt(t);
  const Site* site = ref.FindSite(key.site);
  const ContractSite* terms = v ? ref.FindContractSite(v->contract, key.site) : nullptr;
  Hourly values{};
  // rebuiltHmsProfile.quantity is a mandatory number: an hour never
  // declared (past hours of a first intraday programme) and the whole day
  // without a reference count as 0, as they do in comparisons (RULES §4.4).
  for (int i = 0; i < kSlotsPerDay; ++i) values[i] = v && v->values[i] ? *v->values[i] : 0.0;
  const std::optional<Band> band =
      terms ? std::optional<Band>(ContractBand(*terms)) : std::nullopt;
  return {{"hmsProfileId", key.day.Compact() + "-" + key.site},
          {"processingDateTime", v ? Json(FormatLocalIso(v->effective_at)) : Json(nullptr)},
          {"hmsSiteId", key.site},
          {"hmsSiteLabel", site ? site->label : ""},
          {"connectionContractCode", v ? Json(v->contract) : Json(nullptr)},
          {"gasDay", key.day.Iso()},
          {"hourlyQuantities", SlotsJson(key.day, values)},
          {"energyLowThresholds", band ? Json(band->Low()) : Json(nullptr)},
          {"energyHighThresholds", band ? Json(band->High()) : Json(nullptr)},
          {"volumeLowThresholds", nullptr},
          {"volumeHighThresholds", nullptr},
          {"sourceHmsProfileId", v ? Json(v->programme_id) : Json(nullptr)}};
}

Json SiteIndicatorsJson(const Site& site, const std::vector<Publication>& pubs, Instant t,
                        const Referential& ref) {
  const RuleSettings& rs = ref.settings();
  Json current = SiteHeader(site.id, ref), next = SiteHeader(site.id, ref);
  bool has_next = false;
  for (const auto& [kind, key] : kIndicatorKeys) {
    IndicatorTimeline tl(site.mesh, kind, pubs, rs.indicator_delay);
    AppliedLight now = tl.At(t, rs.unknown_indicator);
    auto pending = tl.Pending(t, rs.unknown_indicator);
    current[key] = LightJson(now.status, now.source);
    next[key] = pending ? LightJson(pending->status, pending) : current[key];
    has_next = has_next || pending.has_value();
  }
  Json out = {{"currentIndicator", current}};
  if (has_next) out["nextIndicator"] = next;
  return out;
}

Json VerdictJson(const Verdict& v, const std::string& sender, const Referential& ref) {
  const DeclarationResult& r = v.result;
  Json errors = Json::array(), warnings = Json::array(), profiles = Json::array(),
       rebuilt = Json::array();
  for (const auto& d : r.errors) errors.push_back(DiagnosticJson(d));
  for (const auto& d : r.warnings) warnings.push_back(DiagnosticJson(d));
  // Judged at reception, or out of order at processing (RULES §9): the
  // profiles' processingDateTime and the references shown are of that instant.
  const Instant judged = JudgedAt(r);
  for (const auto& p : r.programmes) profiles.push_back(HmsProfileJson(p, judged, ref));
  for (const auto& key : v.touched) {
    auto it = v.after.find(key);
    rebuilt.push_back(RebuiltJson(key, it == v.after.end() ? ReferenceHistory() : it->second,
                                  judged, ref));
  }
  Json out = {{"outcome", OutcomeName(r.outcome)},
              {"sender", sender},
              {"receivedAt", FormatLocalIso(r.received_at)},
              {"judgedAt", FormatLocalIso(judged)}};
  if (v.declaration_id) out["declarationId"] = v.declaration_id;
  out["errors"] = errors;
  out["warnings"] = warnings;
  out["hmsProfiles"] = profiles;
  out["rebuiltHmsProfiles"] = rebuilt;
  return out;
}

void AddTechnicalBounds(const StoredProgramme* last, Json* out) {
  (*out)["technicalQMin"] = last ? Json(last->result.tech_qmin) : Json(nullptr);
  (*out)["technicalQMax"] = last ? Json(last->result.tech_qmax) : Json(nullptr);
  (*out)["technicalBoundsFrom"] = last ? Json(last->result.raw_id) : Json(nullptr);
}

Json OverrideJson(const OverrideRecord& o) {
  return {{"id", o.id},
          {"replaces", o.accepted ? "REFUSED" : "ACCEPTED"},
          {"status", o.accepted ? "ACCEPTED" : "REFUSED"},
          {"reason", o.reason},
          {"by", o.decided_by},
          {"effectiveAt", FormatLocalIso(o.effective_at)},
          {"recordedAt", FormatLocalIso(o.recorded_at)},
          {"referenceSeq", o.reference_seq ? Json(o.reference_seq) : Json(nullptr)}};
}

Json AnnotationsJson(const std::vector<AnnotationRecord>& notes) {
  Json list = Json::array();
  for (const auto& a : notes) {
    list.push_back({{"id", a.id},
                    {"declarationId", a.declaration_id},
                    {"writtenAt", FormatLocalIso(a.written_at)},
                    {"by", a.written_by},
                    {"text", a.text}});
  }
  return list;
}

Json OverridesJson(const StoredProgramme& p) {
  Json list = Json::array();
  for (const auto& o : p.overrides) list.push_back(OverrideJson(o));
  return list;
}

Json StandingShortageJson(const StandingShortage& sh) {
  return {{"gasDay", sh.gas_day.Iso()},
          {"meshId", sh.mesh},
          {"allMeshes", sh.record->mesh.empty()},
          {"declaredAt", FormatLocalIso(sh.record->declared_at)},
          {"refusesFrom", FormatLocalIso(sh.refuses_from)}};
}

}  // namespace flexmail
