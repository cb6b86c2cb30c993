#include "console/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "console/html.h"

namespace flexmail {
namespace {

// The plot area inside the fixed canvas; below it, the slot labels and the
// legend (kLegendColumns × kLegendRows entries).
constexpr double kLeft = 90, kRight = kChartWidth - 20, kTop = 20, kBottom = 290;
constexpr int kLegendColumns = 4, kLegendRows = 4;
constexpr size_t kLegendChars = 34;
constexpr double kLegendTop = 336, kLegendRowHeight = 16, kLegendColumnWidth = 215;

struct Style {
  const char* stroke;
  const char* width;
  const char* extra;   // further attributes
  const char* legend;  // legend text for a shared entry, or null
};

Style StyleOf(ChartSeries::Kind k) {
  switch (k) {
    case ChartSeries::Kind::kReference:
      return {"#1f4e9c", "3.5", "", nullptr};
    case ChartSeries::Kind::kReferenceEarlier:
      return {"#1f4e9c", "1.5", " stroke-opacity=\"0.3\"", "Versions antérieures de la référence"};
    case ChartSeries::Kind::kAccepted:
      return {"#2e8b3a", "1.5", "", nullptr};
    case ChartSeries::Kind::kRefused:
      return {"#c0392b", "1.5", " stroke-dasharray=\"6 4\"", nullptr};
  }
  return {"#000", "1", "", nullptr};
}

// A step of 1, 2 or 5 × 10^k giving at most about five ticks up to `top`.
double TickStep(double top) {
  const double raw = top / 5;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= raw) return m * p;
  }
  return 10 * p;
}

class Plot {
 public:
  Plot(int slots, double ymax) : slots_(slots), ymax_(ymax) {}
  double X(int i) const { return kLeft + (i + 0.5) * SlotWidth(); }
  double SlotLeft(int i) const { return kLeft + i * SlotWidth(); }
  double Y(double kwh) const { return kBottom - (kwh / ymax_) * (kBottom - kTop); }
  double SlotWidth() const { return (kRight - kLeft) / slots_; }

 private:
  int slots_;
  double ymax_;
};

double Top(const ChartData& d) {
  double top = 0;
  for (const auto& s : d.series) {
    for (int i = 0; i < d.slots && i < static_cast<int>(s.kwh.size()); ++i) {
      if (s.kwh[i]) top = std::max(top, *s.kwh[i]);
    }
  }
  if (d.qmin) top = std::max(top, *d.qmin);
  if (d.qmax) top = std::max(top, *d.qmax);
  if (!(top > 0)) return 1;  // nothing but zeros: an axis still needs a scale
  const double step = TickStep(top);
  return std::ceil(top / step) * step;
}

void Windows(const ChartData& d, const Plot& p, std::string* out) {
  for (const auto& w : d.windows) {
    const int first = std::max(w.first, 0), last = std::min(w.last, d.slots - 1);
    if (last < first) continue;
    *out += "<rect class=\"window\" x=\"" + SvgNum(p.SlotLeft(first)) + "\" y=\"" + SvgNum(kTop) +
            "\" width=\"" + SvgNum((last - first + 1) * p.SlotWidth()) + "\" height=\"" +
            SvgNum(kBottom - kTop) + "\" fill=\"#f2c94c\" fill-opacity=\"0.25\"><title>" +
            EscapeXml(w.label) + "</title></rect>\n";
  }
}

void Axes(const ChartData& d, const Plot& p, double ymax, std::string* out) {
  const double step = TickStep(ymax);
  *out += "<g class=\"y-axis\" font-size=\"11\" text-anchor=\"end\">\n";
  for (int k = 0; k * step <= ymax * (1 + 1e-9); ++k) {
    const double v = k * step, y = p.Y(v);
    *out += "<line x1=\"" + SvgNum(kLeft) + "\" y1=\"" + SvgNum(y) + "\" x2=\"" + SvgNum(kRight) +
            "\" y2=\"" + SvgNum(y) + "\" stroke=\"#e0e0e0\"/>";
    *out += "<text x=\"" + SvgNum(kLeft - 6) + "\" y=\"" + SvgNum(y + 4) + "\">" + FormatKwh(v) +
            "</text>\n";
  }
  *out += "<text x=\"" + SvgNum(kLeft - 6) + "\" y=\"" + SvgNum(kTop - 6) + "\">kWh</text>\n</g>\n";
  *out += "<g class=\"x-axis\" font-size=\"10\" text-anchor=\"middle\">\n";
  *out += "<line x1=\"" + SvgNum(kLeft) + "\" y1=\"" + SvgNum(kBottom) + "\" x2=\"" +
          SvgNum(kRight) + "\" y2=\"" + SvgNum(kBottom) + "\" stroke=\"#333\"/>";
  *out += "<line x1=\"" + SvgNum(kLeft) + "\" y1=\"" + SvgNum(kTop) + "\" x2=\"" + SvgNum(kLeft) +
          "\" y2=\"" + SvgNum(kBottom) + "\" stroke=\"#333\"/>\n";
  for (int i = 0; i < d.slots; ++i) {
    const std::string label =
        i < static_cast<int>(d.slot_labels.size()) ? d.slot_labels[i] : std::string();
    *out += "<text x=\"" + SvgNum(p.X(i)) + "\" y=\"" + SvgNum(kBottom + 16) + "\">" +
            EscapeXml(label) + "</text>\n";
  }
  *out += "</g>\n";
}

