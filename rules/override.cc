#include "rules/override.h"

#include <array>
#include <vector>

namespace flexmail {
namespace {

// Where each hour's value came from, version after version of one
// (site, day) in effect order: the index of the version that applied the
// value, or kNobody for a null that nothing set.
class Provenance {
 public:
  static constexpr int kNobody = -1;

  Provenance(const std::vector<ReferenceVersion>& versions, size_t count, GasDay day)
      : versions_(versions), day_(day), setters_(count) {
    for (size_t k = 0; k < count; ++k) {
      for (int i = 0; i < kSlotsPerDay; ++i) setters_[k][i] = SetterAt(k, i);
    }
  }

  int Setter(size_t version, int slot) const { return setters_[version][slot]; }

  // Not yet past at t: every hour before D 06:00, else from the current
  // slot on (RULES §6).
  bool Open(Instant t, int slot) const {
    return t < GasDayStart(day_) || AbsSlotOf(day_, slot) >= CurrentSlotOf(t);
  }

  bool IsOf(int setter, std::string_view programme_id) const {
    return setter != kNobody && !versions_[setter].withdrawal &&
           versions_[setter].programme_id == programme_id;
  }

  // The setter of hour `slot` before programme_id set it, passing every
  // version of that programme; versions[setter] must be one of them.
  // kNobody when nothing stood before it.
  int Before(int setter, int slot, std::string_view programme_id) const {
    while (setter > 0) {
      setter = setters_[setter - 1][slot];
      if (!IsOf(setter, programme_id)) return setter;
    }
    return kNobody;
  }

 private:
  // An acceptance applies hours by Rebuild's rule at its instant. A
  // withdrawal applies only the open hours its programme held, and they
  // keep the provenance of the value it put back.
  int SetterAt(size_t k, int slot) const {
    const ReferenceVersion& v = versions_[k];
    const int previous = k == 0 ? kNobody : setters_[k - 1][slot];
    if (!v.withdrawal) {
      const bool applies = k == 0 || v.effective_at < GasDayStart(day_) ||
                           AllNull(versions_[k - 1].values) ||
                           AbsSlotOf(day_, slot) >= CurrentSlotOf(v.effective_at);
      return applies ? static_cast<int>(k) : previous;
    }
    if (!Open(v.effective_at, slot) || !IsOf(previous, v.programme_id)) return previous;
    return Before(previous, slot, v.programme_id);
  }

  const std::vector<ReferenceVersion>& versions_;
  GasDay day_;
  std::vector<std::array<int, kSlotsPerDay>> setters_;
};

}  // namespace

Hourly ReferenceAfterOverrideAccept(const ReferenceHistory& h, const Hourly& values, GasDay day,
                                    Instant t) {
  return Rebuild(h.InForceAt(t), values, day, t);
}

std::optional<Hourly> ReferenceAfterOverrideRefuse(const ReferenceHistory& h,
                                                   std::string_view programme_id, GasDay day,
                                                   Instant t) {
  const ReferenceVersion* current = h.InForceAt(t);
  if (!current) return std::nullopt;
  const std::vector<ReferenceVersion>& versions = h.versions();
  const size_t last = static_cast<size_t>(current - versions.data());
  const Provenance from(versions, last + 1, day);
  Hourly out = current->values;
  bool changed = false;
  for (int i = 0; i < kSlotsPerDay; ++i) {
    const int setter = from.Setter(last, i);
    if (!from.Open(t, i) || !from.IsOf(setter, programme_id)) continue;
    // Every value is its setter's own (acceptances copy the rest, and
    // withdrawals keep the provenance of what they put back).
    const int before = from.Before(setter, i, programme_id);
    out[i] = before == Provenance::kNobody ? std::nullopt : versions[before].values[i];
    changed = true;
  }
  if (!changed) return std::nullopt;
  return out;
}

}  // namespace flexmail
