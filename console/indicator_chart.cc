#include "console/indicator_chart.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "console/chart.h"
#include "console/html.h"

namespace flexmail {
namespace {

using std::chrono::hours;

constexpr int kWidth = 960, kHeight = 270;
// The rows sit between kTop and kAxis, one per indicator and one for the
// shortages; each has a strip for the publication dots above its band.
constexpr double kLeft = 160, kRight = kWidth - 20, kTop = 36;
constexpr double kRowPitch = 40, kDotStrip = 10, kBandHeight = 22;
constexpr int kRows = 4;
constexpr double kAxis = kTop + kRows * kRowPitch;
constexpr double kLegendLeft = 20, kLegendTop = kAxis + 42, kLegendRowHeight = 18;
constexpr double kLegendColumnWidth = 230;
// Below these widths a band's name is shortened to its initial, then left
// to its <title> and the table.
constexpr double kNameWidth = 46, kInitialWidth = 12;

// How a band is filled: its class, its fill (a colour, or a pattern's id
// suffix after `id`), the colour of the name written on it, and any further
// attributes.
struct Paint {
  const char* css;
  const char* fill;
  const char* text;
  const char* extra = "";
};

constexpr Paint kUnknownPaint{"band unknown", "#ffffff", "#424242",
                              " stroke=\"#757575\" stroke-dasharray=\"3 2\""};
constexpr Paint kShortagePaint{"shortage", "-shortage", "#ffffff"};

Paint PaintOf(const IndicatorBand& b) {
  if (!b.known) return kUnknownPaint;
  switch (b.status) {
    case Light::kGreen: return {"band green", "#2e7d32", "#ffffff"};
    case Light::kRed: return {"band red", "-red", "#ffffff"};
    case Light::kGrey: return {"band grey", "-grey", "#ffffff"};
  }
  return kUnknownPaint;
}

std::string Fill(const char* fill, const std::string& id) {
  return fill[0] == '-' ? "url(#" + id + fill + ")" : fill;
}

class Scale {
 public:
  explicit Scale(const DayFrame& f)
      : start_(f.start), span_(std::max<double>(1, (f.end - f.start).count())) {}
  // Clamped to the day: a publication made before it is drawn at its start.
  double X(Instant t) const {
    const double share = (t - start_).count() / span_;
    return kLeft + std::clamp(share, 0.0, 1.0) * (kRight - kLeft);
  }

