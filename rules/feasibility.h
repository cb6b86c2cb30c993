// Functional feasibility of one programme (RULES §4). Pure and allocation
// free on the accepting path: this is the hot loop of the daemon.
#pragma once

#include <string>
#include <vector>

#include "rules/codes.h"
#include "rules/indicators.h"
#include "rules/reference.h"

namespace flexmail {

struct Violation {
  Code code;
  std::vector<int> slots;  // slot indices of day D (empty for GREY / tolerance)
  // What the code alone does not say, in French, for the shipper: whether a
  // GRAY_INDICATOR refusal comes from a declared shortage or from a GREY
  // indicator. Empty for the other codes.
  std::string detail = {};
};

// The French precisions of an HMS_PROFILE_NOT_RESPECT_GRAY_INDICATOR refusal.
std::string ShortageDetail();
std::string GreyDetail(const AppliedIndicators& indicators);

enum class FeasibilityPath {
  kEarly,        // received before (D-1) 01:00: accepted, nothing consulted
  kShortage,     // a shortage or a GREY indicator
  kEmptyWindow,  // nothing of D inside the window
  kChecked,      // window compared with the reference
};

struct FeasibilityInput {
  GasDay day;
  Instant received_at{};
  const Hourly* values = nullptr;            // the programme (nulls count as 0)
  const ReferenceHistory* history = nullptr; // may be empty
  AppliedIndicators indicators;
  bool shortage = false;
  int tranches = 1;
  double budget_per_tranche = 800000;
};

struct FeasibilityResult {
  bool accepted = true;
  FeasibilityPath path = FeasibilityPath::kChecked;
  std::vector<Violation> violations;
  // The window, as slot indices of D: [first, last]; empty when first > last.
  int window_first = 0;
  int window_last = -1;
};

FeasibilityResult EvaluateFeasibility(const FeasibilityInput& in);

// The instant whose reference the partial-flexibility budget compares with
// (§4.6) when the current slot is c: 1 ms before c starts, since only a
// reference "confirmed before the start of hour c" counts (contract §3.2.3).
// EvaluateFeasibility reads the history at this instant and at received_at,
// and nowhere else.
Instant BudgetReferenceInstant(AbsSlot c);

}  // namespace flexmail