void Bound(const char* name, std::optional<double> v, const Plot& p, std::string* out) {
  if (!v) return;
  const double y = p.Y(*v);
  *out += std::string("<g class=\"bound ") + name + "\"><line x1=\"" + SvgNum(kLeft) + "\" y1=\"" +
          SvgNum(y) + "\" x2=\"" + SvgNum(kRight) + "\" y2=\"" + SvgNum(y) +
          "\" stroke=\"#555\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/><text x=\"" +
          SvgNum(kRight - 4) + "\" y=\"" + SvgNum(y - 4) +
          "\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">" + name + " " + FormatKwh(*v) +
          "</text></g>\n";
}

void Series(const ChartData& d, const Plot& p, std::string* out) {
  for (const auto& s : d.series) {
    const Style st = StyleOf(s.kind);
    std::string points;
    for (int i = 0; i < d.slots; ++i) {
      const bool known = i < static_cast<int>(s.kwh.size()) && s.kwh[i];
      if (i) points += ' ';
      points += SvgNum(p.X(i)) + "," + SvgNum(p.Y(known ? *s.kwh[i] : 0));
    }
    *out += std::string("<polyline fill=\"none\" stroke=\"") + st.stroke + "\" stroke-width=\"" +
            st.width + "\"" + st.extra + " points=\"" + points + "\"><title>" + EscapeXml(s.label) +
            "</title></polyline>\n";
  }
}

// At most `max` characters of UTF-8 `s`, the cut marked by an ellipsis: a
// legend column is narrow, and the series' <title> keeps the whole label.
std::string Shorten(const std::string& s, size_t max) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (++chars == max) return i + 1 < s.size() ? s.substr(0, i) + "…" : s;
  }
  return s;
}

// One legend entry at position n: a sample of the stroke and its text.
void LegendEntry(int n, const std::string& sample_attrs, const std::string& text,
                 std::string* out) {
  const double x = kLeft + (n / kLegendRows) * kLegendColumnWidth;
  const double y = kLegendTop + (n % kLegendRows) * kLegendRowHeight;
  *out += "<line x1=\"" + SvgNum(x) + "\" y1=\"" + SvgNum(y - 4) + "\" x2=\"" + SvgNum(x + 24) +
          "\" y2=\"" + SvgNum(y - 4) + "\" " + sample_attrs + "/><text x=\"" + SvgNum(x + 30) +
          "\" y=\"" + SvgNum(y) + "\">" + text + "</text>\n";
}

// Entries beyond the legend's room are counted in its last one.
void Legend(const ChartData& d, std::string* out) {
  std::vector<std::pair<std::string, std::string>> entries;  // sample, escaped text
  bool earlier = false;
  for (const auto& s : d.series) {
    const Style st = StyleOf(s.kind);
    const std::string sample =
        std::string("stroke=\"") + st.stroke + "\" stroke-width=\"" + st.width + "\"" + st.extra;
    if (st.legend) {
      if (earlier) continue;
      earlier = true;
      entries.push_back({sample, st.legend});
    } else {
      entries.push_back({sample, EscapeXml(Shorten(s.label, kLegendChars))});
    }
  }
  if (!d.windows.empty())
    entries.push_back({"stroke=\"#f2c94c\" stroke-opacity=\"0.5\" stroke-width=\"10\"",
                       "Fenêtre de faisabilité"});
  if (d.qmin || d.qmax)
    entries.push_back({"stroke=\"#555\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"",
                       "Bornes du contrat (qmin, qmax)"});
  const size_t room = kLegendColumns * kLegendRows;
  if (entries.size() > room) {
    const size_t more = entries.size() - (room - 1);
    entries.resize(room - 1);
    entries.push_back({"stroke=\"none\"", "… et " + std::to_string(more) + " autres"});
  }
  *out += "<g class=\"legend\" font-size=\"11\">\n";
  for (size_t n = 0; n < entries.size(); ++n)
    LegendEntry(static_cast<int>(n), entries[n].first, entries[n].second, out);
  *out += "</g>\n";
}

}  // namespace

std::string SvgNum(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string EscapeXml(const std::string& s) {
  // Control characters are not allowed in XML 1.0: dropped; the rest is
  // the HTML escaping every page uses.
  std::string kept;
  kept.reserve(s.size());
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') kept += c;
  return Escape(kept);
}

std::string FormatKwh(double kwh) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", std::fabs(kwh));
  std::string_view text(buf);
  const size_t dot = text.find('.');
  std::string whole(text.substr(0, dot)), frac(text.substr(dot + 1));
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  std::string out = kwh < 0 && (whole != "0" || !frac.empty()) ? "-" : "";
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i && (whole.size() - i) % 3 == 0) out += "\u202f";
    out += whole[i];
  }
  if (!frac.empty()) out += "," + frac;
  return out;
}

std::string RenderChart(const ChartData& d) {
  const double ymax = Top(d);
  const Plot p(std::clamp(d.slots, 1, 48), ymax);
  // The helpers read data.slots, clamped: a caller's mistake cannot
  // divide by zero nor draw thousands of labels.
  ChartData data = d;
  data.slots = std::clamp(d.slots, 1, 48);
  const std::string w = std::to_string(kChartWidth), h = std::to_string(kChartHeight);
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
                    "\" viewBox=\"0 0 " + w + " " + h +
                    "\" role=\"img\" font-family=\"sans-serif\">\n<title>" + EscapeXml(d.title) +
                    "</title>\n";
  Windows(data, p, &out);
  Axes(data, p, ymax, &out);
  Bound("qmin", d.qmin, p, &out);
  Bound("qmax", d.qmax, p, &out);
  Series(data, p, &out);
  Legend(data, &out);
  out += "</svg>\n";
  return out;
}

}  // namespace flexmail
