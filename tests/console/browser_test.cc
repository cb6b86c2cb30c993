// A real browser on the real console: headless Chromium (Debian's
// `chromium`) loads the pages of a gas day filled through the command line
// (dashboard, declaration, site/day, indicators) and saves screenshots; the test checks that each rendered (an image of
// the window's size with more than a background) and that the site/day
// chart's SVG parses on its own (xmllint) with one polyline per programme
// and per version of the reference.
//
// Missing chromium, xmllint or python3 is a failure, not a skip: CI
// installs them (scripts/install-deps). FLEXMAIL_SCREENSHOT_DIR keeps the
// screenshots there (the README's image is made that way).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "console/server.h"
#include "console/pages.h"
#include "console/site_day.h"
#include "daemon/console_channel.h"
#include "tests/console/fetch.h"
#include "tests/console/xmllint.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using testing::At;
using testing::Fetch;
using testing::Flat;
using testing::Line;
using testing::Shell;
using testing::Xmllint;

constexpr int kWidth = 1280, kHeight = 1500;

std::string SourceDir() {
  const char* src = std::getenv("FLEXMAIL_SOURCE_DIR");
  return src ? src : FLEXMAIL_SOURCE_DIR_DEFAULT;
}

struct PngStats {
  int width = 0, height = 0, colours = 0;
  double drawn = 0;  // share of pixels other than the background
};

PngStats StatsOf(const std::string& png) {
  std::string out;
  EXPECT_EQ(Shell("python3 " + SourceDir() + "/tests/console/png_stats.py " + png, &out), 0)
      << png << ": " << out;
  std::istringstream in(out);
  PngStats s;
  in >> s.width >> s.height >> s.colours >> s.drawn;
  return s;
}

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock.now = At("2026-12-03T14:00:00+01:00");
    // Every indicator GREEN the day before, version 1 the day before,
    // version 2 in the morning, then Q+ and partial RED and a version 3
    // above the reference: refused.
    for (const char* kind : {"Q_MINUS", "Q_PLUS", "PARTIAL"})
      Cli({"indicators", "publish", "--mesh", "ME0005", "--indicator", kind, "--status", "GREEN",
           "--at", "2026-12-02T05:52:00+01:00"});
    Submit(1, Flat("100000"), "2026-12-01T15:00:00+01:00");
    std::vector<std::string> v2 = Flat("200000");
    for (int h = 14; h < 20; ++h) v2[h] = "250000";
    Submit(2, v2, "2026-12-03T08:05:00+01:00");
    Cli({"indicators", "publish", "--mesh", "ME0005", "--indicator", "Q_PLUS", "--status", "RED",
         "--at", "2026-12-03T09:52:00+01:00"});
    Cli({"indicators", "publish", "--mesh", "ME0005", "--indicator", "PARTIAL", "--status", "RED",
         "--at", "2026-12-03T10:52:00+01:00"});
    std::vector<std::string> v3 = v2;
    for (int h = 8; h < 14; ++h) v3[h] = "300000";
    Submit(3, v3, "2026-12-03T12:05:00+01:00");
    ASSERT_TRUE(LoadConfig(bed.config(), &config).ok());
    ASSERT_TRUE(ConsoleServer::Start(config, bed.database(), "127.0.0.1:0",
                                     DaemonConsoleSources(clock), Routes(), &server).ok());
  }
  static Router Routes() {
    Router r;
    AddStandardPages(&r);
    return r;
  }
  void Cli(std::vector<std::string> args) {
    std::string out, err;
    ASSERT_EQ(testing::RunCliIn(bed, clock, std::move(args), &out, &err), 0) << err;
  }
  void Submit(int version, const std::vector<std::string>& values, const char* at) {
    std::string csv = bed.WriteCsv("20261203", {Line("20261203", version, values)},
                                   "2026120" + std::to_string(version) + "120000");
    std::string out, err;
    // Exit 1 is a refused programme, still integrated and shown.
    int code = testing::RunCliIn(bed, clock, {"submit", csv, "--sender", "ops@engie.example",
                                              "--received-at", at}, &out, &err);
    ASSERT_TRUE(code == 0 || code == 1) << err;
  }
  // Chromium's screenshot of `path`, in the kept directory or the bed.
  std::string Screenshot(const std::string& path, const std::string& name) {
    const char* keep = std::getenv("FLEXMAIL_SCREENSHOT_DIR");
    std::string png = (keep ? std::string(keep) : bed.dir()) + "/" + name + ".png";
    std::filesystem::remove(png);
    std::string url = "http://127.0.0.1:" + std::to_string(server->port()) + path;
    std::string out;
    int code = Shell("timeout 120 chromium --headless --no-sandbox --disable-gpu "
                          "--hide-scrollbars --no-first-run --user-data-dir=" + bed.dir() +
                          "/chromium --window-size=" + std::to_string(kWidth) + "," +
                          std::to_string(kHeight) + " --screenshot=" + png + " '" + url + "'",
                     &out);
    EXPECT_EQ(code, 0) << "chromium (scripts/install-deps installs it): " << out;
    EXPECT_TRUE(std::filesystem::exists(png)) << out;
    return png;
  }
  void ExpectRendered(const std::string& png, double min_drawn) {
    PngStats s = StatsOf(png);
    EXPECT_EQ(s.width, kWidth) << png;
    EXPECT_EQ(s.height, kHeight) << png;
    EXPECT_GT(s.colours, 8) << png << ": text and colours, not a blank page";
    EXPECT_GT(s.drawn, min_drawn) << png;
  }
  testing::Testbed bed;
  testing::FixedClock clock;
  Config config;
  std::unique_ptr<ConsoleServer> server;
};

