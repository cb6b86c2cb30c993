// The indicator timeline and shortages (RULES §5, contract §3.2.2.1 and §4).
#include "rules/indicators.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/rules/test_support.h"

namespace flexmail {
namespace {

using std::chrono::minutes;
using test::Cet;
using test::D;
using test::Dm1;
using test::OnD;

constexpr minutes kDelay{23};
constexpr IndicatorKind kQPlus = IndicatorKind::kQPlus;
constexpr Light kGreen = Light::kGreen, kRed = Light::kRed, kGrey = Light::kGrey;

Publication Pub(Light status, Instant at, std::int64_t seq, const char* mesh = "ME0005",
                IndicatorKind kind = kQPlus) {
  Publication p;
  p.mesh = mesh;
  p.kind = kind;
  p.status = status;
  p.published_at = at;
  p.seq = seq;
  return p;
}

struct Probe {
  const char* what;
  Instant t;
  Light status;
  bool known;
};

void ExpectTimeline(const std::vector<Publication>& pubs, const std::vector<Probe>& probes) {
  IndicatorTimeline tl("ME0005", kQPlus, pubs, kDelay);
  for (const auto& p : probes) {
    SCOPED_TRACE(p.what);
    AppliedLight got = tl.At(p.t, kRed);
    EXPECT_EQ(LightName(got.status), LightName(p.status));
    EXPECT_EQ(got.known, p.known);
    EXPECT_EQ(got.source.has_value(), p.known);
  }
}

TEST(Indicators, NamesAndFavourability) {
  // Names (French ones too), parsing and favourability GREEN > RED > GREY.
  EXPECT_EQ(IndicatorName(IndicatorKind::kQMinus), "Q_MINUS");
  EXPECT_EQ(IndicatorName(IndicatorKind::kQPlus), "Q_PLUS");
  EXPECT_EQ(IndicatorName(IndicatorKind::kPartial), "PARTIAL");
  EXPECT_EQ(FrenchLight(kGreen), "VERT");
  EXPECT_EQ(FrenchLight(kRed), "ROUGE");
  EXPECT_EQ(FrenchLight(kGrey), "GRIS");
  for (IndicatorKind k : kAllIndicators) {
    IndicatorKind back = IndicatorKind::kQMinus;
    ASSERT_TRUE(ParseIndicatorKind(IndicatorName(k), &back));
    EXPECT_EQ(back, k);
  }
  for (Light l : {kGreen, kRed, kGrey}) {
    Light back = kGreen;
    ASSERT_TRUE(ParseLight(LightName(l), &back));
    EXPECT_EQ(back, l);
  }
  Light l;
  IndicatorKind k;
  EXPECT_FALSE(ParseLight("GRAY", &l));
  EXPECT_FALSE(ParseLight("green", &l));
  EXPECT_FALSE(ParseIndicatorKind("Q_ZERO", &k));
  EXPECT_GT(Favourability(kGreen), Favourability(kRed));
  EXPECT_GT(Favourability(kRed), Favourability(kGrey));
}

TEST(Indicators, AppliedAtTable) {
  // A publication applies at once when strictly more favourable than the one
  // before it (or first ever), otherwise after the delay.
  struct Case {
    const char* what;
    bool has_previous;
    Light previous, now;
    minutes after;
  } cases[] = {
      {"first GREEN", false, kGreen, kGreen, minutes{0}},
      {"first RED", false, kGreen, kRed, minutes{0}},
      {"first GREY", false, kGreen, kGrey, minutes{0}},
      {"GREEN after GREEN", true, kGreen, kGreen, kDelay},
      {"RED after GREEN", true, kGreen, kRed, kDelay},
      {"GREY after GREEN", true, kGreen, kGrey, kDelay},
      {"GREEN after RED", true, kRed, kGreen, minutes{0}},
      {"RED after RED", true, kRed, kRed, kDelay},
      {"GREY after RED", true, kRed, kGrey, kDelay},
      {"GREEN after GREY", true, kGrey, kGreen, minutes{0}},
      {"RED after GREY", true, kGrey, kRed, minutes{0}},
      {"GREY after GREY", true, kGrey, kGrey, kDelay},
  };
  for (const auto& c : cases) {
    Publication prev = Pub(c.previous, OnD(9, 52), 1);
    Publication p = Pub(c.now, OnD(10, 52), 2);
    EXPECT_EQ(AppliedAt(p, c.has_previous ? &prev : nullptr, kDelay), OnD(10, 52) + c.after)
        << c.what;
  }
}

TEST(Indicators, GreenToRedIsDelayedAndNotPostponed) {
  // GREEN then RED at 10:52: the change applies at 11:15; a RED republished at
  // 11:00 does not postpone it.
  std::vector<Publication> pubs = {Pub(kGreen, Dm1(5, 52), 1), Pub(kRed, OnD(10, 52), 2),
                                   Pub(kRed, OnD(11, 0), 3)};
  ExpectTimeline(pubs, {
                           {"before any publication", Dm1(5, 51), kRed, false},
                           {"first publication applies at once", Dm1(5, 52), kGreen, true},
                           {"10:52", OnD(10, 52), kGreen, true},
                           {"11:14:59.999", OnD(11, 14, 59, 999), kGreen, true},
                           {"11:15", OnD(11, 15), kRed, true},
                           {"11:20", OnD(11, 20), kRed, true},
                           {"11:30", OnD(11, 30), kRed, true},
                       });
  IndicatorTimeline tl("ME0005", kQPlus, pubs, kDelay);
  EXPECT_EQ(tl.At(OnD(11, 15), kRed).source->published_at, OnD(10, 52));
  ASSERT_EQ(tl.publications().size(), 3u);
  EXPECT_EQ(tl.publications()[1].applied_at, OnD(11, 15));
  EXPECT_EQ(tl.publications()[2].applied_at, OnD(11, 23));
}

TEST(Indicators, RedToGreenIsImmediate) {
  // RED then GREEN at 10:52: the more favourable status applies at 10:52.
  std::vector<Publication> pubs = {Pub(kRed, OnD(9, 52), 1), Pub(kGreen, OnD(10, 52), 2)};
  ExpectTimeline(pubs, {
                           {"09:51", OnD(9, 51), kRed, false},
                           {"09:52 first RED at once", OnD(9, 52), kRed, true},
                           {"10:51:59.999", OnD(10, 51, 59, 999), kRed, true},
                           {"10:52", OnD(10, 52), kGreen, true},
                       });
}

TEST(Indicators, GreyTransitions) {
  // GREY after GREEN waits for the delay; GREEN after GREY applies at once.
  std::vector<Publication> pubs = {Pub(kGreen, Dm1(5, 52), 1), Pub(kGrey, Dm1(19, 52), 2),
                                   Pub(kGreen, Dm1(21, 52), 3)};
  ExpectTimeline(pubs, {
                           {"19:52", Dm1(19, 52), kGreen, true},
                           {"20:14", Dm1(20, 14), kGreen, true},
                           {"20:15", Dm1(20, 15), kGrey, true},
                           {"21:51", Dm1(21, 51), kGrey, true},
                           {"21:52", Dm1(21, 52), kGreen, true},
                       });
}

TEST(Indicators, LaterGreenBeatsPendingRed) {
  // A more favourable publication made while a less favourable one is pending
  // wins, even after the pending one's application time.
  std::vector<Publication> pubs = {Pub(kGreen, Dm1(5, 52), 1), Pub(kRed, OnD(10, 52), 2),
                                   Pub(kGreen, OnD(11, 5), 3)};
  ExpectTimeline(pubs, {
                           {"11:00", OnD(11, 0), kGreen, true},
                           {"11:15", OnD(11, 15), kGreen, true},
                           {"12:00", OnD(12, 0), kGreen, true},
                       });
}

TEST(Indicators, FiltersSortsAndUsesConfiguredDelay) {
  // Publications of other meshes or indicators are ignored; input order does
  // not matter; the delay is configurable.
  std::vector<Publication> pubs = {
      Pub(kRed, OnD(10, 52), 2),
      Pub(kGrey, OnD(8, 0), 3, "ME0008"),
      Pub(kGrey, OnD(8, 0), 4, "ME0005", IndicatorKind::kPartial),
      Pub(kGreen, Dm1(5, 52), 1),
  };
  IndicatorTimeline tl("ME0005", kQPlus, pubs, minutes{10});
  ASSERT_EQ(tl.publications().size(), 2u);
  EXPECT_EQ(tl.publications()[0].status, kGreen);
  EXPECT_EQ(tl.At(OnD(9, 0), kRed).status, kGreen);
  EXPECT_EQ(tl.At(OnD(11, 1), kRed).status, kGreen);
  EXPECT_EQ(tl.At(OnD(11, 2), kRed).status, kRed);

  AppliedIndicators all = IndicatorsAt("ME0005", pubs, OnD(9, 0), kDelay, kRed);
  EXPECT_EQ(all.q_plus.status, kGreen);
  EXPECT_TRUE(all.q_plus.known);
  EXPECT_EQ(all.partial.status, kGrey);
  EXPECT_FALSE(all.q_minus.known);
  EXPECT_EQ(all.q_minus.status, kRed);
  EXPECT_TRUE(all.AnyGrey());
  EXPECT_EQ(&all.Get(IndicatorKind::kQMinus), &all.q_minus);
  EXPECT_EQ(&all.Get(IndicatorKind::kPartial), &all.partial);
}

TEST(Indicators, UnknownFallsBack) {
  // Unknown indicators take the configured fallback and say they are unknown.
  IndicatorTimeline tl("ME0005", kQPlus, {}, kDelay);
  for (Light fb : {kRed, kGreen}) {
    AppliedLight got = tl.At(OnD(12, 0), fb);
    EXPECT_EQ(got.status, fb);
    EXPECT_FALSE(got.known);
    EXPECT_FALSE(got.source.has_value());
  }
}

TEST(Indicators, PendingBetweenPublicationAndApplication) {
  // nextIndicator: between 10:52 and 11:15 the coming RED is announced with
  // its application time; before and after, nothing is pending.
  std::vector<Publication> pubs = {Pub(kGreen, Dm1(5, 52), 1), Pub(kRed, OnD(10, 52), 2)};
  IndicatorTimeline tl("ME0005", kQPlus, pubs, kDelay);
  EXPECT_FALSE(tl.Pending(OnD(10, 51), kRed).has_value());
  for (Instant t : {OnD(10, 52), OnD(11, 0), OnD(11, 14, 59, 999)}) {
    auto next = tl.Pending(t, kRed);
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->status, kRed);
    EXPECT_EQ(next->applied_at, OnD(11, 15));
  }
  EXPECT_FALSE(tl.Pending(OnD(11, 15), kRed).has_value());
  EXPECT_FALSE(tl.Pending(OnD(11, 30), kRed).has_value());
}

TEST(Indicators, PendingIgnoresNonChanges) {
  // A republished RED does not move the announced switch time; a delayed
  // publication that changes nothing is not announced.
  std::vector<Publication> pubs = {Pub(kGreen, Dm1(5, 52), 1), Pub(kRed, OnD(10, 52), 2),
                                   Pub(kRed, OnD(11, 0), 3)};
  IndicatorTimeline tl("ME0005", kQPlus, pubs, kDelay);
  auto next = tl.Pending(OnD(11, 5), kRed);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, kRed);
  EXPECT_EQ(next->applied_at, OnD(11, 15));
  EXPECT_FALSE(tl.Pending(OnD(11, 16), kRed).has_value());