 private:
  Instant start_;
  double span_;
};

double RowTop(int row) { return kTop + row * kRowPitch; }
double BandTop(int row) { return RowTop(row) + kDotStrip; }

bool Within(Instant t, const DayFrame& f) { return t >= f.start && t < f.end; }

std::string HourMinute(Instant t) { return FormatShortLocal(t).substr(6); }

void Patterns(const std::string& id, std::string* out) {
  *out += "<defs>\n<pattern id=\"" + id +
          "-red\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" "
          "patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#c62828\"/>"
          "<rect width=\"3\" height=\"8\" fill=\"#ffffff\" fill-opacity=\"0.3\"/></pattern>\n";
  *out += "<pattern id=\"" + id +
          "-grey\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" "
          "height=\"8\" fill=\"#757575\"/><path d=\"M0 0L8 8M8 0L0 8\" stroke=\"#ffffff\" "
          "stroke-opacity=\"0.4\"/></pattern>\n";
  *out += "<pattern id=\"" + id +
          "-shortage\" width=\"10\" height=\"10\" patternUnits=\"userSpaceOnUse\" "
          "patternTransform=\"rotate(-45)\"><rect width=\"10\" height=\"10\" fill=\"#37474f\"/>"
          "<rect width=\"4\" height=\"10\" fill=\"#ffca28\" fill-opacity=\"0.55\"/></pattern>\n"
          "</defs>\n";
}

// A hatched or plain rectangle with its name on it when it fits, and its
// whole description in its <title>.
void Band(const Paint& p, const std::string& id, const std::string& name, double x1, double x2,
          int row, const std::string& title, std::string* out) {
  const double y = BandTop(row), w = x2 - x1;
  *out += std::string("<g class=\"") + p.css + "\"><rect x=\"" + SvgNum(x1) + "\" y=\"" +
          SvgNum(y) + "\" width=\"" + SvgNum(w) + "\" height=\"" + SvgNum(kBandHeight) +
          "\" fill=\"" + Fill(p.fill, id) + "\"" + p.extra + "><title>" + EscapeXml(title) +
          "</title></rect>";
  const std::string shown = w >= kNameWidth ? name : w >= kInitialWidth ? name.substr(0, 1) : "";
  if (!shown.empty()) {
    *out += "<text x=\"" + SvgNum(x1 + w / 2) + "\" y=\"" + SvgNum(y + 15) + "\" fill=\"" + p.text +
            "\" font-weight=\"bold\" text-anchor=\"middle\">" + EscapeXml(shown) + "</text>";
  }
  *out += "</g>\n";
}

std::string BandTitle(IndicatorKind kind, const IndicatorBand& b, Light fallback) {
  std::string t = std::string(IndicatorFrench(kind)) + " : ";
  if (!b.known) {
    t += "aucune publication en vigueur, compte comme " + FrenchLight(fallback);
  } else {
    t += FrenchLight(b.status) + ", publié le " + FormatShortLocal(b.source->published_at) +
         ", s'applique dès " + FormatShortLocal(b.source->applied_at);
  }
  return t + " ; en vigueur de " + FormatShortLocal(b.from) + " à " + FormatShortLocal(b.until);
}

std::string PublicationTitle(IndicatorKind kind, const Publication& p, bool next) {
  return std::string(IndicatorFrench(kind)) + " " + FrenchLight(p.status) + " publié le " +
         FormatShortLocal(p.published_at) + ", s'applique dès " + FormatShortLocal(p.applied_at) +
         (next ? " (prochain changement)" : "");
}

// The dot at the publication instant, the bar at the application instant,
// and the line between them, each only where it falls within the day.
void Marker(const DayFrame& f, const Scale& s, int row, const std::string& css,
            const std::string& title, Instant published, std::optional<Instant> applied,
            std::string* out) {
  const double y = RowTop(row) + kDotStrip / 2;
  *out += "<g class=\"" + css + "\"><title>" + EscapeXml(title) + "</title>";
  const double xp = s.X(published);
  if (applied && *applied != published) {
    *out += "<line x1=\"" + SvgNum(xp) + "\" y1=\"" + SvgNum(y) + "\" x2=\"" +
            SvgNum(s.X(*applied)) + "\" y2=\"" + SvgNum(y) + "\" stroke=\"#212121\"/>";
  }
  if (Within(published, f)) {
    *out +=
        "<circle cx=\"" + SvgNum(xp) + "\" cy=\"" + SvgNum(y) + "\" r=\"3.5\" fill=\"#212121\"/>";
  }
  if (applied && Within(*applied, f)) {
    const double xa = s.X(*applied);
    *out += "<line x1=\"" + SvgNum(xa) + "\" y1=\"" + SvgNum(y - 4) + "\" x2=\"" + SvgNum(xa) +
            "\" y2=\"" + SvgNum(BandTop(row) + kBandHeight + 3) + "\" stroke=\"#000000\" " +
            "stroke-width=\"" + (css.ends_with("next") ? "3.5" : "2") + "\"/>";
  }
  *out += "</g>\n";
}

void RowLabel(int row, std::string_view text, std::string* out) {
  *out += "<text x=\"" + SvgNum(kLeft - 8) + "\" y=\"" + SvgNum(BandTop(row) + 15) +
          "\" text-anchor=\"end\">" + EscapeXml(std::string(text)) + "</text>\n";
}

void IndicatorRow(const DayFrame& f, const Scale& s, int row, const IndicatorLine& line,
                  const std::string& id, std::string* out) {
  RowLabel(row, IndicatorFrench(line.kind), out);
  for (const IndicatorBand& b : line.bands) {
    const std::string name = b.known ? FrenchLight(b.status) : "INCONNU";
    Band(PaintOf(b), id, name, s.X(b.from), s.X(b.until), row, BandTitle(line.kind, b, f.fallback),
         out);
  }
  for (const Publication& p : line.publications) {
    const bool next = line.next && line.next->seq == p.seq;
    Marker(f, s, row, next ? "publication next" : "publication",
           PublicationTitle(line.kind, p, next), p.published_at, p.applied_at, out);
  }
}

// The intervals during which a shortage refuses, overlapping declarations
// merged, each cut at `end`; empty ones left out.
std::vector<std::pair<Instant, Instant>> MergedShortages(const std::vector<ShortageSpan>& spans,
                                                         Instant end) {
  std::vector<std::pair<Instant, Instant>> in;
  for (const ShortageSpan& sp : spans) {
    const Instant until = std::min(sp.ended.value_or(end), end);
    if (sp.applies_from < until) in.emplace_back(sp.applies_from, until);
  }
  std::sort(in.begin(), in.end());
  std::vector<std::pair<Instant, Instant>> out;
  for (const auto& iv : in) {
    if (!out.empty() && iv.first <= out.back().second) {
      out.back().second = std::max(out.back().second, iv.second);
    } else {
      out.push_back(iv);
    }
  }
  return out;
}

void ShortageRow(const DayFrame& f, const Scale& s, const MeshTimeline& m, const std::string& id,
                 std::string* out) {
  constexpr int row = kRows - 1;
  RowLabel(row, "Pénurie", out);
  const auto spans = MergedShortages(m.shortages, f.end);
  for (const auto& [from, until] : spans) {
    Band(kShortagePaint, id, "PÉNURIE", s.X(std::max(from, f.start)), s.X(until), row,
         "Pénurie : tout programme de la journée reçu dès " + FormatShortLocal(from) +
             (until < f.end ? " jusqu'au " + FormatShortLocal(until) : std::string()) +
             " est refusé",
         out);
  }
  if (spans.empty()) {
    *out += "<text x=\"" + SvgNum(kLeft + 6) + "\" y=\"" + SvgNum(BandTop(row) + 15) +
            "\" fill=\"#616161\">aucune pénurie</text>\n";
  }
  for (const ShortageSpan& sp : m.shortages) {
    const std::string scope =
        sp.shortage.mesh.empty() ? "toutes les mailles" : "la maille " + sp.shortage.mesh;
    Marker(f, s, row, "declaration",
           "Pénurie déclarée le " + FormatShortLocal(sp.shortage.declared_at) + " pour " + scope,
           sp.shortage.declared_at, std::nullopt, out);
  }
  // One marker per end (it may close several declarations).
  std::set<Instant> ends;
  for (const ShortageSpan& sp : m.shortages) {
    if (sp.ended) ends.insert(*sp.ended);
  }
  for (Instant e : ends) {
    Marker(f, s, row, "declaration", "Fin de la pénurie le " + FormatShortLocal(e), e,
           std::nullopt, out);
  }
}

void Axis(const DayFrame& f, const Scale& s, std::string* out) {
  *out += "<g class=\"x-axis\" font-size=\"10\" text-anchor=\"middle\">\n<line x1=\"" +
          SvgNum(kLeft) + "\" y1=\"" + SvgNum(kAxis) + "\" x2=\"" + SvgNum(kRight) + "\" y2=\"" +
          SvgNum(kAxis) + "\" stroke=\"#333333\"/>\n";
  for (Instant t = f.start; t <= f.end; t += hours(1)) {
    const double x = s.X(t);
    *out += "<line x1=\"" + SvgNum(x) + "\" y1=\"" + SvgNum(kTop) + "\" x2=\"" + SvgNum(x) +
            "\" y2=\"" + SvgNum(kAxis + 5) + "\" stroke=\"#e0e0e0\"/><text x=\"" + SvgNum(x) +
            "\" y=\"" + SvgNum(kAxis + 18) + "\">" + HourMinute(t).substr(0, 2) + "h</text>\n";
  }
  *out += "</g>\n";
}

void Now(const DayFrame& f, const Scale& s, std::string* out) {
  if (!f.now || !Within(*f.now, f)) return;
  const double x = s.X(*f.now);
  *out += "<g class=\"now\"><line x1=\"" + SvgNum(x) + "\" y1=\"" + SvgNum(kTop - 12) + "\" x2=\"" +
          SvgNum(x) + "\" y2=\"" + SvgNum(kAxis) +
          "\" stroke=\"#000000\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/><text x=\"" +
          SvgNum(x) + "\" y=\"" + SvgNum(kTop - 16) + "\" text-anchor=\"middle\">maintenant " +
          HourMinute(*f.now) + "</text></g>\n";
}

void LegendSwatch(int n, const std::string& shape, const std::string& text, std::string* out) {
  const double x = kLegendLeft + (n % 4) * kLegendColumnWidth;
  const double y = kLegendTop + (n / 4) * kLegendRowHeight;
  *out += "<g transform=\"translate(" + SvgNum(x) + "," + SvgNum(y) + ")\">" + shape +
          "<text x=\"22\" y=\"0\">" + text + "</text></g>\n";
}

void Legend(const DayFrame& f, const std::string& id, std::string* out) {
  const std::string box = "<rect x=\"0\" y=\"-10\" width=\"16\" height=\"11\" ";
  *out += "<g class=\"legend\" font-size=\"11\">\n";
  LegendSwatch(0, box + "fill=\"#2e7d32\"/>", "VERT", out);
  LegendSwatch(1, box + "fill=\"url(#" + id + "-red)\"/>", "ROUGE (hachuré)", out);
  LegendSwatch(2, box + "fill=\"url(#" + id + "-grey)\"/>", "GRIS (quadrillé)", out);
  LegendSwatch(3, box + "fill=\"#ffffff\" stroke=\"#757575\" stroke-dasharray=\"3 2\"/>",
               "INCONNU, compte comme " + FrenchLight(f.fallback), out);
  LegendSwatch(4, box + "fill=\"url(#" + id + "-shortage)\"/>", "PÉNURIE", out);
  LegendSwatch(5, "<circle cx=\"8\" cy=\"-4\" r=\"3.5\" fill=\"#212121\"/>", "publication", out);
  LegendSwatch(6,
               "<line x1=\"8\" y1=\"-11\" x2=\"8\" y2=\"3\" stroke=\"#000000\" "
               "stroke-width=\"2\"/>",
               "s'applique dès (épais : prochain)", out);
  LegendSwatch(7,
               "<line x1=\"8\" y1=\"-11\" x2=\"8\" y2=\"3\" stroke=\"#000000\" "
               "stroke-dasharray=\"5 3\"/>",
               "maintenant", out);
  *out += "</g>\n";
}

}  // namespace

std::string_view IndicatorFrench(IndicatorKind k) {
  switch (k) {
    case IndicatorKind::kQMinus: return "Q→Q− (baisses)";
    case IndicatorKind::kQPlus: return "Q→Q+ (hausses)";
    case IndicatorKind::kPartial: return "Flexibilité partielle";
  }
  return "?";
}

std::string RenderIndicatorTimeline(const DayFrame& f, const MeshTimeline& m,
                                    const std::string& id) {
  const Scale s(f);
  const std::string w = std::to_string(kWidth), h = std::to_string(kHeight);
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
                    "\" viewBox=\"0 0 " + w + " " + h +
                    "\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n<title>" +
                    EscapeXml("Indicateurs de la maille " + m.code + " (" + m.label +
                              ") pour la journée gazière du " + f.day.French()) +
                    "</title>\n";
  Patterns(id, &out);
  Axis(f, s, &out);
  int row = 0;
  for (const IndicatorLine& line : m.lines) {
    if (row == kRows - 1) break;  // kAllIndicators has three
    IndicatorRow(f, s, row++, line, id, &out);
  }
  ShortageRow(f, s, m, id, &out);
  Now(f, s, &out);
  Legend(f, id, &out);
  out += "</svg>\n";
  return out;
}

}  // namespace flexmail
