#include "rules/reference.h"

#include <algorithm>

namespace flexmail {
namespace {

bool EffectiveBefore(const ReferenceVersion& a, const ReferenceVersion& b) {
  return a.effective_at != b.effective_at ? a.effective_at < b.effective_at : a.seq < b.seq;
}

}  // namespace

bool AllNull(const Hourly& values) {
  return std::none_of(values.begin(), values.end(), [](const auto& v) { return v.has_value(); });
}

ReferenceHistory::ReferenceHistory(std::vector<ReferenceVersion> versions)
    : versions_(std::move(versions)) {
  std::sort(versions_.begin(), versions_.end(), EffectiveBefore);
}

void ReferenceHistory::Add(ReferenceVersion v) {
  auto pos = std::upper_bound(versions_.begin(), versions_.end(), v, EffectiveBefore);
  versions_.insert(pos, std::move(v));
}

const ReferenceVersion* ReferenceHistory::InForceAt(Instant t) const {
  auto it = std::upper_bound(versions_.begin(), versions_.end(), t,
                             [](Instant x, const ReferenceVersion& v) { return x < v.effective_at; });
  return it == versions_.begin() ? nullptr : &*std::prev(it);
}

Hourly Rebuild(const ReferenceVersion* previous, const Hourly& values, GasDay day, Instant t) {
  if (!previous || t < GasDayStart(day) || AllNull(previous->values)) return values;
  // Declared during D: past hours keep the previous reference (§6-§8).
  const AbsSlot current = CurrentSlotOf(t);
  Hourly out = previous->values;
  for (int i = 0; i < kSlotsPerDay; ++i) {
    if (AbsSlotOf(day, i) >= current) out[i] = values[i];
  }
  return out;
}

}  // namespace flexmail
