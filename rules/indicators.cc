#include "rules/indicators.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace flexmail {
namespace {

bool PublishedBefore(const Publication& a, const Publication& b) {
  return a.published_at != b.published_at ? a.published_at < b.published_at : a.seq < b.seq;
}

}  // namespace

std::string_view IndicatorName(IndicatorKind k) {
  switch (k) {
    case IndicatorKind::kQMinus: return "Q_MINUS";
    case IndicatorKind::kQPlus: return "Q_PLUS";
    case IndicatorKind::kPartial: return "PARTIAL";
  }
  return "?";
}

std::string_view LightName(Light l) {
  switch (l) {
    case Light::kGreen: return "GREEN";
    case Light::kRed: return "RED";
    case Light::kGrey: return "GREY";
  }
  return "?";
}

std::string FrenchLight(Light l) {
  switch (l) {
    case Light::kGreen: return "VERT";
    case Light::kRed: return "ROUGE";
    case Light::kGrey: return "GRIS";
  }
  return "?";
}

bool ParseIndicatorKind(std::string_view s, IndicatorKind* out) {
  for (IndicatorKind k : kAllIndicators) {
    if (IndicatorName(k) == s) {
      *out = k;
      return true;
    }
  }
  return false;
}

bool ParseLight(std::string_view s, Light* out) {
  for (Light l : {Light::kGreen, Light::kRed, Light::kGrey}) {
    if (LightName(l) == s) {
      *out = l;
      return true;
    }
  }
  return false;
}

int Favourability(Light l) {
  switch (l) {
    case Light::kGreen: return 2;
    case Light::kRed: return 1;
    case Light::kGrey: return 0;
  }
  return 0;
}

const AppliedLight& AppliedIndicators::Get(IndicatorKind k) const {
  switch (k) {
    case IndicatorKind::kQMinus: return q_minus;
    case IndicatorKind::kQPlus: return q_plus;
    case IndicatorKind::kPartial: break;
  }
  return partial;
}

AppliedLight& AppliedIndicators::Get(IndicatorKind k) {
  return const_cast<AppliedLight&>(std::as_const(*this).Get(k));
}

bool AppliedIndicators::AnyGrey() const {
  return q_minus.status == Light::kGrey || q_plus.status == Light::kGrey ||
         partial.status == Light::kGrey;
}

Instant AppliedAt(const Publication& p, const Publication* previous, std::chrono::minutes delay) {
  if (!previous || Favourability(p.status) > Favourability(previous->status)) return p.published_at;
  return p.published_at + delay;
}

IndicatorTimeline::IndicatorTimeline(std::string_view mesh, IndicatorKind kind,
                                     std::vector<Publication> pubs, std::chrono::minutes delay) {
  std::erase_if(pubs, [&](const Publication& p) { return p.mesh != mesh || p.kind != kind; });
  std::sort(pubs.begin(), pubs.end(), PublishedBefore);
  for (size_t i = 0; i < pubs.size(); ++i) {
    pubs[i].applied_at = AppliedAt(pubs[i], i ? &pubs[i - 1] : nullptr, delay);
  }
  pubs_ = std::move(pubs);
}

AppliedLight IndicatorTimeline::At(Instant t, Light fallback) const {
  return AtKnownBy(t, t, fallback);
}

AppliedLight IndicatorTimeline::AtKnownBy(Instant t, Instant known_by, Light fallback) const {
  // Publications are in publication order: the last applied one wins.
  for (auto it = pubs_.rbegin(); it != pubs_.rend(); ++it) {
    if (it->published_at <= known_by && it->applied_at <= t)
      return AppliedLight{it->status, true, *it};
  }
  return AppliedLight{fallback, false, std::nullopt};
}

std::optional<Publication> IndicatorTimeline::Pending(Instant t, Light fallback) const {
  // The next change of the applicable status that is already known at t:
  // the first application instant after t at which the status differs.
  std::vector<Instant> upcoming;
  for (const auto& p : pubs_) {
    if (p.published_at <= t && p.applied_at > t) upcoming.push_back(p.applied_at);
  }
  std::sort(upcoming.begin(), upcoming.end());
  Light now = At(t, fallback).status;
  for (Instant x : upcoming) {
    AppliedLight then = AtKnownBy(x, t, fallback);
    if (then.status != now) return then.source;
  }
  return std::nullopt;
}

AppliedIndicators IndicatorsAt(std::string_view mesh, const std::vector<Publication>& pubs,
                               Instant t, std::chrono::minutes delay, Light fallback) {
  AppliedIndicators out;
  for (IndicatorKind k : kAllIndicators) {
    out.Get(k) = IndicatorTimeline(mesh, k, pubs, delay).At(t, fallback);
  }
  return out;
}

bool ShortageInForce(const std::vector<Shortage>& shortages, GasDay day, std::string_view mesh,
                     Instant t) {
  return t >= EarlyLimit(day) && ShortageDeclared(shortages, day, mesh, t);
}

namespace {

// The last record (by declared_at, then seq) at or before t for `day`
// covering `mesh`; null when none.
const Shortage* LastCovering(const std::vector<Shortage>& shortages, GasDay day,
                             std::string_view mesh, Instant t) {
  const Shortage* last = nullptr;
  for (const Shortage& s : shortages) {
    if (s.gas_day != day || !(s.mesh.empty() || s.mesh == mesh) || s.declared_at > t) continue;
    if (!last || std::tie(last->declared_at, last->seq) < std::tie(s.declared_at, s.seq))
      last = &s;
  }
  return last;
}

}  // namespace

bool ShortageDeclared(const std::vector<Shortage>& shortages, GasDay day, std::string_view mesh,
                      Instant t) {
  const Shortage* last = LastCovering(shortages, day, mesh, t);
  return last && !last->cancels;
}

std::vector<StandingShortage> StandingShortages(const std::vector<Shortage>& shortages,
                                                const std::vector<std::string>& meshes,
                                                GasDay from, Instant t) {
  std::set<GasDay> days;
  for (const Shortage& s : shortages) {
    if (!(s.gas_day < from)) days.insert(s.gas_day);
  }
  std::vector<StandingShortage> out;
  for (GasDay day : days) {
    for (const std::string& mesh : meshes) {
      const Shortage* last = LastCovering(shortages, day, mesh, t);
      if (!last || last->cancels) continue;
      out.push_back({day, mesh, last, std::max(last->declared_at, EarlyLimit(day))});
    }
  }
  return out;
}

}  // namespace flexmail
