// Flexibility indicators and their timeline (RULES §5).
//
// A publication is applied from its publication instant when it is strictly
// more favourable than the publication just before it (same mesh and
// indicator), otherwise 23 minutes later (configurable); the first
// publication ever applies at once. The applicable status at t is that of
// the most recently *published* publication among those already *applied*.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/time.h"

namespace flexmail {

enum class IndicatorKind { kQMinus, kQPlus, kPartial };
enum class Light { kGreen, kRed, kGrey };

constexpr IndicatorKind kAllIndicators[] = {IndicatorKind::kQMinus, IndicatorKind::kQPlus,
                                            IndicatorKind::kPartial};

std::string_view IndicatorName(IndicatorKind k);  // Q_MINUS, Q_PLUS, PARTIAL
std::string_view LightName(Light l);              // GREEN, RED, GREY
std::string FrenchLight(Light l);                 // VERT, ROUGE, GRIS: replies and console
bool ParseIndicatorKind(std::string_view s, IndicatorKind* out);
bool ParseLight(std::string_view s, Light* out);
// GREEN > RED > GREY.
int Favourability(Light l);

struct Publication {
  std::string mesh;
  IndicatorKind kind = IndicatorKind::kQMinus;
  Light status = Light::kRed;
  Instant published_at{};
  std::int64_t seq = 0;  // ledger order; breaks ties of published_at
  Instant applied_at{};  // filled by IndicatorTimeline
};

// The status that applies at an instant, and where it came from.
struct AppliedLight {
  Light status = Light::kRed;
  bool known = false;  // false: no publication applied yet, status is the default
  std::optional<Publication> source;
};

// The three statuses a feasibility check consulted.
struct AppliedIndicators {
  AppliedLight q_minus, q_plus, partial;
  const AppliedLight& Get(IndicatorKind k) const;
  AppliedLight& Get(IndicatorKind k);
  bool AnyGrey() const;
};

// The publications of one (mesh, indicator), in publication order.
class IndicatorTimeline {
 public:
  // `pubs` may be in any order and may mix meshes/kinds: only those equal
  // to (mesh, kind) are kept.
  IndicatorTimeline(std::string_view mesh, IndicatorKind kind, std::vector<Publication> pubs,
                    std::chrono::minutes delay);

  // The applicable status at t; `fallback` when nothing is applied yet.
  AppliedLight At(Instant t, Light fallback) const;
  // The publication that will next change the applicable status, as far as
  // is known at t (the "nextIndicator" of §13.1); nullopt when none.
  std::optional<Publication> Pending(Instant t, Light fallback) const;
  // Publications with applied_at filled in, sorted by (published_at, seq).
  const std::vector<Publication>& publications() const { return pubs_; }

 private:
  // The applicable status at t counting only publications made by known_by.
  AppliedLight AtKnownBy(Instant t, Instant known_by, Light fallback) const;

  std::vector<Publication> pubs_;
};

// The applied_at of a new publication given the last one before it (if any).
Instant AppliedAt(const Publication& p, const Publication* previous, std::chrono::minutes delay);

// The three applicable statuses of a mesh at t.
AppliedIndicators IndicatorsAt(std::string_view mesh, const std::vector<Publication>& pubs,
                               Instant t, std::chrono::minutes delay, Light fallback);

// A dispatcher's declaration of a shortage, or of its end (`cancels`).
struct Shortage {
  GasDay gas_day;
  std::string mesh;  // empty: every mesh
  Instant declared_at{};
  bool cancels = false;   // the end of the shortage, from declared_at on
  std::int64_t seq = 0;   // ledger order; breaks ties of declared_at
};

// True when a shortage refuses programmes for (day, mesh) received at t:
// t is at or after (D-1) 01:00, and of the records for that day that cover
// the mesh (its own or every mesh) made at or before t, the last (by
// declared_at, then seq) declares a shortage. So an end for every mesh ends
// them all, an end for one mesh leaves the others in shortage, and a
// shortage declared again after its end is in force again.
bool ShortageInForce(const std::vector<Shortage>& shortages, GasDay day, std::string_view mesh,
                     Instant t);
// The same whatever t is relative to (D-1) 01:00: the records alone say a
// shortage of (day, mesh) stands at t. An empty mesh asks about the
// records for every mesh only.
bool ShortageDeclared(const std::vector<Shortage>& shortages, GasDay day, std::string_view mesh,
                      Instant t);

// A shortage standing at t (ShortageDeclared) on one mesh, with the record
// that declared it, for `indicators show`.
struct StandingShortage {
  GasDay gas_day;
  std::string mesh;         // the mesh concerned
  const Shortage* record;   // its declaration, in `shortages` (mesh empty: every mesh)
  Instant refuses_from{};   // the later of that record and (D-1) 01:00
};
// Per gas day from `from` on and per mesh of `meshes`, the shortages
// standing at t, by day then mesh order.
std::vector<StandingShortage> StandingShortages(const std::vector<Shortage>& shortages,
                                                const std::vector<std::string>& meshes,
                                                GasDay from, Instant t);

}  // namespace flexmail
