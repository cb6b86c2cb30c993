// The chart of one gas day of one site: an SVG drawn on the server.
//
// RenderChart is a pure function of a ChartData: no clock, no I/O, no
// JavaScript, no external resource (fonts, styles, images). Its promises:
// - the result is one well-formed XML element <svg> in the SVG namespace,
//   with fixed width, height and viewBox (kChartWidth × kChartHeight), so a
//   page can inline it as is;
// - every text taken from the data (labels of slots, series and windows) is
//   XML-escaped: a label can never open an element;
// - each series is exactly one <polyline> with one point per slot, drawn by
//   kind: the reference in force solid and thick, earlier reference
//   versions faint, accepted programmes solid, refused ones dashed;
// - a missing value (null) is drawn at 0, as the rules count it (RULES
//   §4.4); the table under the chart tells the two apart;
// - the contract bounds are dashed horizontal lines, the feasibility windows
//   shaded rectangles behind the lines, the axes carry the slot labels and
//   kWh ticks, and a legend names every series (earlier reference versions
//   share one entry);
// - coordinates are written with one fixed decimal.
// Thread safe: no state.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace flexmail {

constexpr int kChartWidth = 960;
constexpr int kChartHeight = 400;

struct ChartSeries {
  enum class Kind { kReference, kReferenceEarlier, kAccepted, kRefused };
  std::string label;
  std::vector<std::optional<double>> kwh;  // one per slot; extra ones ignored, missing ones null
  Kind kind = Kind::kAccepted;
};

// A feasibility window to shade: slots first..last of the day, inclusive.
struct ChartWindow {
  int first = 0;
  int last = -1;  // empty when last < first
  std::string label;
};

struct ChartData {
  std::string title;                     // the SVG's <title>, for screen readers
  int slots = 24;                        // REQUIRES: 1 <= slots <= 48
  std::vector<std::string> slot_labels;  // one per slot ("06h00"); missing ones blank
  std::vector<ChartSeries> series;
  std::optional<double> qmin, qmax;  // contract bounds, kWh
  std::vector<ChartWindow> windows;
};

std::string RenderChart(const ChartData& data);

// "1 234 567,5": a quantity in kWh to at most three decimals, French style
// (narrow no-break space between thousands, decimal comma).
std::string FormatKwh(double kwh);

// Text made safe for XML and HTML content and attribute values: Escape
// (console/html.h), control characters other than tab and newlines dropped.
std::string EscapeXml(const std::string& s);

// A coordinate with one fixed decimal: the same drawing gives the same
// bytes everywhere.
std::string SvgNum(double v);

}  // namespace flexmail
