#include <gtest/gtest.h>

#include "tests/db/ledger_test_util.h"

namespace flexmail::testing {
namespace {

class SnapshotTest : public LedgerTest {
 protected:
  // LI0001 has versions 1 and 2 on D and version 1 on D+1; LI0002 has
  // version 3 on D; ME0005 and ME0006 have publications; D and D+1 have
  // shortages.
  void SetUp() override {
    LedgerTest::SetUp();
    ASSERT_TRUE(SubmitResult(Integrated(Utc(2026, 12, 2, 9), {Programme("LI0001", D(), 1),
                                                              Programme("LI0002", D(), 3)})).ok());
    ASSERT_TRUE(SubmitResult(Integrated(Utc(2026, 12, 3, 9), {Programme("LI0001", D(), 2, 7),
                                                              Programme("LI0001", D().Next(), 1)}))
                    .ok());
    for (const char* mesh : {"ME0006", "ME0005"}) {
      Publication p = Pub(mesh, IndicatorKind::kQPlus, Light::kGreen, Utc(2026, 12, 3, 8, 52));
      ASSERT_TRUE(ledger_->PublishIndicator(&p, 23min).ok());
    }
    Publication early = Pub("ME0005", IndicatorKind::kQMinus, Light::kRed, Utc(2026, 12, 3, 7));
    ASSERT_TRUE(ledger_->PublishIndicator(&early, 23min).ok());
    ASSERT_TRUE(ledger_->DeclareShortage(Shortage{D(), "", Utc(2026, 12, 3, 6)}).ok());
    ASSERT_TRUE(ledger_->DeclareShortage(Shortage{D(), "ME0006", Utc(2026, 12, 3, 5)}).ok());
    ASSERT_TRUE(ledger_->DeclareShortage(Shortage{D().Next(), "", Utc(2026, 12, 3, 6)}).ok());
  }
};

TEST_F(SnapshotTest, ReturnsExactlyTheRequestedKeys) {
  // Given a ledger holding more than asked for, Snapshot returns the requested ids, site/days, meshes and days and nothing else.
  SnapshotKeys keys;
  keys.programme_ids = {"20261203-LI0001-CR_0042-1", "20261203-LI0001-CR_0042-9"};
  keys.site_days = {SiteDay{"LI0001", D()}, SiteDay{"LI0003", D()}};
  keys.meshes = {"ME0005"};
  keys.days = {D()};
  LedgerSnapshot snap;
  Status s = ledger_->Snapshot(keys, &snap);
  ASSERT_TRUE(s.ok()) << s.ToString();

  EXPECT_EQ(snap.existing_ids, std::set<std::string>{"20261203-LI0001-CR_0042-1"});
  EXPECT_EQ(snap.max_version, (std::map<SiteDay, int>{{SiteDay{"LI0001", D()}, 2}}));

  ASSERT_EQ(snap.references.size(), 2u);
  EXPECT_TRUE(snap.references.at(SiteDay{"LI0003", D()}).versions().empty());
  const auto& versions = snap.references.at(SiteDay{"LI0001", D()}).versions();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].effective_at, Utc(2026, 12, 2, 9));
  EXPECT_EQ(versions[0].programme_id, "20261203-LI0001-CR_0042-1");
  EXPECT_EQ(versions[0].values[23], 1023.0);
  EXPECT_EQ(versions[1].effective_at, Utc(2026, 12, 3, 9));
  EXPECT_EQ(versions[1].programme_id, "20261203-LI0001-CR_0042-2");
  EXPECT_EQ(versions[1].contract, "CR_0042");
  EXPECT_EQ(versions[1].values[0], 7.0);
  EXPECT_LT(versions[0].seq, versions[1].seq);

  ASSERT_EQ(snap.publications.size(), 2u);
  for (const Publication& p : snap.publications) EXPECT_EQ(p.mesh, "ME0005");
  EXPECT_EQ(snap.publications[0].kind, IndicatorKind::kQMinus);  // published first
  EXPECT_EQ(snap.publications[0].applied_at, Utc(2026, 12, 3, 7));
  EXPECT_EQ(snap.publications[1].kind, IndicatorKind::kQPlus);

  ASSERT_EQ(snap.shortages.size(), 2u);
  for (const Shortage& sh : snap.shortages) EXPECT_EQ(sh.gas_day, D());
  EXPECT_EQ(snap.shortages[0].mesh, "ME0006");  // declared first
  EXPECT_EQ(snap.shortages[1].mesh, "");        // every mesh
}

TEST_F(SnapshotTest, EmptyKeysGiveAnEmptySnapshot) {
  // Given no keys, the snapshot is empty whatever the ledger holds.
  LedgerSnapshot snap;
  ASSERT_TRUE(ledger_->Snapshot(SnapshotKeys{}, &snap).ok());
  EXPECT_TRUE(snap.existing_ids.empty());
  EXPECT_TRUE(snap.max_version.empty());
  EXPECT_TRUE(snap.references.empty());
  EXPECT_TRUE(snap.publications.empty());
  EXPECT_TRUE(snap.shortages.empty());
}

TEST_F(SnapshotTest, DeclarationsOnCoverTheGasDayInLocalTime) {
  // Given declarations received on either side of 06:00 Paris, DeclarationsOn lists those of the gas day only.
  std::vector<StoredDeclaration> decls;
  ASSERT_TRUE(ledger_->DeclarationsOn(D().Prev(), &decls).ok());
  ASSERT_EQ(decls.size(), 1u);  // 2 Dec 10:00 Paris belongs to gas day 2 Dec
  EXPECT_EQ(decls[0].received_at, Utc(2026, 12, 2, 9));
  ASSERT_TRUE(SubmitResult(Rejected(Utc(2026, 12, 3, 4, 59))).ok());  // 05:59 Paris: still 2 Dec
  ASSERT_TRUE(SubmitResult(Rejected(Utc(2026, 12, 3, 5))).ok());      // 06:00 Paris: 3 Dec
  ASSERT_TRUE(ledger_->DeclarationsOn(D().Prev(), &decls).ok());
  EXPECT_EQ(decls.size(), 2u);
  ASSERT_TRUE(ledger_->DeclarationsOn(D(), &decls).ok());
  ASSERT_EQ(decls.size(), 2u);
  EXPECT_EQ(decls[0].received_at, Utc(2026, 12, 3, 5));
  EXPECT_EQ(decls[0].outcome, Outcome::kRejected);
  EXPECT_EQ(decls[0].error_count, 1);
  EXPECT_EQ(decls[1].received_at, Utc(2026, 12, 3, 9));
}

}  // namespace
}  // namespace flexmail::testing
