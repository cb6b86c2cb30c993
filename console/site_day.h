// One site's gas day as the console shows it: the reference programme with
// its versions, every integrated programme with its verdict, the contract
// bounds, and the feasibility windows the programmes were judged on.
//
// GatherSiteDay reads through the Ledger's read methods only (it never
// writes) and the referential; SiteDayBody turns what it gathered into an
// HTML fragment in French: the site and its bounds, the chart inline, and
// the same numbers in an accessible table. Every text from the data is
// escaped. Slots follow rules/time.h: always kSlotsPerDay of them, the 02:00
// slot of the 23-hour day marked nonexistent and the one of the 25-hour day
// standing for both 02:00 hours.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "console/chart.h"
#include "db/ledger.h"
#include "rules/referential.h"
#include "rules/status.h"
#include "rules/time.h"

namespace flexmail {

// One integrated programme of the day, for the list under the table.
struct SiteDayProgramme {
  std::string id;  // 20261203-LI0002-GFQUIMP01-2
  Instant received_at{};
  bool accepted = true;
  bool superseded = false;
  std::vector<std::string> codes;  // "HMS_PROFILE_NOT_RESPECT_Q0_DELAY (14h00, 15h00)"
  std::string comment;             // the French explanation stored with it
  // The dispatcher's last override, in French ("révisé : ACCEPTÉ depuis
  // … par … — motif"); empty when none. Operator text: escape it.
  std::string override_note;
};

struct SiteDayData {
  std::string site;        // LI0002
  std::string site_label;  // from the referential
  std::string mesh;
  GasDay day;
  int hours = 24;        // real hours of the day: 23, 24 or 25
  std::string contract;  // whose bounds are drawn; empty when none applies
  std::optional<double> tolerance_pct;
  std::vector<SiteDayProgramme> programmes;  // by version
  // The technical hourly bounds as last declared (LastDeclared), and by
  // which programme; unset when none.
  std::optional<double> tech_qmin, tech_qmax;
  std::string tech_from;
  int reference_versions = 0;
  ChartData chart;  // series: reference versions (oldest first), then programmes
};

// What the lists under the chart (and the declaration page) show of a
// stored programme: its verdict, its codes with their hours, its comment.
SiteDayProgramme ProgrammeSummary(const StoredProgramme& p);

// Fills *out for (site, day). kInvalidInput when `site` is not a site id
// (LI + 4 digits), kNotFound when the referential does not know it (French
// messages, safe to show); the ledger's own status when a read fails. A day
// with nothing integrated is not an error: the data has no series.
Status GatherSiteDay(Ledger& ledger, const Referential& ref, const std::string& site, GasDay day,
                     SiteDayData* out);

// The day of a request: "YYYY-MM-DD" or "YYYYMMDD"; kInvalidInput (French
// message) otherwise.
Status ParseGasDayParam(std::string_view text, GasDay* out);

// The page's title, unescaped: "LI0002 — 03/12/2026".
std::string SiteDayTitle(const SiteDayData& data);

// The HTML body fragment (no <html>, no <body>, no title): the site's
// label and bounds, the SVG, the table
// (one row per slot, one column per series) and the programmes' verdicts.
std::string SiteDayBody(const SiteDayData& data);

}  // namespace flexmail
