// A dispatcher's decision on an integrated programme, confirmed by phone
// (contract ch. 6: the operator has the last word on feasibility). The
// automatic verdict stays; the override changes the reference from its own
// instant on, under the contract's rule for the current slot (RULES §6).
#pragma once

#include <optional>
#include <string_view>

#include "rules/programme.h"
#include "rules/reference.h"
#include "rules/time.h"

namespace flexmail {

// The reference after `values` (a programme of `day`) is accepted by
// override at t: exactly what an acceptance at t would make (Rebuild).
Hourly ReferenceAfterOverrideAccept(const ReferenceHistory& h, const Hourly& values, GasDay day,
                                    Instant t);

// The reference after programme `programme_id` is overridden into REFUSED
// at t: the reference in force at t, except the hours whose value still
// comes from that programme (set by its acceptance, automatic or by
// override, and not set again since) and are not yet past at t (every hour
// before D 06:00, else from the current slot on): those take back the value
// that stood before the programme set them. nullopt when no hour changes
// (the programme never moved the reference, or later programmes have
// replaced every hour it set).
std::optional<Hourly> ReferenceAfterOverrideRefuse(const ReferenceHistory& h,
                                                   std::string_view programme_id, GasDay day,
                                                   Instant t);

}  // namespace flexmail
