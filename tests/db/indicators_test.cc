#include <gtest/gtest.h>

#include "tests/db/ledger_test_util.h"

namespace flexmail::testing {
namespace {

class PublishTest : public LedgerTest {
 protected:
  Publication Publish(Light status, Instant at, IndicatorKind kind = IndicatorKind::kQPlus) {
    Publication p = Pub("ME0005", kind, status, at);
    Status s = ledger_->PublishIndicator(&p, 23min);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return p;
  }
  // The stored applied_at of every publication of ME0005, in order.
  std::vector<Instant> StoredApplied() {
    std::vector<Publication> pubs;
    EXPECT_TRUE(ledger_->Publications("ME0005", &pubs).ok());
    std::vector<Instant> out;
    for (const Publication& p : pubs) out.push_back(p.applied_at);
    return out;
  }
};

TEST_F(PublishTest, FirstPublicationAppliesAtOnce) {
  // Given no earlier publication, even a RED one applies when published.
  Publication p = Publish(Light::kRed, Utc(2026, 12, 3, 9, 52));
  EXPECT_GT(p.seq, 0);
  EXPECT_EQ(p.applied_at, Utc(2026, 12, 3, 9, 52));
}

TEST_F(PublishTest, GreenToRedIsDelayed23Minutes) {
  // Given GREEN in force, a RED published at 10:52 applies at 11:15, and republishing RED is delayed too.
  Publish(Light::kGreen, Utc(2026, 12, 3, 8, 52));
  EXPECT_EQ(Publish(Light::kRed, Utc(2026, 12, 3, 9, 52)).applied_at, Utc(2026, 12, 3, 10, 15));
  EXPECT_EQ(Publish(Light::kRed, Utc(2026, 12, 3, 10)).applied_at, Utc(2026, 12, 3, 10, 23));
  EXPECT_EQ(Publish(Light::kGrey, Utc(2026, 12, 3, 10, 52)).applied_at, Utc(2026, 12, 3, 11, 15));
}

TEST_F(PublishTest, RedToGreenIsImmediate) {
  // Given RED in force, a GREEN published at 10:52 applies at 10:52.
  Publish(Light::kRed, Utc(2026, 12, 3, 8, 52));
  EXPECT_EQ(Publish(Light::kGreen, Utc(2026, 12, 3, 9, 52)).applied_at, Utc(2026, 12, 3, 9, 52));
}

TEST_F(PublishTest, IndicatorsAndMeshesHaveSeparateTimelines) {
  // Given GREEN on Q_PLUS, a RED on Q_MINUS or on another mesh is a first publication and applies at once.
  Publish(Light::kGreen, Utc(2026, 12, 3, 8, 52));
  EXPECT_EQ(Publish(Light::kRed, Utc(2026, 12, 3, 9, 52), IndicatorKind::kQMinus).applied_at,
            Utc(2026, 12, 3, 9, 52));
  Publication other = Pub("ME0006", IndicatorKind::kQPlus, Light::kRed, Utc(2026, 12, 3, 9, 52));
  ASSERT_TRUE(ledger_->PublishIndicator(&other, 23min).ok());
  EXPECT_EQ(other.applied_at, Utc(2026, 12, 3, 9, 52));
}

TEST_F(PublishTest, OutOfOrderInsertRecomputesLaterPublications) {
  // Given RED at 10:00 then GREEN at 11:00 (immediate), inserting GREEN at 10:30 makes the 11:00 GREEN a non-improvement, stored as applying at 11:23.
  Publish(Light::kRed, Utc(2026, 12, 3, 10));
  Publish(Light::kGreen, Utc(2026, 12, 3, 11));
  Publish(Light::kRed, Utc(2026, 12, 3, 12));
  ASSERT_EQ(StoredApplied(), (std::vector<Instant>{Utc(2026, 12, 3, 10), Utc(2026, 12, 3, 11),
                                                   Utc(2026, 12, 3, 12, 23)}));
  Publication late = Publish(Light::kGreen, Utc(2026, 12, 3, 10, 30));
  EXPECT_EQ(late.applied_at, Utc(2026, 12, 3, 10, 30));
  EXPECT_EQ(StoredApplied(), (std::vector<Instant>{Utc(2026, 12, 3, 10), Utc(2026, 12, 3, 10, 30),
                                                   Utc(2026, 12, 3, 11, 23),
                                                   Utc(2026, 12, 3, 12, 23)}));
  // What is stored is what the timeline computes from scratch.
  std::vector<Publication> pubs;
  ASSERT_TRUE(ledger_->Publications("ME0005", &pubs).ok());
  IndicatorTimeline timeline("ME0005", IndicatorKind::kQPlus, pubs, 23min);
  for (size_t i = 0; i < pubs.size(); ++i) {
    EXPECT_EQ(pubs[i].applied_at, timeline.publications()[i].applied_at) << i;
  }
}

TEST_F(PublishTest, OutOfOrderInsertBeforeTheFirst) {
  // Given RED at 10:00 stored first, a GREEN inserted at 09:00 becomes the first and the RED is then a degradation, delayed to 10:23.
  Publish(Light::kRed, Utc(2026, 12, 3, 10));
  EXPECT_EQ(Publish(Light::kGreen, Utc(2026, 12, 3, 9)).applied_at, Utc(2026, 12, 3, 9));
  EXPECT_EQ(StoredApplied(), (std::vector<Instant>{Utc(2026, 12, 3, 9), Utc(2026, 12, 3, 10, 23)}));
}

TEST_F(PublishTest, EqualInstantsFollowLedgerOrder) {
  // Given GREEN and then RED published at the same instant, the RED comes after the GREEN and is delayed.
  Publish(Light::kGreen, Utc(2026, 12, 3, 10));
  Publication red = Publish(Light::kRed, Utc(2026, 12, 3, 10));
  EXPECT_EQ(red.applied_at, Utc(2026, 12, 3, 10, 23));
}

TEST_F(PublishTest, BadMeshIsInvalidInput) {
  // Given a mesh code that is not ME + 4 digits, nothing is stored and the caller is told why.
  Publication p = Pub("Provence", IndicatorKind::kQPlus, Light::kRed, Utc(2026, 12, 3, 10));
  Status s = ledger_->PublishIndicator(&p, 23min);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), "mesh \"Provence\" is not ME followed by 4 digits");
  s = ledger_->DeclareShortage(Shortage{D(), "ME5", Utc(2026, 12, 3, 10)});
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(TotalRows(RawDb(path_)), 0);
}

