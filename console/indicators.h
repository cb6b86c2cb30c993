// The "Indicateurs" page, /indicators?day=YYYY-MM-DD: for one gas day and
// each mesh of the referential, the three flexibility indicators as they
// applied hour by hour (RULES §5) and the shortages of the day.
//
// GatherIndicators reads through the Ledger's read methods only and the
// referential; it computes the bands with rules/indicators.h's
// IndicatorTimeline, so the page shows what the rules applied: a band
// changes only at an application instant, a publication applying after the
// day colours none of it, and before any publication an indicator shows the
// referential's fallback as unknown. IndicatorsBody turns the data into an
// HTML fragment in French: links to the previous and next days, then per
// mesh the values in force now (when the day is today) and the next change,
// the timeline (console/indicator_chart.h) and the same facts in an
// accessible table. Every text from the data is escaped.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "console/http.h"
#include "console/indicator_chart.h"
#include "db/ledger.h"
#include "rules/referential.h"
#include "rules/status.h"

namespace flexmail {

struct IndicatorsDayData {
  DayFrame frame;
  int hours = 24;                    // real hours of the day: 23, 24 or 25
  std::chrono::minutes delay{23};    // of a publication that does not improve
  std::vector<MeshTimeline> meshes;  // the referential's, in its order
};

// Fills *out for `day` as seen at `now` (the frame holds `now` when the day
// does). A mesh without publications is not an error: its indicators are
// unknown all day. The ledger's status when a read fails.
Status GatherIndicators(Ledger& ledger, const Referential& ref, GasDay day, Instant now,
                        IndicatorsDayData* out);

// The day a request asks for: its "day" argument, YYYY-MM-DD or YYYYMMDD,
// from kFirstIndicatorsDay to kLastIndicatorsDay; the gas day of `now`
// without one. kInvalidInput otherwise, with a French message naming the
// parameter and what it expects.
Status IndicatorsDayParam(const std::map<std::string, std::string>& query, Instant now,
                          GasDay* out);
inline constexpr const char* kFirstIndicatorsDay = "2000-01-01";
inline constexpr const char* kLastIndicatorsDay = "2099-12-31";

// "Indicateurs — 03/12/2026", unescaped.
std::string IndicatorsTitle(const IndicatorsDayData& data);
// The HTML body fragment (no <html>, no <body>, no title).
std::string IndicatorsBody(const IndicatorsDayData& data);

// "/indicators": 200 with the page; 400 for a bad "day".
HttpResponse IndicatorsPage(const ConsoleContext& ctx, const HttpRequest& req);
void AddIndicatorPages(Router* router);

}  // namespace flexmail
