// The SVG chart: one polyline per series with one point per slot, bounds and
// windows drawn, well-formed XML whatever the labels say.
#include "console/chart.h"
#include "tests/console/xmllint.h"
#include "tests/console/text_search.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace flexmail {
namespace {

using testing::Count;

using testing::Xmllint;


// The number of points of each polyline, in order.
std::vector<int> PointsPerPolyline(const std::string& svg) {
  std::vector<int> out;
  static const std::regex kPoints("<polyline[^>]* points=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kPoints);
       it != std::sregex_iterator(); ++it) {
    const std::string points = (*it)[1];
    out.push_back(points.empty() ? 0 : Count(points, " ") + 1);
  }
  return out;
}

ChartData Sample(int slots) {
  ChartData d;
  d.title = "Programmes de LI0002";
  d.slots = slots;
  std::vector<std::optional<double>> ref, acc, refused, earlier;
  for (int i = 0; i < slots; ++i) {
    d.slot_labels.push_back(std::to_string((6 + i) % 24) + "h00");
    ref.push_back(100000 + 1000 * i);
    earlier.push_back(90000);
    acc.push_back(i < 3 ? std::nullopt : std::optional<double>(120000));
    refused.push_back(150000.5);
  }
  d.series = {{"Référence antérieure (v1)", earlier, ChartSeries::Kind::kReferenceEarlier},
              {"Référence (v2)", ref, ChartSeries::Kind::kReference},
              {"20261203-LI0002-GFQUIMP01-3 (accepté)", acc, ChartSeries::Kind::kAccepted},
              {"20261203-LI0002-GFQUIMP01-4 (refusé)", refused, ChartSeries::Kind::kRefused}};
  d.qmin = 50000;
  d.qmax = 200000;
  d.windows = {{8, 14, "Fenêtre de 20261203-LI0002-GFQUIMP01-4"}};
  return d;
}

class ChartSlotsTest : public ::testing::TestWithParam<int> {};

TEST_P(ChartSlotsTest, OnePolylinePerSeriesWithOnePointPerSlot) {
  // Given 4 series over a day of N slots, the SVG has 4 polylines of N points each (a null value still has its point).
  const int slots = GetParam();
  const std::string svg = RenderChart(Sample(slots));
  EXPECT_EQ(PointsPerPolyline(svg), std::vector<int>(4, slots));
  EXPECT_EQ(Count(svg, "<polyline"), 4);
  // Every slot label is drawn on the x axis.
  EXPECT_NE(svg.find(">" + std::to_string((6 + slots - 1) % 24) + "h00</text>"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(DayLengths, ChartSlotsTest, ::testing::Values(23, 24, 25));

TEST(ChartTest, FixedCanvasInTheSvgNamespace) {
  // Given any data, the root is an <svg> in the SVG namespace with fixed size and viewBox.
  const std::string svg = RenderChart(Sample(24));
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"400\" "
                      "viewBox=\"0 0 960 400\"",
                      0),
            0u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(ChartTest, BoundsAreDashedLinesAndWindowsShadedRects) {
  // Given qmin, qmax and one window, both bounds are drawn as dashed lines and the window as one rect.
  const std::string svg = RenderChart(Sample(24));
  EXPECT_EQ(Count(svg, "<g class=\"bound qmin\"><line"), 1);
  EXPECT_EQ(Count(svg, "<g class=\"bound qmax\"><line"), 1);
  EXPECT_EQ(Count(svg, "<rect class=\"window\""), 1);
  EXPECT_NE(svg.find("Bornes du contrat"), std::string::npos);
  ChartData none = Sample(24);
  none.qmin.reset();
  none.qmax.reset();
  none.windows.clear();
  const std::string bare = RenderChart(none);
  EXPECT_EQ(Count(bare, "class=\"bound"), 0);
  EXPECT_EQ(Count(bare, "<rect"), 0);
}

TEST(ChartTest, KindsAreDrawnDifferently) {
  // Given one series of each kind, the refused one alone is dashed, the reference the thickest, the earlier version faint.
  const std::string svg = RenderChart(Sample(24));
  static const std::regex kPoly("<polyline([^>]*) points=");
  std::vector<std::string> attrs;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kPoly); it != std::sregex_iterator();
       ++it)
    attrs.push_back((*it)[1]);
  ASSERT_EQ(attrs.size(), 4u);
  EXPECT_NE(attrs[0].find("stroke-opacity=\"0.3\""), std::string::npos);
  EXPECT_NE(attrs[1].find("stroke-width=\"3.5\""), std::string::npos);
  EXPECT_EQ(attrs[2].find("dasharray"), std::string::npos);
  EXPECT_NE(attrs[3].find("stroke-dasharray"), std::string::npos);
}

TEST(ChartTest, ParsesAsXml) {
  // Given a normal chart, xmllint parses it and finds 4 polylines and 2 bound lines.
  const std::string svg = RenderChart(Sample(24));
  std::string out;
  ASSERT_EQ(Xmllint("--noout", svg, &out), 0) << out;
  ASSERT_EQ(Xmllint("--xpath \"count(//*[local-name()='polyline'])\"", svg, &out), 0) << out;
  EXPECT_EQ(out, "4");
}

TEST(ChartTest, HostileLabelsAreEscaped) {
  // Given labels closing the svg and opening a script, the SVG still parses and holds no script element.
  ChartData d = Sample(25);
  const std::string evil = "</svg><script>alert(\"x\" & 'y')</script>";
  d.title = evil;
  for (auto& l : d.slot_labels) l = evil;
  for (auto& s : d.series) s.label = evil;
  d.windows[0].label = evil;
  const std::string svg = RenderChart(d);
  std::string out;
  ASSERT_EQ(Xmllint("--noout", svg, &out), 0) << out;
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(Count(svg, "</svg>"), 1);
  EXPECT_NE(svg.find("&lt;/svg&gt;&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)"),
            std::string::npos);
  ASSERT_EQ(Xmllint("--xpath \"count(//*[local-name()='script'])\"", svg, &out), 0) << out;
  EXPECT_EQ(out, "0");
}

TEST(ChartTest, ScaleCoversTheLargestValueAndTheBounds) {
  // Given values up to 150 000,5 and qmax 200 000, the top tick is 200 000 and no point lies above the plot.
  const std::string svg = RenderChart(Sample(24));
  EXPECT_NE(svg.find(">200\u202f000</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">250\u202f000</text>"), std::string::npos);
  static const std::regex kY(",(-?[0-9.]+)");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kY); it != std::sregex_iterator();
       ++it)
    EXPECT_GE(std::stod((*it)[1]), 20.0);
}

TEST(ChartTest, LegendHasRoomForManySeries) {
  // Given 30 accepted programmes, the legend stays inside the canvas and counts those it leaves out.
  ChartData d = Sample(24);
  for (int k = 0; k < 30; ++k)
    d.series.push_back({"v" + std::to_string(k), {1.0}, ChartSeries::Kind::kAccepted});
  const std::string svg = RenderChart(d);
  EXPECT_NE(svg.find("… et 21 autres"), std::string::npos);
  EXPECT_EQ(Count(svg, "<polyline"), 34);
}

TEST(ChartTest, LongLabelsAreCutInTheLegendOnly) {
  // Given a 60-character label, the legend shows its first 33 characters and an ellipsis; the series' title keeps it whole.
  ChartData d = Sample(24);
  const std::string label = "Référence (20261203-LI0002-GFQUIMP01-2, 03/12/2026 08:05:00)";
  d.series[1].label = label;
  const std::string svg = RenderChart(d);
  EXPECT_NE(svg.find("<title>" + label + "</title>"), std::string::npos);
  EXPECT_NE(svg.find(">Référence (20261203-LI0002-GFQUIM…</text>"), std::string::npos);
}

TEST(ChartTest, FormatKwhIsFrench) {
  // Quantities read French: thin spaces between thousands, a decimal comma, no trailing zeros.
  EXPECT_EQ(FormatKwh(0), "0");
  EXPECT_EQ(FormatKwh(1234567.5), "1\u202f234\u202f567,5");
  EXPECT_EQ(FormatKwh(999.125), "999,125");
  EXPECT_EQ(FormatKwh(1000), "1\u202f000");
}

}  // namespace
}  // namespace flexmail
