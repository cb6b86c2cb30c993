// The timeline of one mesh's flexibility indicators over one gas day (RULES
// §5), an SVG drawn on the server like console/chart.h, and the values it
// draws.
//
// RenderIndicatorTimeline is a pure function of a DayFrame and a
// MeshTimeline: no clock, no I/O, no script, no external resource. Its
// promises:
// - the result is one well-formed XML element <svg> in the SVG namespace,
//   with fixed width, height and viewBox, so a page can inline it as is;
// - the x axis is real time from the day's start to its end, 23, 24 or 25
//   hours, with a tick at every hour labelled with its local wall-clock hour
//   (no "02h" on the 23-hour day, two on the 25-hour day);
// - one row per indicator, in kAllIndicators order; each band is one
//   <rect class="band LIGHT"> from its start to its end, filled with the
//   light's colour and, so that colour is never the only cue, a pattern
//   (RED hatched, GREY cross-hatched, an unknown status blank with a dashed
//   outline), its French name written on it when there is room and always
//   in its <title>;
// - every publication of the day is one <g class="publication">: a dot at
//   its publication instant, a bar at the instant it applies from, joined
//   when they differ and clipped to the day (a publication applying after
//   the day has a dot and no bar); the one that will next change the status
//   in force also has class "next";
// - a last row shows where a shortage refuses every programme (hatched
//   dark, class "shortage"), with a dot at each declaration within the day;
// - when the frame holds `now`, a dashed vertical line across the rows,
//   labelled with its local time;
// - every text from the data is XML-escaped; ids of the patterns start with
//   `id` (REQUIRES: letters, digits and '-' only) so that several timelines
//   can share a page; coordinates have one fixed decimal.
// Thread safe: no state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/indicators.h"
#include "rules/time.h"

namespace flexmail {

// The gas day drawn: its bounds as instants, and what every timeline of the
// page shares.
struct DayFrame {
  GasDay day;
  Instant start{}, end{};        // D 06:00 and D+1 06:00 local
  std::optional<Instant> now;    // set when the day holds the request's instant
  Light fallback = Light::kRed;  // what an indicator counts as before any publication
};

// A part of the day during which one publication (or none) is in force.
struct IndicatorBand {
  Instant from{}, until{};  // within the day, from < until
  Light status = Light::kRed;
  bool known = false;                 // false: nothing applies yet, status is the fallback
  std::optional<Publication> source;  // the publication in force, when known
};

// One indicator of one mesh over the day.
struct IndicatorLine {
  IndicatorKind kind = IndicatorKind::kQMinus;
  std::vector<IndicatorBand> bands;       // cover the day without gap nor overlap, in order
  std::vector<Publication> publications;  // published or applied within the day, in order
  std::optional<AppliedLight> now;        // in force at frame.now, when set
  std::optional<Publication> next;        // the next change known at frame.now (§13.1)
};

// A shortage for the day, of this mesh or of every mesh.
struct ShortageSpan {
  Shortage shortage;
  // The first reception instant it refuses programmes of the day at:
  // max(declared_at, (D-1) 01:00) (RULES §5); it refuses them until the end
  // of the day, or until `ended` (shortage cancel).
  Instant applies_from{};
  std::optional<Instant> ended;
};

struct MeshTimeline {
  std::string code, label;              // from the referential
  std::vector<IndicatorLine> lines;     // one per indicator, kAllIndicators order
  std::vector<ShortageSpan> shortages;  // by declaration
};

std::string RenderIndicatorTimeline(const DayFrame& frame, const MeshTimeline& mesh,
                                    const std::string& id);

// "Q→Q− (baisses)", "Q→Q+ (hausses)", "Flexibilité partielle".
std::string_view IndicatorFrench(IndicatorKind k);

}  // namespace flexmail