TEST_F(PublishTest, PublicationsFilterByMesh) {
  // Given publications of two meshes, Publications lists one mesh or all of them, in publication order.
  Publish(Light::kGreen, Utc(2026, 12, 3, 10));
  Publication other = Pub("ME0006", IndicatorKind::kQPlus, Light::kRed, Utc(2026, 12, 3, 9));
  ASSERT_TRUE(ledger_->PublishIndicator(&other, 23min).ok());
  std::vector<Publication> pubs;
  ASSERT_TRUE(ledger_->Publications("ME0005", &pubs).ok());
  ASSERT_EQ(pubs.size(), 1u);
  EXPECT_EQ(pubs[0].status, Light::kGreen);
  ASSERT_TRUE(ledger_->Publications("", &pubs).ok());
  ASSERT_EQ(pubs.size(), 2u);
  EXPECT_EQ(pubs[0].mesh, "ME0006");
  EXPECT_EQ(pubs[0].seq, other.seq);
}

TEST_F(PublishTest, PublicationsDuringKeepsWhatCanMatterInThePeriod) {
  // Given a week of publications, the period's read keeps those of the lookback and the period, the last of each indicator before them, and nothing after the period.
  const Instant from = Utc(2026, 12, 3, 5), to = Utc(2026, 12, 4, 5);
  const Instant old_q_minus = Utc(2026, 11, 25, 9);
  Publish(Light::kRed, old_q_minus, IndicatorKind::kQMinus);
  for (int day = 26; day <= 30; ++day) Publish(Light::kGreen, Utc(2026, 11, day, 9));
  const Publication last_before = Publish(Light::kRed, Utc(2026, 11, 30, 12));
  const Publication in_lookback = Publish(Light::kGreen, Utc(2026, 12, 2, 4));
  const Publication in_period = Publish(Light::kRed, Utc(2026, 12, 3, 9));
  const Publication at_end = Publish(Light::kGreen, to);
  Publish(Light::kRed, to + 1min);
  Publication other = Pub("ME0006", IndicatorKind::kQPlus, Light::kRed, Utc(2026, 12, 3, 9));
  ASSERT_TRUE(ledger_->PublishIndicator(&other, 23min).ok());
  std::vector<Publication> pubs;
  ASSERT_TRUE(ledger_->PublicationsDuring("ME0005", from, to, &pubs).ok());
  std::vector<Instant> published;
  for (const Publication& p : pubs) published.push_back(p.published_at);
  EXPECT_EQ(published, (std::vector<Instant>{old_q_minus, last_before.published_at,
                                             in_lookback.published_at, in_period.published_at,
                                             at_end.published_at}));
  EXPECT_EQ(pubs[3].applied_at, in_period.applied_at);
}

