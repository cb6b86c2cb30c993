// The ledger fed by the real parser and rules: what they produce must fit
// the schema's constraints and read back the same.
#include <gtest/gtest.h>

#include <sstream>

#include "parser/csv.h"
#include "tests/db/ledger_test_util.h"

namespace flexmail::testing {
namespace {

const char kSender[] = "ops@quimper.example";

Referential QuimperReferential() {
  return Referential({Mesh{"ME0005", "Bretagne"}}, {Site{"LI0001", "Quimper", "ME0005", "EDF", 1}},
                     {Contract{"GFQUIMP01", {ContractSite{"LI0001", 0, 1000000, 0}}}},
                     {Shipper{"Quimper", {kSender}, {"LI0001"}, {}}}, RuleSettings{});
}

// One CSV for gas day D holding `version` with the given 24 values.
RawFile Csv(int version, const std::vector<int>& values) {
  std::string text = "DECLARATIONS_CCG;02/12/2026;150000;UPLOAD;PROD;03/12/2026;03/12/2026\r\n";
  text += "20261203-LI0001-GFQUIMP01-" + std::to_string(version) +
          ";03/12/2026;LI0001;Quimper;02/12/2026;150000;02/12/2026;150000;0;1000000";
  for (int v : values) text += ";" + std::to_string(v);
  return RawFile{FileName(D()), text + "\r\n"};
}

class PipelineTest : public LedgerTest {
 protected:
  Status Submit(Instant t, const RawFile& file, DeclarationResult* out) {
    ParsedDeclaration parsed;
    ParseDeclarationFile(file, &parsed);
    DeclarationEnvelope env{kSender, t, "cli", {file}, std::nullopt};
    std::int64_t id = 0;
    return ledger_->Submit(env, SnapshotKeysOf(parsed, ref_, t), [&](const LedgerSnapshot& snap) {
      return EvaluateDeclaration(parsed, kSender, t, ref_, snap);
    }, out, &id);
  }
  void Publish(IndicatorKind kind, Light status, Instant at) {
    Publication p = Pub("ME0005", kind, status, at);
    ASSERT_TRUE(ledger_->PublishIndicator(&p, 23min).ok());
  }
  Referential ref_ = QuimperReferential();
};

TEST_F(PipelineTest, ExampleARefusalIsStoredWithItsIndicators) {
  // Given worked example A (Q_PLUS and PARTIAL red), the refused version 2 is stored with its hours and the publications that refused it, and the reference stays version 1.
  for (IndicatorKind k : kAllIndicators) Publish(k, Light::kGreen, Utc(2026, 12, 2, 4, 52));
  DeclarationResult r;
  Status s = Submit(Utc(2026, 12, 2, 14), Csv(1, std::vector<int>(24, 100)), &r);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(r.outcome, Outcome::kIntegrated);
  Publish(IndicatorKind::kQPlus, Light::kRed, Utc(2026, 12, 3, 8, 52));
  Publish(IndicatorKind::kPartial, Light::kRed, Utc(2026, 12, 3, 9, 52));
  std::vector<int> v2(24, 100);
  v2[7] = 90;
  for (int i = 8; i <= 13; ++i) v2[i] = 110;
  ASSERT_TRUE(Submit(Utc(2026, 12, 3, 11, 5), Csv(2, v2), &r).ok());
  ASSERT_EQ(r.programmes.size(), 1u);
  ASSERT_FALSE(r.programmes[0].accepted);

  Reopen();
  std::vector<StoredProgramme> stored;
  ASSERT_TRUE(ledger_->ProgrammesOf(SiteDay{"LI0001", D()}, &stored).ok());
  ASSERT_EQ(stored.size(), 2u);
  const ProgrammeResult& refused = stored[1].result;
  EXPECT_EQ(refused.raw_id, "20261203-LI0001-GFQUIMP01-2");
  EXPECT_FALSE(refused.accepted);
  ASSERT_EQ(refused.violations.size(), 1u);
  EXPECT_EQ(refused.violations[0].code, Code::HMS_PROFILE_NOT_RESPECT_QMAX_DELAY);
  EXPECT_EQ(refused.violations[0].slots, (std::vector<int>{8, 9, 10, 11}));
  EXPECT_EQ(refused.comment, r.programmes[0].comment);
  EXPECT_EQ(refused.created, r.programmes[0].created);
  ASSERT_TRUE(refused.indicators.q_plus.source.has_value());
  EXPECT_EQ(refused.indicators.q_plus.source->status, Light::kRed);
  EXPECT_EQ(refused.indicators.q_plus.source->published_at, Utc(2026, 12, 3, 8, 52));
  EXPECT_EQ(refused.indicators.partial.status, Light::kRed);

  ReferenceHistory history;
  ASSERT_TRUE(ledger_->ReferenceHistoryOf(SiteDay{"LI0001", D()}, &history).ok());
  ASSERT_EQ(history.versions().size(), 1u);
  EXPECT_EQ(history.versions()[0].programme_id, "20261203-LI0001-GFQUIMP01-1");
  EXPECT_EQ(RawDb(path_).One("SELECT codes FROM v_programmes WHERE version = 2"),
            "HMS_PROFILE_NOT_RESPECT_QMAX_DELAY (14h00, 15h00, 16h00, 17h00)");
}

TEST_F(PipelineTest, ResentIdIsRejectedAndOnlyRecorded) {
  // Given version 1 integrated, sending it again is rejected with HMS_PROFILE_ID_ALREADY_EXISTS and only the rejection is recorded.
  DeclarationResult r;
  ASSERT_TRUE(Submit(Utc(2026, 12, 2, 14), Csv(1, std::vector<int>(24, 100)), &r).ok());
  ASSERT_TRUE(Submit(Utc(2026, 12, 2, 15), Csv(1, std::vector<int>(24, 100)), &r).ok());
  EXPECT_EQ(r.outcome, Outcome::kRejected);
  RawDb raw(path_);
  EXPECT_EQ(raw.Rows("SELECT outcome, errors FROM v_declarations"),
            (std::vector<std::vector<std::string>>{{"INTEGRATED", "0"}, {"REJECTED", "1"}}));
  EXPECT_EQ(raw.One("SELECT code FROM v_errors WHERE severity = 'ERROR'"),
            "HMS_PROFILE_ID_ALREADY_EXISTS");
  EXPECT_EQ(raw.Count("programmes"), 1);
  EXPECT_EQ(raw.Count("reference_versions"), 1);
}

// What a declaration's judging says, stores and shows: the verdict of each
// programme, the reference updates, and the reference of each touched key
// in force at t once they apply (what the reply shows, as daemon/engine.cc
// FillAfter builds it from the snapshot).
std::string Describe(const ReferenceVersion* v) {
  if (!v) return "none";
  std::ostringstream os;
  os << v->seq << " " << FormatUtcIso(v->effective_at) << " " << v->programme_id << " "
     << v->contract;
  for (const auto& q : v->values) os << " " << (q ? *q : -1);
  return os.str();
}

std::string Describe(const DeclarationResult& r, const LedgerSnapshot& seen) {
  std::ostringstream os;
  os << OutcomeName(r.outcome) << " " << r.errors.size() << " errors\n";
  for (const auto& p : r.programmes) {
    os << p.raw_id << " accepted=" << p.accepted << " path=" << static_cast<int>(p.path) << " "
       << p.comment << "\n";
  }
  for (const auto& u : r.updates) os << "update " << Describe(&u.version) << "\n";
  for (const auto& key : r.touched) {
    auto it = seen.references.find(key);
    ReferenceHistory shown = it == seen.references.end() ? ReferenceHistory() : it->second;
    for (const auto& u : r.updates) {
      if (u.key == key) shown.Add(u.version);
    }
    os << "shown " << Describe(shown.InForceAt(r.received_at)) << "\n";
  }
  return os.str();
}

// The same declarations judged by two ledgers: ledger_ with the keys the
// daemon uses (SnapshotKeysOf: only the reference versions in force at the
// rules' instants), whole_ with every reference version (keys without `at`).
// Publications are made in time order, so `at` bounds nothing else here.
class PreciseSnapshotTest : public PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    Status s = Ledger::Open(dir_.File("whole.db"), &whole_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void TearDown() override {
    whole_.reset();
    PipelineTest::TearDown();
  }
  void PublishBoth(IndicatorKind kind, Light status, Instant at) {
    for (Ledger* l : {ledger_.get(), whole_.get()}) {
      Publication p = Pub("ME0005", kind, status, at);
      ASSERT_TRUE(l->PublishIndicator(&p, 23min).ok());
    }
  }
  // Judges version `version` at t on both ledgers; expects the same verdict.
  DeclarationResult JudgeBoth(Instant t, int version, const std::vector<int>& values) {
    const RawFile file = Csv(version, values);
    LedgerSnapshot precise_seen, whole_seen;
    DeclarationResult precise = JudgeOn(ledger_.get(), true, t, file, &precise_seen);
    DeclarationResult whole = JudgeOn(whole_.get(), false, t, file, &whole_seen);
    EXPECT_EQ(Describe(precise, precise_seen), Describe(whole, whole_seen))
        << "version " << version << " at " << FormatUtcIso(t);
    EXPECT_LE(precise_seen.references.at(SiteDay{"LI0001", D()}).versions().size(), 2u);
    return precise;
  }
  // Every stored programme and reference version of LI0001 on D.
  std::string Stored(Ledger* l) {
    std::vector<StoredProgramme> programmes;
    ReferenceHistory history;
    EXPECT_TRUE(l->ProgrammesOf(SiteDay{"LI0001", D()}, &programmes).ok());
    EXPECT_TRUE(l->ReferenceHistoryOf(SiteDay{"LI0001", D()}, &history).ok());
    std::ostringstream os;
    for (const auto& p : programmes) {
      os << p.result.raw_id << " " << p.result.accepted << " " << p.result.comment << "\n";
    }
    for (const auto& v : history.versions()) os << Describe(&v) << "\n";
    return os.str();
  }

  std::unique_ptr<Ledger> whole_;

 private:
  DeclarationResult JudgeOn(Ledger* l, bool precise, Instant t, const RawFile& file,
                            LedgerSnapshot* seen) {
    ParsedDeclaration parsed;
    ParseDeclarationFile(file, &parsed);
    SnapshotKeys keys = SnapshotKeysOf(parsed, ref_, t);
    if (!precise) {
      keys.at.reset();
      keys.reference_instants.clear();
    }
    DeclarationResult out;
    std::int64_t id = 0;
    Status s = l->Submit(DeclarationEnvelope{kSender, t, "cli", {file}, std::nullopt}, keys,
                         [&](const LedgerSnapshot& snap) {
                           *seen = snap;
                           return EvaluateDeclaration(parsed, kSender, t, ref_, snap);
                         }, &out, &id);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
};

// 24 values: `base` everywhere, `at_hour` at some wall-clock hours.
std::vector<int> Values(int base, std::initializer_list<std::pair<int, int>> at_hour = {}) {
  std::vector<int> v(24, base);
  for (auto [hour, value] : at_hour) v[(hour + 18) % 24] = value;
  return v;
}

// An instant of D (3 Dec 2026, CET) with milliseconds.
Instant OnD(int h, int min, int sec = 0, int ms = 0) {
  return Utc(2026, 12, 3, h - 1, min) + std::chrono::seconds{sec} +
         std::chrono::milliseconds{ms};
}

TEST_F(PreciseSnapshotTest, SameVerdictsAndReferencesAsTheWholeHistory) {
  // Given a burst of versions within minutes, with Q+ red and the partial
  // budget green, judging on the versions in force at the rules' instants
  // gives the verdicts, updates, shown references and stored rows of the
  // whole history; the budget reads the version in force 1 ms before the
  // current slot, not one effective exactly at its start.
  for (IndicatorKind k : kAllIndicators) PublishBoth(k, Light::kGreen, Utc(2026, 12, 2, 4, 52));
  EXPECT_EQ(JudgeBoth(Utc(2026, 12, 2, 14), 1, Values(300000)).programmes.at(0).path,
            FeasibilityPath::kEmptyWindow);  // D has not started
  PublishBoth(IndicatorKind::kQPlus, Light::kRed, Utc(2026, 12, 3, 5));

  // Before 12:15 the budget is 800 000 over the reference at 10:59:59.999
  // (v2: 310 000 from 10h): a window of 6 x 500 000 is over it.
  JudgeBoth(OnD(10, 30), 2, Values(310000));
  const int burst[] = {340000, 290000, 500000, 330000, 350000, 300000};
  const Instant burst_at[] = {OnD(11, 20), OnD(11, 30), OnD(11, 40),
                              OnD(11, 50), OnD(11, 55), OnD(11, 59)};
  for (int k = 0; k < 6; ++k) {
    DeclarationResult r = JudgeBoth(burst_at[k], 3 + k, Values(burst[k]));
    EXPECT_EQ(r.programmes.at(0).accepted, burst[k] != 500000) << burst[k];
  }
  // P, effective exactly at 11:59:59.999, and Q, exactly at 12:00.
  EXPECT_TRUE(JudgeBoth(OnD(11, 59, 59, 999), 9, Values(320000)).programmes.at(0).accepted);
  EXPECT_TRUE(JudgeBoth(OnD(12, 0), 10, Values(100000)).programmes.at(0).accepted);
  JudgeBoth(OnD(12, 5), 11, Values(120000));
  JudgeBoth(OnD(12, 10), 12, Values(110000));

  // 12:15:00.000: c = 12h, budget over P (6 x 320 000): 6 x 450 000 fits;
  // over Q (100 000) or v2 (310 000) it would not.
  DeclarationResult r = JudgeBoth(OnD(12, 15), 13, Values(450000));
  EXPECT_TRUE(r.programmes.at(0).accepted);
  EXPECT_EQ(r.programmes.at(0).path, FeasibilityPath::kChecked);
  JudgeBoth(OnD(12, 20), 14, Values(440000));
  JudgeBoth(OnD(12, 40), 15, Values(445000));
  JudgeBoth(OnD(12, 59, 59, 999), 16, Values(430000));

  // 13:00:00.001, just after the hour: c is still 12h, window 12h..18h,
  // budget over P again (7 x 320 000 + 800 000 = 3 040 000).
  EXPECT_TRUE(JudgeBoth(OnD(13, 0, 0, 1), 17, Values(430000, {{18, 450001}}))
                  .programmes.at(0)
                  .accepted);
  // S exactly at 14:00; at 14:15 the budget reads v17, not S (which would
  // leave 6 x 200 000 + 800 000, under 6 x 560 000).
  EXPECT_TRUE(JudgeBoth(OnD(14, 0), 18, Values(200000)).programmes.at(0).accepted);
  EXPECT_TRUE(JudgeBoth(OnD(14, 15), 19, Values(560000)).programmes.at(0).accepted);
  // Over the budget whichever version is read: refused, reference unchanged.
  r = JudgeBoth(OnD(14, 20), 20, Values(900000));
  EXPECT_FALSE(r.programmes.at(0).accepted);
  EXPECT_TRUE(r.updates.empty());

  EXPECT_EQ(Stored(ledger_.get()), Stored(whole_.get()));
}

}  // namespace
}  // namespace flexmail::testing
