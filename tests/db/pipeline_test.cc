// The ledger fed by the real parser and rules: what they produce must fit
// the schema's constraints and read back the same.
#include <gtest/gtest.h>

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
    DeclarationEnvelope env{kSender, t, "cli", {file}};
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

}  // namespace
}  // namespace flexmail::testing
