#include "rules/feasibility.h"

#include <algorithm>

namespace flexmail {
namespace {

// Quantities are compared and summed in exact thousandths (rules/quantity.h).
Milli ValueAt(const Hourly& h, int i) { return ToMilli(h[i]); }

// The window (RULES §4.3) as slot indices of D: absolute slots c .. H+5,
// cut to the day.
void ComputeWindow(GasDay day, const SlotsAt& at, int* first, int* last) {
  const AbsSlot day0 = AbsSlotOf(day, 0);
  const AbsSlot from = std::max(at.current, day0);
  const AbsSlot to = std::min(at.hour + 5, day0 + kSlotsPerDay - 1);
  *first = static_cast<int>(from - day0);
  *last = static_cast<int>(to - day0);
}

// Slots of the window where the programme is below (sign < 0) or above
// (sign > 0) the reference.
std::vector<int> SlotsWhere(const FeasibilityInput& in, const ReferenceVersion* ref, int first,
                            int last, int sign) {
  std::vector<int> out;
  for (int i = first; i <= last; ++i) {
    Milli p = ValueAt(*in.values, i), r = RefValue(ref, i);
    if ((sign < 0 && p < r) || (sign > 0 && p > r)) out.push_back(i);
  }
  return out;
}

bool AnyAbove(const FeasibilityInput& in, const ReferenceVersion* ref, int first, int last) {
  for (int i = first; i <= last; ++i) {
    if (ValueAt(*in.values, i) > RefValue(ref, i)) return true;
  }
  return false;
}

// Partial flexibility (§4.6): the window's total against the reference in
// force at the start of slot c, plus the budget of the site's tranches.
bool WithinPartialBudget(const FeasibilityInput& in, AbsSlot c, int first, int last) {
  const ReferenceVersion* at_c = in.history->InForceAt(BudgetReferenceInstant(c));
  Milli declared = 0, reference = 0;
  for (int i = first; i <= last; ++i) {
    declared += ValueAt(*in.values, i);
    reference += RefValue(at_c, i);
  }
  return declared <= reference + ToMilli(in.budget_per_tranche) * in.tranches;
}

void CheckIncreases(const FeasibilityInput& in, const ReferenceVersion* ref, AbsSlot c,
                    int first, int last, FeasibilityResult* out) {
  if (in.indicators.q_plus.status != Light::kRed || !AnyAbove(in, ref, first, last)) return;
  if (in.indicators.partial.status == Light::kGreen) {
    if (!WithinPartialBudget(in, c, first, last))
      out->violations.push_back({Code::HMS_PROFILE_NOT_RESPECT_FLEXIBILITY_TOLERANCE, {}});
    return;
  }
  out->violations.push_back(
      {Code::HMS_PROFILE_NOT_RESPECT_QMAX_DELAY, SlotsWhere(in, ref, first, last, +1)});
}

}  // namespace

Instant BudgetReferenceInstant(AbsSlot c) {
  return SlotStart(DayOfAbsSlot(c), IndexOfAbsSlot(c)) - std::chrono::milliseconds{1};
}

std::string ShortageDetail() {
  return "pénurie de flexibilité en cours, déclarée par le gestionnaire de réseau pour cette "
         "journée gazière";
}

std::string GreyDetail(const AppliedIndicators& indicators) {
  std::string grey;
  for (IndicatorKind k : kAllIndicators) {
    if (indicators.Get(k).status != Light::kGrey) continue;
    if (!grey.empty()) grey += ", ";
    grey += k == IndicatorKind::kQMinus  ? "Q → Q-"
            : k == IndicatorKind::kQPlus ? "Q → Q+"
                                         : "flexibilité partielle";
  }
  return "indicateur de flexibilité gris (" + grey + ")";
}

FeasibilityResult EvaluateFeasibility(const FeasibilityInput& in) {
  static const ReferenceHistory kEmpty;
  FeasibilityInput local = in;
  if (!local.history) local.history = &kEmpty;
  FeasibilityResult out;
  const SlotsAt at = SlotsOf(in.received_at);
  ComputeWindow(in.day, at, &out.window_first, &out.window_last);
  // t < (D-1) 01:00 (EarlyLimit), on the slot line: 01:00 is never moved by
  // a DST change, so comparing hour slots is exact and spares a zone lookup.
  if (at.hour < AbsSlotOf(in.day.Prev().Prev(), 19)) {
    out.path = FeasibilityPath::kEarly;
    return out;
  }
  if (in.shortage || in.indicators.AnyGrey()) {
    out.path = FeasibilityPath::kShortage;
    out.accepted = false;
    out.violations.push_back({Code::HMS_PROFILE_NOT_RESPECT_GRAY_INDICATOR, {},
                              in.shortage ? ShortageDetail() : GreyDetail(in.indicators)});
    return out;
  }
  if (out.window_first > out.window_last) {
    out.path = FeasibilityPath::kEmptyWindow;
    return out;
  }
  const ReferenceVersion* ref = local.history->InForceAt(in.received_at);
  if (in.indicators.q_minus.status == Light::kRed) {
    auto below = SlotsWhere(local, ref, out.window_first, out.window_last, -1);
    if (!below.empty())
      out.violations.push_back({Code::HMS_PROFILE_NOT_RESPECT_Q0_DELAY, std::move(below)});
  }
  CheckIncreases(local, ref, at.current, out.window_first, out.window_last, &out);
  out.accepted = out.violations.empty();
  return out;
}

}  // namespace flexmail