TEST_F(BrowserTest, ChromiumRendersEveryKindOfPage) {
  // Given a day of three versions, Chromium should render the dashboard, the refused declaration's page, the site/day page and the indicators into non-blank screenshots of the window's size.
  const std::string refused = "/declarations/3";  // v1, v2, v3: the third submission
  ASSERT_EQ(Fetch(server->port(), refused).status, 200);
  EXPECT_NE(Fetch(server->port(), refused).body.find("HMS_PROFILE_NOT_RESPECT"), std::string::npos);
  ExpectRendered(Screenshot("/", "dashboard"), 0.01);
  ExpectRendered(Screenshot(refused, "declaration"), 0.01);
  ExpectRendered(Screenshot("/sites/LI0001/2026-12-03", "site-day"), 0.05);
  ExpectRendered(Screenshot("/indicators?day=2026-12-03", "indicators"), 0.03);
}

TEST_F(BrowserTest, SiteDayChartParsesWithOnePolylinePerSeries) {
  // Given two versions of the reference and three programmes, the chart extracted from the page should parse on its own and hold five polylines: as many as the ledger has series.
  testing::Fetched page = Fetch(server->port(), "/sites/LI0001/2026-12-03");
  ASSERT_EQ(page.status, 200);
  size_t begin = page.body.find("<svg"), end = page.body.find("</svg>");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const std::string svg = page.body.substr(begin, end + 6 - begin);
  std::string count;
  ASSERT_EQ(Xmllint("--xpath \"count(//*[local-name()='polyline'])\"", svg, &count), 0)
      << "xmllint (libxml2-utils) must parse the chart: " << count;
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::OpenReadOnly(bed.database(), &ledger).ok());
  SiteDayData day;
  ASSERT_TRUE(GatherSiteDay(*ledger, config.referential, "LI0001", *GasDay::ParseFrench("03/12/2026"),
                            &day).ok());
  EXPECT_EQ(day.reference_versions, 2);
  ASSERT_EQ(day.programmes.size(), 3u);
  EXPECT_FALSE(day.programmes[2].accepted) << "version 3 rises above the reference under RED";
  EXPECT_EQ(std::stoi(count), 5);
  EXPECT_EQ(std::stoi(count), static_cast<int>(day.chart.series.size()));
}

}  // namespace
}  // namespace flexmail