  IndicatorTimeline same("ME0005", kQPlus, {Pub(kGreen, Dm1(5, 52), 1), Pub(kGreen, OnD(9, 52), 2)},
                         kDelay);
  EXPECT_FALSE(same.Pending(OnD(10, 0), kRed).has_value());
}

TEST(Shortages, ShortageInForceTable) {
  // A shortage refuses programmes for its day, for its mesh (or every mesh),
  // from its declaration and from (D-1) 01:00.
  const GasDay d = D();
  const std::vector<Shortage> all_meshes = {{d, "", Dm1(20, 30)}};
  const std::vector<Shortage> provence = {{d, "ME0008", Dm1(20, 30)}};
  const std::vector<Shortage> early = {{d, "", Cet(2026, 11, 30, 12, 0)}};
  struct Case {
    const char* what;
    const std::vector<Shortage>* shortages;
    GasDay day;
    const char* mesh;
    Instant t;
    bool want;
  } cases[] = {
      {"no shortage", nullptr, d, "ME0005", OnD(12, 0), false},
      {"before declared_at", &all_meshes, d, "ME0005", Dm1(20, 29, 59, 999), false},
      {"at declared_at", &all_meshes, d, "ME0005", Dm1(20, 30), true},
      {"D-1 21:00", &all_meshes, d, "ME0005", Dm1(21, 0), true},
      {"during D", &all_meshes, d, "ME0005", OnD(23, 0), true},
      {"other day", &all_meshes, d.Next(), "ME0005", OnD(12, 0), false},
      {"previous day", &all_meshes, d.Prev(), "ME0005", Dm1(21, 0), false},
      {"its mesh", &provence, d, "ME0008", Dm1(21, 0), true},
      {"another mesh", &provence, d, "ME0005", Dm1(21, 0), false},
      {"before (D-1) 01:00", &early, d, "ME0005", Dm1(0, 59, 59, 999), false},
      {"at (D-1) 01:00", &early, d, "ME0005", Dm1(1, 0), true},
  };
  for (const auto& c : cases) {
    const std::vector<Shortage> none;
    EXPECT_EQ(ShortageInForce(c.shortages ? *c.shortages : none, c.day, c.mesh, c.t), c.want)
        << c.what;
  }
}

}  // namespace
}  // namespace flexmail
