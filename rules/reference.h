// The reference programme of a (site, gas day), versioned in time (RULES §6).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/programme.h"
#include "rules/quantity.h"
#include "rules/time.h"

namespace flexmail {

struct ReferenceVersion {
  Instant effective_at{};   // reception instant of the programme that set it
  std::int64_t seq = 0;     // ledger order; breaks ties of effective_at
  Hourly values{};          // null: never declared (only before the first c)
  std::string programme_id; // the accepted programme that produced it
  std::string contract;
  // Set by a dispatcher's override (0: by an automatic acceptance). A
  // withdrawal is an override into REFUSED: it put back what stood without
  // programme_id instead of applying it.
  std::int64_t override_id = 0;
  bool withdrawal = false;
};

// Every version of one (site, day), in effect order.
class ReferenceHistory {
 public:
  ReferenceHistory() = default;
  explicit ReferenceHistory(std::vector<ReferenceVersion> versions);  // any order

  // The version in force at t: the last one with effective_at <= t.
  const ReferenceVersion* InForceAt(Instant t) const;
  const std::vector<ReferenceVersion>& versions() const { return versions_; }
  void Add(ReferenceVersion v);

 private:
  std::vector<ReferenceVersion> versions_;
};

// The values the reference takes when a programme with `values` is accepted
// at t for `day` (RULES §6): in full before D 06:00 or with no previous
// reference (nor one whose every hour is null: what a withdrawal leaves
// when it takes back the only programme); otherwise from the current slot
// onwards.
bool AllNull(const Hourly& values);
Hourly Rebuild(const ReferenceVersion* previous, const Hourly& values, GasDay day, Instant t);

// Reference value used in comparisons, in exact thousandths: null counts
// as 0, and so does the value of no reference at all.
inline Milli RefValue(const ReferenceVersion* r, int i) {
  return r ? ToMilli(r->values[i]) : 0;
}

}  // namespace flexmail
