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

}  // namespace
}  // namespace flexmail::testing