TEST_F(PublishTest, PublicationsDuringGiveTheSameTimelineAsEveryPublication) {
  // Given changes over several days, the last one just before the period, the timeline over the period's publications agrees with the whole history at every 5 minutes of the period, applicable and pending alike.
  const Light lights[] = {Light::kGreen, Light::kRed, Light::kGrey, Light::kRed, Light::kGreen};
  for (int h = 0; h < 24 * 5; h += 7) {
    Publish(lights[h % 5], Utc(2026, 11, 29, 0) + std::chrono::hours(h) + 52min);
  }
  const Instant from = Utc(2026, 12, 3, 5), to = Utc(2026, 12, 4, 5);
  // A degradation published just before the period applies within it: its
  // predecessor must be read for both the delay and what applies until then.
  Publish(Light::kGreen, from - 2h);
  Publish(Light::kRed, from - 10min);
  std::vector<Publication> all, during;
  ASSERT_TRUE(ledger_->Publications("ME0005", &all).ok());
  ASSERT_TRUE(ledger_->PublicationsDuring("ME0005", from, to, &during).ok());
  EXPECT_LT(during.size(), all.size());
  const IndicatorTimeline whole("ME0005", IndicatorKind::kQPlus, all, 23min);
  const IndicatorTimeline part("ME0005", IndicatorKind::kQPlus, during, 23min);
  for (Instant t = from; t <= to; t += 5min) {
    const AppliedLight a = whole.At(t, Light::kRed), b = part.At(t, Light::kRed);
    EXPECT_EQ(a.status, b.status) << FormatUtcIso(t);
    EXPECT_EQ(a.source->seq, b.source->seq) << FormatUtcIso(t);
    const auto pa = whole.Pending(t, Light::kRed), pb = part.Pending(t, Light::kRed);
    EXPECT_EQ(pa.has_value(), pb.has_value()) << FormatUtcIso(t);
    if (pa && pb) {
      EXPECT_EQ(pa->seq, pb->seq) << FormatUtcIso(t);
    }
  }
}

TEST_F(PublishTest, PublicationsDuringRefusesABadMeshOrPeriod) {
  // Given a mesh that is not a code (the empty "every mesh" included) or a reversed period, the read is kInvalidInput.
  std::vector<Publication> pubs;
  const Instant t = Utc(2026, 12, 3, 10);
  EXPECT_EQ(ledger_->PublicationsDuring("", t, t, &pubs).kind(), Status::Kind::kInvalidInput);
  Status s = ledger_->PublicationsDuring("ME5'--", t, t, &pubs);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), "mesh \"ME5'--\" is not ME followed by 4 digits");
  EXPECT_EQ(ledger_->PublicationsDuring("ME0005", t, t - 1min, &pubs).kind(),
            Status::Kind::kInvalidInput);
}

}  // namespace
}  // namespace flexmail::testing
