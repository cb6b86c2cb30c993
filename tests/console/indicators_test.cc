// The indicators page's data, body and timeline over a ledger filled in the
// test: bands cut where publications apply, the day's real hours, the value
// in force now, shortages, the day parameter, escaping, and SVG that
// xmllint accepts.
#include "console/html.h"
#include "console/indicators.h"

#include <gtest/gtest.h>

#include "tests/console/xmllint.h"
#include "tests/db/ledger_test_util.h"
#include "tests/console/text_search.h"

namespace flexmail::testing {
namespace {

using testing::Count;

constexpr IndicatorKind kQPlus = IndicatorKind::kQPlus;
constexpr Light kGreen = Light::kGreen, kRed = Light::kRed, kGrey = Light::kGrey;

// A Paris wall-clock time of 2026: "12-03 10:52".
Instant Paris(const std::string& text) {
  Instant t;
  std::string error;
  EXPECT_TRUE(ParseInstant("2026-" + text.substr(0, 5) + "T" + text.substr(6), &t, &error))
      << text << ": " << error;
  return t;
}


// Every <svg> element of an HTML page, as its own document.
std::vector<std::string> Svgs(const std::string& html) {
  std::vector<std::string> out;
  for (size_t at = html.find("<svg "); at != std::string::npos; at = html.find("<svg ", at + 1)) {
    const size_t end = html.find("</svg>", at);
    if (end == std::string::npos) break;
    out.push_back(html.substr(at, end + 6 - at));
  }
  return out;
}

// What `xmllint --noout` says of `xml`: nothing when it is well-formed,
// else its exit code and messages. A missing xmllint (the shell's 127) is a
// failure, never a skip.
std::string XmllintSays(const std::string& xml) {
  std::string printed;
  const int rc = Xmllint("--noout", xml, &printed);
  return rc == 0 ? "" : "exit " + std::to_string(rc) + ": " + printed;
}

Referential Meshes(const std::string& hostile_label = "Provence") {
  return Referential({Mesh{"ME0005", "Bretagne"}, Mesh{"ME0008", hostile_label}}, {}, {}, {},
                     RuleSettings{});
}

struct PubSpec {
  IndicatorKind kind;
  Light status;
  const char* at;  // Paris, "12-03 10:52"
  const char* mesh = "ME0005";
};

class IndicatorsTest : public LedgerTest {
 protected:
  void Publish(const std::vector<PubSpec>& pubs) {
    for (const PubSpec& s : pubs) {
      Publication p = Pub(s.mesh, s.kind, s.status, Paris(s.at));
      ASSERT_TRUE(ledger_->PublishIndicator(&p, 23min).ok());
    }
  }
  void Declare(GasDay day, const std::string& mesh, const char* at) {
    ASSERT_TRUE(ledger_->DeclareShortage({day, mesh, Paris(at)}).ok());
  }
  IndicatorsDayData Gather(GasDay day, Instant now) {
    IndicatorsDayData d;
    Status s = GatherIndicators(*ledger_, ref_, day, now, &d);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return d;
  }
  // The bands of one indicator of ME0005 as Paris "MM-DD HH:MM" strings.
  static std::vector<std::string> Bands(const IndicatorsDayData& d, IndicatorKind kind) {
    std::vector<std::string> out;
    for (const IndicatorBand& b : d.meshes.at(0).lines.at(static_cast<size_t>(kind)).bands) {
      out.push_back(FormatShortLocal(b.from) + " → " + FormatShortLocal(b.until) + " " +
                    std::string(LightName(b.status)) + (b.known ? "" : " (inconnu)"));
    }
    return out;
  }
  Referential ref_ = Meshes();
};

TEST_F(IndicatorsTest, BandBoundariesFollowApplicationInstants) {
  // Given each publication history of Q_PLUS, the day's bands should start where a publication takes over, as the rules apply them (23 min delay for a publication that does not improve).
  struct Case {
    const char* name;
    std::vector<PubSpec> pubs;
    std::vector<std::string> bands;
  } cases[] = {
      {"nothing published: unknown, counted as RED, all day",
       {},
       {"03/12 06:00 → 04/12 06:00 RED (inconnu)"}},
      {"the first publication applies at once",
       {{kQPlus, kRed, "12-03 10:52"}},
       {"03/12 06:00 → 03/12 10:52 RED (inconnu)", "03/12 10:52 → 04/12 06:00 RED"}},
      {"GREEN to RED applies 23 min later",
       {{kQPlus, kGreen, "12-02 20:00"}, {kQPlus, kRed, "12-03 10:52"}},
       {"03/12 06:00 → 03/12 11:15 GREEN", "03/12 11:15 → 04/12 06:00 RED"}},
      {"RED to GREEN applies at once",
       {{kQPlus, kRed, "12-02 20:00"}, {kQPlus, kGreen, "12-03 10:52"}},
       {"03/12 06:00 → 03/12 10:52 RED", "03/12 10:52 → 04/12 06:00 GREEN"}},
      {"republishing RED does not postpone the switch, and takes over when it applies",
       {{kQPlus, kGreen, "12-02 20:00"}, {kQPlus, kRed, "12-03 10:52"},
        {kQPlus, kRed, "12-03 11:00"}},
       {"03/12 06:00 → 03/12 11:15 GREEN", "03/12 11:15 → 03/12 11:23 RED",
        "03/12 11:23 → 04/12 06:00 RED"}},
      {"a RED overtaken by a later GREEN before it applies never shows",
       {{kQPlus, kGreen, "12-02 20:00"}, {kQPlus, kRed, "12-03 10:52"},
        {kQPlus, kGreen, "12-03 11:00"}},
       {"03/12 06:00 → 03/12 11:00 GREEN", "03/12 11:00 → 04/12 06:00 GREEN"}},
      {"published before the day, applying within it",
       {{kQPlus, kGreen, "12-02 20:00"}, {kQPlus, kGrey, "12-03 05:50"}},
       {"03/12 06:00 → 03/12 06:13 GREEN", "03/12 06:13 → 04/12 06:00 GREY"}},
      {"a publication of days before still applies",
       {{kQPlus, kGrey, "11-20 10:00"}, {kQPlus, kGreen, "11-25 10:00"}},
       {"03/12 06:00 → 04/12 06:00 GREEN"}},
      {"other indicators and meshes do not cut Q_PLUS",
       {{kQPlus, kGreen, "12-02 20:00"},
        {IndicatorKind::kQMinus, kRed, "12-03 09:00"},
        {kQPlus, kRed, "12-03 09:00", "ME0008"}},
       {"03/12 06:00 → 04/12 06:00 GREEN"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    ASSERT_TRUE(Ledger::Open(dir.File("case.db"), &ledger_).ok());
    Publish(c.pubs);
    EXPECT_EQ(Bands(Gather(D(), Paris("12-10 12:00")), kQPlus), c.bands);
    ledger_.reset();
  }
}

TEST_F(IndicatorsTest, PublicationApplyingTomorrowDoesNotColourToday) {
  // Given GREEN in force and a RED published at 05:50 on the last hour of the day, which applies at 06:13 the next day, today stays GREEN, the table says why, and tomorrow turns RED at 06:13.
  Publish({{kQPlus, kGreen, "12-02 20:00"}, {kQPlus, kRed, "12-04 05:50"}});
  const IndicatorsDayData today = Gather(D(), Paris("12-10 12:00"));
  EXPECT_EQ(Bands(today, kQPlus), std::vector<std::string>{"03/12 06:00 → 04/12 06:00 GREEN"});
  const IndicatorLine& line = today.meshes[0].lines[1];
  ASSERT_EQ(line.publications.size(), 1u);
  EXPECT_EQ(line.publications[0].applied_at, Paris("12-04 06:13"));
  const std::string body = IndicatorsBody(today);
  EXPECT_EQ(Count(body, "s'applique après cette journée"), 1) << body;
  EXPECT_EQ(Count(body, "class=\"band red\""), 0);
  EXPECT_EQ(Bands(Gather(D().Next(), Paris("12-10 12:00")), kQPlus),
            (std::vector<std::string>{"04/12 06:00 → 04/12 06:13 GREEN",
                                      "04/12 06:13 → 05/12 06:00 RED"}));
}

TEST_F(IndicatorsTest, ShortAndLongDaysHaveTheirRealHours) {
  // Given the 23-hour, an ordinary and the 25-hour day of 2026, the frame spans their real hours, the axis has a tick per hour labelled with the wall clock, and the single band covers the whole day.
  struct Case {
    GasDay day;
    int hours;
    int two_oclock_labels;
  } cases[] = {{Day(2026, 3, 28), 23, 0}, {D(), 24, 1}, {Day(2026, 10, 24), 25, 2}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.day.Iso());
    const IndicatorsDayData d = Gather(c.day, Paris("12-10 12:00"));
    EXPECT_EQ(d.hours, c.hours);
    EXPECT_EQ(d.frame.end - d.frame.start, std::chrono::hours(c.hours));
    const auto& bands = d.meshes[0].lines[0].bands;
    ASSERT_EQ(bands.size(), 1u);
    EXPECT_EQ(bands[0].until - bands[0].from, std::chrono::hours(c.hours));
    const std::string svg = RenderIndicatorTimeline(d.frame, d.meshes[0], "m0");
    EXPECT_EQ(Count(svg, "h</text>"), c.hours + 1);
    EXPECT_EQ(Count(svg, ">02h</text>"), c.two_oclock_labels);
    EXPECT_NE(IndicatorsBody(d).find("(" + std::to_string(c.hours) + " heures)"),
              std::string::npos);
  }
}

TEST(IndicatorsTimeTest, RepeatedHourSaysItsOffset) {
  // Given the two 02:30 of 25 October 2026, each names its offset; an ordinary instant does not.
  EXPECT_EQ(FormatShortLocal(Utc(2026, 10, 25, 0, 30)), "25/10 02:30 (UTC+2)");
  EXPECT_EQ(FormatShortLocal(Utc(2026, 10, 25, 1, 30)), "25/10 02:30 (UTC+1)");
  EXPECT_EQ(FormatShortLocal(Utc(2026, 10, 25, 2, 30)), "25/10 03:30");
  EXPECT_EQ(FormatShortLocal(Utc(2026, 3, 29, 1, 30)), "29/03 03:30");
}

TEST(IndicatorsParamTest, DayParameter) {
  // Given each query, the day is the gas day of now without "day" (before 06:00 the day before), the day given otherwise, and a bad value is kInvalidInput naming the parameter.
  const std::string message =
      "paramètre « day » invalide : attendu une journée gazière AAAA-MM-JJ (ou AAAAMMJJ) du "
      "01/01/2000 au 31/12/2099";
  struct Case {
    std::map<std::string, std::string> query;
    const char* now;
    const char* day;  // null: invalid
  } cases[] = {
      {{}, "12-03 05:59", "2026-12-02"},
      {{}, "12-03 06:00", "2026-12-03"},
      {{{"other", "x"}}, "12-31 23:00", "2026-12-31"},
      {{{"day", "2026-12-05"}}, "12-03 10:00", "2026-12-05"},
      {{{"day", "20261205"}}, "12-03 10:00", "2026-12-05"},
      {{{"day", "2000-01-01"}}, "12-03 10:00", "2000-01-01"},
      {{{"day", "2099-12-31"}}, "12-03 10:00", "2099-12-31"},
      {{{"day", ""}}, "12-03 10:00", nullptr},
      {{{"day", "2026-02-30"}}, "12-03 10:00", nullptr},
      {{{"day", "03/12/2026"}}, "12-03 10:00", nullptr},
      {{{"day", "1999-12-31"}}, "12-03 10:00", nullptr},
      {{{"day", "2100-01-01"}}, "12-03 10:00", nullptr},
      {{{"day", "2026-12-03 "}}, "12-03 10:00", nullptr},
      {{{"day", std::string(2000, '9')}}, "12-03 10:00", nullptr},
      {{{"day", "<script>"}}, "12-03 10:00", nullptr},
  };
  for (const Case& c : cases) {
    const std::string asked = c.query.count("day") ? c.query.at("day").substr(0, 20) : "(none)";
    SCOPED_TRACE(asked);
    GasDay day;
    Status s = IndicatorsDayParam(c.query, Paris(c.now), &day);
    if (c.day) {
      ASSERT_TRUE(s.ok()) << s.ToString();
      EXPECT_EQ(day.Iso(), c.day);
    } else {
      EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
      EXPECT_EQ(s.message(), message);
    }
  }
}

TEST_F(IndicatorsTest, InForceValueAndNextChangeOnlyToday) {
  // Given GREEN in force and a RED published at 10:52, at 11:05 GREEN is in force and RED is next at 11:15; at 11:20 RED is in force with nothing next; another day shows neither.
  Publish({{kQPlus, kGreen, "12-02 20:00"}, {kQPlus, kRed, "12-03 10:52"}});
  IndicatorsDayData d = Gather(D(), Paris("12-03 11:05"));
  ASSERT_TRUE(d.frame.now);
  const IndicatorLine& before = d.meshes[0].lines[1];
  ASSERT_TRUE(before.now && before.now->known);
  EXPECT_EQ(before.now->status, kGreen);
  ASSERT_TRUE(before.next);
  EXPECT_EQ(before.next->status, kRed);
  EXPECT_EQ(before.next->applied_at, Paris("12-03 11:15"));
  EXPECT_FALSE(d.meshes[0].lines[0].now->known);
  std::string body = IndicatorsBody(d);
  EXPECT_NE(body.find("Q→Q+ (hausses) : <strong>VERT (GREEN)</strong> (publié le "),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("prochain changement : ROUGE (RED) dès <time "
                      "datetime=\"2026-12-03T11:15:00.000+01:00\">03/12 11:15</time>"),
            std::string::npos);
  EXPECT_NE(body.find("Q→Q− (baisses) : <strong>inconnu</strong>, compte comme ROUGE (RED) ;"),
            std::string::npos);
  EXPECT_EQ(Count(body, "<g class=\"now\">"), 2);  // one per mesh
  EXPECT_EQ(Count(body, "<g class=\"publication next\">"), 1);

  d = Gather(D(), Paris("12-03 11:20"));
  EXPECT_EQ(d.meshes[0].lines[1].now->status, kRed);
  EXPECT_FALSE(d.meshes[0].lines[1].next);
  EXPECT_NE(IndicatorsBody(d).find("aucun changement publié à venir"), std::string::npos);

  d = Gather(D().Next(), Paris("12-03 11:05"));
  EXPECT_FALSE(d.frame.now);
  EXPECT_FALSE(d.meshes[0].lines[1].now);
  body = IndicatorsBody(d);
  EXPECT_EQ(body.find("En vigueur maintenant"), std::string::npos);
  EXPECT_EQ(body.find("class=\"now\""), std::string::npos);
}

TEST_F(IndicatorsTest, AnEndedShortageStopsWhereItEnded) {
  // Given a shortage of every mesh ended for ME0005 only, ME0005's band stops at the end (marked) while ME0008's runs on, and "now" after the end says no shortage for ME0005.
  Declare(D(), "", "12-03 09:00");
  ASSERT_TRUE(ledger_->DeclareShortage({D(), "ME0005", Paris("12-03 11:00"), true}).ok());
  const IndicatorsDayData d = Gather(D(), Paris("12-03 12:00"));
  ASSERT_EQ(d.meshes[0].shortages.size(), 1u);
  EXPECT_EQ(d.meshes[0].shortages[0].ended, Paris("12-03 11:00"));
  EXPECT_FALSE(d.meshes[1].shortages[0].ended);
  const std::string body = IndicatorsBody(d);
  EXPECT_EQ(Count(body, "Fin de la pénurie le "), 1);
  EXPECT_EQ(Count(body, " jusqu&#39;au "), 1) << body;
  EXPECT_EQ(Count(body, "Pénurie : <strong>en vigueur</strong>"), 1);
  EXPECT_EQ(Count(body, "<li>Pénurie : aucune</li>"), 1);
}

TEST_F(IndicatorsTest, ShortagesOfTheMeshAndOfEveryMesh) {
  // Given a shortage of every mesh, one of ME0008 declared the day before, and one of another day, each mesh gets those for it, applying from when the rules start refusing.
  Declare(D(), "", "12-03 09:00");
  Declare(D(), "ME0008", "12-01 20:00");
  Declare(D().Next(), "ME0005", "12-03 10:00");
  const IndicatorsDayData d = Gather(D(), Paris("12-03 10:00"));
  ASSERT_EQ(d.meshes[0].shortages.size(), 1u);
  ASSERT_EQ(d.meshes[1].shortages.size(), 2u);
  EXPECT_EQ(d.meshes[0].shortages[0].applies_from, Paris("12-03 09:00"));
  // Declared before (D-1) 01:00, it refuses from then on.
  EXPECT_EQ(d.meshes[1].shortages[0].applies_from, Paris("12-02 01:00"));
  // The rules agree: nothing refused just before the first of them, refused from it on.
  std::vector<Shortage> all;
  ASSERT_TRUE(ledger_->Shortages(&all).ok());
  for (const MeshTimeline& m : d.meshes) {
    Instant first = m.shortages.front().applies_from;
    for (const ShortageSpan& s : m.shortages) first = std::min(first, s.applies_from);
    EXPECT_FALSE(ShortageInForce(all, D(), m.code, first - 1ms)) << m.code;
    EXPECT_TRUE(ShortageInForce(all, D(), m.code, first)) << m.code;
  }
  const std::string body = IndicatorsBody(d);
  EXPECT_EQ(Count(body, "<g class=\"shortage\">"), 2);
  EXPECT_EQ(Count(body, "<g class=\"declaration\">"), 3);
  EXPECT_EQ(Count(body, "PÉNURIE (toutes les mailles)"), 2);
  EXPECT_EQ(Count(body, "PÉNURIE (maille ME0008)"), 1);
  EXPECT_EQ(Count(body, "Pénurie : <strong>en vigueur</strong>"), 2);
}

TEST_F(IndicatorsTest, TableListsEveryPublicationWithItsPeriod) {
  // Given an unknown start, a GREEN, a RED and a RED overtaken before it applies, the table has a row for each with its value, publication and application instants and end or reason.
  Publish({{kQPlus, kGreen, "12-03 07:00"}, {kQPlus, kRed, "12-03 10:52"},
           {kQPlus, kGreen, "12-03 11:00"}, {kQPlus, kRed, "12-03 11:01"}});
  const std::string body = IndicatorsBody(Gather(D(), Paris("12-10 12:00")));
  auto time = [](const char* iso, const char* shown) {
    return std::string("<time datetime=\"2026-12-") + iso + ":00.000+01:00\">" + shown + "</time>";
  };
  const std::string rows[] = {
      "<tr><th scope=\"row\">Q→Q+ (hausses)</th><td>inconnue, compte comme ROUGE (RED)</td>"
      "<td>aucune publication</td><td>" + time("03T06:00", "03/12 06:00") + "</td><td>" +
          time("03T07:00", "03/12 07:00") + "</td></tr>",
      "<tr><th scope=\"row\">Q→Q+ (hausses)</th><td>VERT (GREEN)</td><td>" +
          time("03T07:00", "03/12 07:00") + "</td><td>" + time("03T07:00", "03/12 07:00") +
          "</td><td>" + time("03T11:00", "03/12 11:00") + "</td></tr>",
      "<tr><th scope=\"row\">Q→Q+ (hausses)</th><td>ROUGE (RED)</td><td>" +
          time("03T10:52", "03/12 10:52") + "</td><td>" + time("03T11:15", "03/12 11:15") +
          "</td><td>sans effet : une publication plus récente s'applique déjà</td></tr>",
      "<tr><th scope=\"row\">Q→Q+ (hausses)</th><td>VERT (GREEN)</td><td>" +
          time("03T11:00", "03/12 11:00") + "</td><td>" + time("03T11:00", "03/12 11:00") +
          "</td><td>" + time("03T11:24", "03/12 11:24") + "</td></tr>",
      "<tr><th scope=\"row\">Q→Q+ (hausses)</th><td>ROUGE (RED)</td><td>" +
          time("03T11:01", "03/12 11:01") + "</td><td>" + time("03T11:24", "03/12 11:24") +
          "</td><td>fin de journée (" + time("04T06:00", "04/12 06:00") + ")</td></tr>",
  };
  size_t at = 0;
  for (const std::string& row : rows) {
    const size_t found = body.find(row, at);
    ASSERT_NE(found, std::string::npos) << row << "\n" << body;
    at = found;
  }
  EXPECT_EQ(Count(body, "<g class=\"publication"), 4);
  EXPECT_EQ(Count(body, "<tr>"), 7 + 3 + 2);  // ME0005's rows, ME0008's unknown ones, headers
}

TEST_F(IndicatorsTest, BandsAreNamedNotOnlyColoured) {
  // Given a GREEN, a RED and a GREY band wide enough and a narrow one, each carries its French name (the narrow one its initial) and a pattern or outline besides its colour.
  Publish({{kQPlus, kGreen, "12-02 20:00"}, {kQPlus, kRed, "12-03 08:00"},
           {kQPlus, kGrey, "12-03 12:00"}, {kQPlus, kGreen, "12-03 13:00"}});
  const IndicatorsDayData d = Gather(D(), Paris("12-10 12:00"));
  auto named = [](const std::string& svg, const std::string& name) {
    return Count(svg, "text-anchor=\"middle\">" + name + "</text>");
  };
  const std::string svg = RenderIndicatorTimeline(d.frame, d.meshes[0], "m7");
  EXPECT_EQ(Count(svg, "<g class=\"band green\">"), 2);
  EXPECT_EQ(Count(svg, "<g class=\"band red\">"), 1);
  EXPECT_EQ(Count(svg, "<g class=\"band grey\">"), 1);
  EXPECT_EQ(Count(svg, "<g class=\"band unknown\">"), 2);  // Q_MINUS and PARTIAL
  EXPECT_EQ(named(svg, "VERT"), 2);
  EXPECT_EQ(named(svg, "ROUGE"), 1);
  EXPECT_EQ(named(svg, "GRIS"), 0);
  EXPECT_EQ(named(svg, "G"), 1);  // 12:23 to 13:00: room for its initial only
  EXPECT_EQ(named(svg, "INCONNU"), 2);
  EXPECT_EQ(Count(svg, "fill=\"url(#m7-red)\""), 2);  // band and legend
  EXPECT_EQ(Count(svg, "fill=\"url(#m7-grey)\""), 2);
  EXPECT_EQ(Count(svg, "<pattern id=\"m7-"), 3);
}

TEST_F(IndicatorsTest, HostileMeshAndLabelAreEscaped) {
  // Given a referential whose mesh code and label hold markup, the page shows them escaped only and its SVG stays well-formed.
  ref_ = Referential({Mesh{"ME<b>1", "<script>alert(1)</script> & \"Co\""}}, {}, {}, {},
                     RuleSettings{});
  const IndicatorsDayData d = Gather(D(), Paris("12-03 10:00"));
  ASSERT_EQ(d.meshes.size(), 1u);
  const std::string body = IndicatorsBody(d);
  EXPECT_EQ(body.find("<script"), std::string::npos);
  EXPECT_EQ(body.find("<b>"), std::string::npos);
  EXPECT_NE(body.find("Maille ME&lt;b&gt;1 — &lt;script&gt;alert(1)&lt;/script&gt; &amp; "
                      "&quot;Co&quot;</h2>"),
            std::string::npos)
      << body;
  const std::vector<std::string> svgs = Svgs(body);
  ASSERT_EQ(svgs.size(), 1u);
  EXPECT_EQ(XmllintSays(svgs[0]), "") << svgs[0];
}

TEST_F(IndicatorsTest, EverySvgOfAFullPageIsWellFormedXml) {
  // Given a day with every kind of band, markers, shortages, now and a label with markup, each SVG of the page is a document xmllint accepts, in the SVG namespace; a broken one is refused (the check can fail).
  ref_ = Meshes("Provence <Sud> & Côte d'Azur");
  Publish({{kQPlus, kGreen, "12-02 20:00"}, {kQPlus, kRed, "12-03 08:00"},
           {kQPlus, kGrey, "12-03 12:00"}, {IndicatorKind::kPartial, kRed, "12-03 13:00"},
           {kQPlus, kRed, "12-03 14:00", "ME0008"}, {kQPlus, kGreen, "12-04 05:59"}});
  Declare(D(), "", "12-03 15:00");
  const std::string body = IndicatorsBody(Gather(D(), Paris("12-03 12:10")));
  const std::vector<std::string> svgs = Svgs(body);
  ASSERT_EQ(svgs.size(), 2u);
  for (const std::string& svg : svgs) {
    EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" ", 0), 0u);
    EXPECT_EQ(XmllintSays(svg), "") << svg;
  }
  EXPECT_NE(XmllintSays(svgs[0].substr(0, svgs[0].size() - 6)), "");
  EXPECT_NE(XmllintSays("<svg><g></svg>"), "");
}

TEST_F(IndicatorsTest, LinksToThePreviousAndNextDays) {
  // Given a day, the body links to the day before and the day after, and the title names the day.
  const IndicatorsDayData d = Gather(D(), Paris("12-03 10:00"));
  EXPECT_EQ(IndicatorsTitle(d), "Indicateurs — 03/12/2026");
  const std::string body = IndicatorsBody(d);
  EXPECT_NE(body.find("<a href=\"/indicators?day=2026-12-02\" rel=\"prev\">"), std::string::npos);
  EXPECT_NE(body.find("<a href=\"/indicators?day=2026-12-04\" rel=\"next\">"), std::string::npos);
  const std::string last = IndicatorsBody(Gather(Day(2099, 12, 31), Paris("12-03 10:00")));
  EXPECT_EQ(last.find("rel=\"next\""), std::string::npos);
  EXPECT_NE(last.find("rel=\"prev\""), std::string::npos);
}

TEST_F(IndicatorsTest, PageAnswersThroughTheRouter) {
  // Given the standard routes, /indicators answers 200 with the day of now, and 400 in French naming "day" for a bad value.
  Config config;
  config.referential = ref_;
  Router router;
  AddIndicatorPages(&router);
  ConsoleContext ctx{config, *ledger_, Paris("12-03 05:30")};
  HttpResponse ok = router.Handle(ctx, HttpRequest{"GET", "/indicators", {}, 0});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.content_type, kHtmlType);
  EXPECT_NE(ok.body.find("<title>Indicateurs — 02/12/2026 — flexmail</title>"), std::string::npos);
  HttpResponse bad =
      router.Handle(ctx, HttpRequest{"GET", "/indicators", {{"day", "2026-13-01"}}, 14});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("paramètre « day » invalide : attendu une journée gazière AAAA-MM-JJ"),
            std::string::npos)
      << bad.body;
}

}  // namespace
}  // namespace flexmail::testing
