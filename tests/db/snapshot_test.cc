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

// Versions of LI0001 on D, one per submit: versions 1 and 2 long before,
// 3..12 each minute from 10:50 UTC, 13 at 10:59:59.999 (1 ms before the
// 11:00 UTC slot starts), 14 at 11:00:00.000, 15..34 every 2 minutes from
// 11:01, 35 and 36 both at 11:40 and 37 at 11:45. Version v has values
// 1000 v + i.
class InForceSnapshotTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    std::vector<Instant> at = {Utc(2026, 12, 2, 9), Utc(2026, 12, 3, 7)};
    for (int m = 50; m <= 59; ++m) at.push_back(Utc(2026, 12, 3, 10, m));
    at.push_back(Utc(2026, 12, 3, 10, 59) + 59s + 999ms);
    at.push_back(Utc(2026, 12, 3, 11));
    for (int m = 1; m <= 39; m += 2) at.push_back(Utc(2026, 12, 3, 11, m));
    for (int m : {40, 40, 45}) at.push_back(Utc(2026, 12, 3, 11, m));
    ASSERT_EQ(at.size(), 37u);
    for (int v = 1; v <= 37; ++v) {
      Status s = SubmitResult(Integrated(at[v - 1], {Programme("LI0001", D(), v, 1000.0 * v)}));
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  }

  // The stored id of the reference version set by `version`.
  std::int64_t IdOf(int version) {
    return std::stoll(RawDb(path_).One(
        "SELECT r.id FROM reference_versions r JOIN programmes p ON p.id = r.programme_id"
        " WHERE p.version = " + std::to_string(version)));
  }
};

struct InForceCase {
  const char* what;
  Instant at;
  std::vector<Instant> instants;
  std::vector<int> versions;  // expected, in effect order
};

TEST_F(InForceSnapshotTest, KeepsOnlyTheVersionsInForceAtTheAskedInstants) {
  // Given many versions within the hour before `at`, a bounded snapshot
  // holds, once each, the version in force at `at` and at each asked instant
  // (the last by effective_at then id, effective exactly at it included),
  // with its values; none after `at`.
  const Instant budget = Utc(2026, 12, 3, 10, 59) + 59s + 999ms;
  const InForceCase cases[] = {
      {"the rules' instants at 11:40 UTC", Utc(2026, 12, 3, 11, 40),
       ReferenceInstantsOf(Utc(2026, 12, 3, 11, 40)), {13, 36}},
      {"ReferenceInstantsOf names the budget instant", Utc(2026, 12, 3, 11, 40), {budget},
       {13, 36}},
      {"at the slot start: the version effective exactly then", Utc(2026, 12, 3, 11), {budget},
       {13, 14}},
      {"no instant: `at` is always asked", Utc(2026, 12, 3, 11, 44), {}, {36}},
      {"one version in force at both", Utc(2026, 12, 3, 9), {Utc(2026, 12, 3, 8)}, {2}},
      {"the day before", Utc(2026, 12, 2, 23), {Utc(2026, 12, 2, 9)}, {1}},
      {"before any version", Utc(2026, 12, 2, 8), {Utc(2026, 12, 1, 8)}, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    SnapshotKeys keys;
    keys.site_days = {SiteDay{"LI0001", D()}, SiteDay{"LI0001", D().Next()}};
    keys.at = c.at;
    keys.reference_instants = c.instants;
    LedgerSnapshot snap;
    Status s = ledger_->Snapshot(keys, &snap);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(snap.references.at(SiteDay{"LI0001", D().Next()}).versions().empty());
    const auto& got = snap.references.at(SiteDay{"LI0001", D()}).versions();
    ASSERT_EQ(got.size(), c.versions.size());
    for (size_t k = 0; k < got.size(); ++k) {
      const int v = c.versions[k];
      EXPECT_EQ(got[k].seq, IdOf(v));
      EXPECT_EQ(got[k].programme_id, "20261203-LI0001-CR_0042-" + std::to_string(v));
      EXPECT_EQ(got[k].contract, "CR_0042");
      EXPECT_EQ(got[k].values[0], 1000.0 * v);
      EXPECT_EQ(got[k].values[23], 1000.0 * v + 23);
    }
  }
}

TEST_F(InForceSnapshotTest, UnboundedKeysReadEveryVersion) {
  // Given keys without `at`, the snapshot holds the whole history, in effect
  // order (35 before 36 at the same instant), as ReferenceHistoryOf does.
  SnapshotKeys keys;
  keys.site_days = {SiteDay{"LI0001", D()}};
  keys.reference_instants = {Utc(2026, 12, 3, 11, 40)};  // ignored without `at`
  LedgerSnapshot snap;
  ASSERT_TRUE(ledger_->Snapshot(keys, &snap).ok());
  const auto& got = snap.references.at(SiteDay{"LI0001", D()}).versions();
  ReferenceHistory whole;
  ASSERT_TRUE(ledger_->ReferenceHistoryOf(SiteDay{"LI0001", D()}, &whole).ok());
  ASSERT_EQ(got.size(), 37u);
  ASSERT_EQ(whole.versions().size(), 37u);
  for (int v = 1; v <= 37; ++v) {
    EXPECT_EQ(got[v - 1].seq, IdOf(v)) << v;
    EXPECT_EQ(whole.versions()[v - 1].seq, IdOf(v)) << v;
  }
}

}  // namespace
}  // namespace flexmail::testing
