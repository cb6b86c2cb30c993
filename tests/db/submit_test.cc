#include <stdexcept>

#include <gtest/gtest.h>

#include "db/sha256.h"
#include "tests/db/ledger_test_util.h"

namespace flexmail::testing {
namespace {

class SubmitTest : public LedgerTest {};

// Stored programmes compare field by field with what was submitted.
void ExpectSameProgramme(const ProgrammeResult& got, const ProgrammeResult& want) {
  EXPECT_EQ(got.raw_id, want.raw_id);
  EXPECT_EQ(got.file, want.file);
  EXPECT_EQ(got.line, want.line);
  EXPECT_EQ(got.id.day, want.id.day);
  EXPECT_EQ(got.id.site, want.id.site);
  EXPECT_EQ(got.id.contract, want.id.contract);
  EXPECT_EQ(got.id.version, want.id.version);
  EXPECT_EQ(got.site_label, want.site_label);
  EXPECT_EQ(got.mesh, want.mesh);
  EXPECT_EQ(got.created, want.created);
  EXPECT_EQ(got.tech_qmin, want.tech_qmin);
  EXPECT_EQ(got.tech_qmax, want.tech_qmax);
  EXPECT_EQ(got.values, want.values);
  EXPECT_EQ(got.accepted, want.accepted);
  EXPECT_EQ(got.superseded, want.superseded);
  EXPECT_EQ(got.path, want.path);
  EXPECT_EQ(got.comment, want.comment);
  ASSERT_EQ(got.violations.size(), want.violations.size());
  for (size_t i = 0; i < got.violations.size(); ++i) {
    EXPECT_EQ(got.violations[i].code, want.violations[i].code);
    EXPECT_EQ(got.violations[i].slots, want.violations[i].slots);
  }
  for (IndicatorKind k : kAllIndicators) {
    EXPECT_EQ(got.indicators.Get(k).status, want.indicators.Get(k).status) << IndicatorName(k);
    EXPECT_EQ(got.indicators.Get(k).known, want.indicators.Get(k).known) << IndicatorName(k);
  }
}

// An integrated declaration with an accepted and a refused programme, a
// publication and a shortage, written and then read after a restart.
class RestartTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    red_ = Pub("ME0005", IndicatorKind::kQMinus, Light::kRed, Utc(2026, 12, 3, 9, 52));
    ASSERT_TRUE(ledger_->PublishIndicator(&red_, 23min).ok());
    ASSERT_TRUE(ledger_->DeclareShortage(Shortage{D().Next(), "ME0005", Utc(2026, 12, 3, 7)}).ok());
    accepted_.values[0] = std::nullopt;  // a past hour left empty
    refused_.indicators.q_minus.source = red_;  // came from the ledger: seq is set
    result_ = Integrated(Utc(2026, 12, 3, 10, 20), {accepted_, refused_});
    result_.warnings.push_back(Diagnostic{Code::SITE_LABEL_MISMATCH, Severity::kWarning,
                                          "libellé \"Quimpr\" au lieu de \"Quimper\"",
                                          FileName(D()), 2, 4});
    Status s = SubmitResult(result_, &id_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_GT(id_, 0);
    Reopen();
  }
  Publication red_;
  ProgrammeResult accepted_ = Programme("LI0001", D(), 1);
  ProgrammeResult refused_ = Refused("LI0002", D(), 4);
  DeclarationResult result_;
  std::int64_t id_ = 0;
};

TEST_F(RestartTest, ProgrammesReadBackWithTheirVerdicts) {
  // Given a restart, both programmes read back field by field, with the declaration they came in and the publication that refused one.
  std::vector<StoredProgramme> got;
  ASSERT_TRUE(ledger_->ProgrammesOf(SiteDay{"LI0001", D()}, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].declaration_id, id_);
  EXPECT_EQ(got[0].sender, "ops@quimper.example");
  EXPECT_EQ(got[0].received_at, result_.received_at);
  ExpectSameProgramme(got[0].result, accepted_);

  ASSERT_TRUE(ledger_->ProgrammesOf(SiteDay{"LI0002", D()}, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  ExpectSameProgramme(got[0].result, refused_);
  ASSERT_TRUE(got[0].result.indicators.q_minus.source.has_value());
  EXPECT_EQ(got[0].result.indicators.q_minus.source->seq, red_.seq);
  EXPECT_EQ(got[0].result.indicators.q_minus.source->status, Light::kRed);
  EXPECT_FALSE(got[0].result.indicators.q_plus.source.has_value());
}

TEST_F(RestartTest, ReferenceVersionsReadBack) {
  // Given a restart, the accepted programme's reference version reads back and the refused one left no version.
  ReferenceHistory history;
  ASSERT_TRUE(ledger_->ReferenceHistoryOf(SiteDay{"LI0001", D()}, &history).ok());
  ASSERT_EQ(history.versions().size(), 1u);
  EXPECT_EQ(history.versions()[0].effective_at, result_.received_at);
  EXPECT_GT(history.versions()[0].seq, 0);
  EXPECT_EQ(history.versions()[0].values, accepted_.values);
  EXPECT_EQ(history.versions()[0].programme_id, accepted_.raw_id);
  EXPECT_EQ(history.versions()[0].contract, "CR_0042");
  ASSERT_TRUE(ledger_->ReferenceHistoryOf(SiteDay{"LI0002", D()}, &history).ok());
  EXPECT_TRUE(history.versions().empty());
}

TEST_F(RestartTest, PublicationsShortagesAndDeclarationsReadBack) {
  // Given a restart, the publication keeps its seq and applied_at, the shortage its mesh, and the declaration its outcome and counts.
  std::vector<Publication> pubs;
  ASSERT_TRUE(ledger_->Publications("", &pubs).ok());
  ASSERT_EQ(pubs.size(), 1u);
  EXPECT_EQ(pubs[0].seq, red_.seq);
  EXPECT_EQ(pubs[0].published_at, red_.published_at);
  EXPECT_EQ(pubs[0].applied_at, red_.applied_at);
  std::vector<Shortage> shortages;
  ASSERT_TRUE(ledger_->Shortages(&shortages).ok());
  ASSERT_EQ(shortages.size(), 1u);
  EXPECT_EQ(shortages[0].gas_day, D().Next());
  EXPECT_EQ(shortages[0].mesh, "ME0005");
  EXPECT_EQ(shortages[0].declared_at, Utc(2026, 12, 3, 7));

  std::vector<StoredDeclaration> decls;
  ASSERT_TRUE(ledger_->DeclarationsOn(D(), &decls).ok());
  ASSERT_EQ(decls.size(), 1u);
  EXPECT_EQ(decls[0].id, id_);
  EXPECT_EQ(decls[0].outcome, Outcome::kIntegrated);
  EXPECT_EQ(decls[0].source, "imap");
  EXPECT_EQ(decls[0].received_at, result_.received_at);
  EXPECT_EQ(decls[0].error_count, 0);
  EXPECT_EQ(decls[0].warning_count, 1);
}

TEST_F(SubmitTest, RejectedDeclarationLeavesOnlyItsRecord) {
  // Given a rejected declaration, only the declaration, its files and its diagnostics are stored, even though the result lists a programme.
  std::int64_t id = 0;
  ASSERT_TRUE(SubmitResult(Rejected(Utc(2026, 12, 3, 10)), &id).ok());
  RawDb raw(path_);
  EXPECT_EQ(raw.Count("declarations"), 1);
  EXPECT_EQ(raw.Count("declaration_files"), 1);
  EXPECT_EQ(raw.Count("diagnostics"), 2);
  EXPECT_EQ(TotalRows(raw), 4);

  auto decl = raw.Rows("SELECT id, received_at, received_at_local, sender, source, outcome "
                       "FROM declarations");
  EXPECT_EQ(decl[0], (std::vector<std::string>{std::to_string(id), "2026-12-03T10:00:00.000Z",
                                               "2026-12-03T11:00:00.000+01:00",
                                               "ops@quimper.example", "imap", "REJECTED"}));
  const std::string bytes("DECLARATIONS_CCG;\x00\xff;", 20);
  auto file = raw.Rows("SELECT name, size, sha256 FROM declaration_files");
  EXPECT_EQ(file[0][0], FileName(D()));
  EXPECT_EQ(file[0][1], "20");
  EXPECT_EQ(file[0][2], Sha256Hex(bytes));
  EXPECT_EQ(raw.One("SELECT hex(bytes) FROM declaration_files"),
            "4445434C41524154494F4E535F4343473B00FF3B");
  EXPECT_EQ(raw.Rows("SELECT ordinal, severity, code, message, file, line, field "
                     "FROM diagnostics ORDER BY ordinal"),
            (std::vector<std::vector<std::string>>{
                {"0", "ERROR", "BAD_FORMAT", "valeur \"12,5x\" illisible, nombre attendu",
                 FileName(D()), "3", "14"},
                {"1", "WARNING", "SUBJECT_MISMATCH", "objet inattendu", "NULL", "NULL", "NULL"}}));
}

TEST_F(SubmitTest, ConstraintFailureLeavesNoTrace) {
  // Given a result whose programmes share an id, the UNIQUE constraint fails mid-write and nothing at all is stored.
  DeclarationResult r = Integrated(Utc(2026, 12, 3, 10),
                                   {Programme("LI0001", D(), 1), Programme("LI0001", D(), 1)});
  Status s = SubmitResult(r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), Status::Kind::kInternal);
  EXPECT_NE(s.message().find("programme \"20261203-LI0001-CR_0042-1\""), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("UNIQUE"), std::string::npos) << s.message();
  EXPECT_EQ(TotalRows(RawDb(path_)), 0);
}

TEST_F(SubmitTest, AlreadyIntegratedIdFailsWithoutTouchingTheFirst) {
  // Given a programme id already stored, submitting it again fails and the ledger is exactly as before.
  ASSERT_TRUE(SubmitResult(Integrated(Utc(2026, 12, 3, 9), {Programme("LI0001", D(), 1)})).ok());
  long before = TotalRows(RawDb(path_));
  Status s = SubmitResult(Integrated(Utc(2026, 12, 3, 10), {Programme("LI0001", D(), 1, 5)}));
  EXPECT_EQ(s.kind(), Status::Kind::kInternal);
  EXPECT_EQ(TotalRows(RawDb(path_)), before);
  RawDb raw(path_);
  EXPECT_EQ(raw.Count("declarations"), 1);
}

TEST_F(SubmitTest, ReferenceUpdateMustComeFromAnAcceptedProgramme) {
  // Given a result that moves the reference with a refused programme, the write fails and nothing is stored.
  DeclarationResult r = Integrated(Utc(2026, 12, 3, 10), {Refused("LI0001", D(), 1)});
  r.updates.push_back(ReferenceUpdate{SiteDay{"LI0001", D()},
                                      ReferenceVersion{r.received_at, 0, r.programmes[0].values,
                                                       r.programmes[0].raw_id, "CR_0042"}});
  Status s = SubmitResult(r);
  EXPECT_EQ(s.kind(), Status::Kind::kInternal);
  EXPECT_NE(s.message().find("not from an accepted programme"), std::string::npos) << s.message();
  r.updates[0].version.programme_id = "20261203-LI0001-CR_0042-9";
  s = SubmitResult(r);
  EXPECT_EQ(s.kind(), Status::Kind::kInternal);
  EXPECT_NE(s.message().find("did not integrate"), std::string::npos) << s.message();
  EXPECT_EQ(TotalRows(RawDb(path_)), 0);
}

TEST_F(SubmitTest, ExtensionRowsCommitWithTheDeclaration) {
  // Given an extension hook, it runs inside the transaction with the new declaration's id and its rows are committed with it.
  std::int64_t seen_id = 0;
  Outcome seen_outcome = Outcome::kIgnored;
  auto extend = [&](sql::Transaction& tx, std::int64_t id, const DeclarationResult& r) {
    seen_id = id;
    seen_outcome = r.outcome;
    sql::Statement st;
    Status s = tx.Prepare("INSERT INTO shortages (gas_day, declared_at, declared_at_local) "
                          "VALUES ('2026-12-09', '2026-12-03T10:00:00.000Z', "
                          "'2026-12-03T11:00:00.000+01:00')", &st);
    return s.ok() ? st.Run() : s;
  };
  std::int64_t id = 0;
  Status s = SubmitResult(Rejected(Utc(2026, 12, 3, 10)), &id, extend);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen_id, id);
  EXPECT_EQ(seen_outcome, Outcome::kRejected);
  EXPECT_EQ(RawDb(path_).Count("shortages"), 1);
}

TEST_F(SubmitTest, ExtensionFailureRollsEverythingBack) {
  // Given an extension that writes a row and then fails, Submit returns its status and neither the declaration nor the row remains.
  auto extend = [&](sql::Transaction& tx, std::int64_t, const DeclarationResult&) {
    Status s = sql::Exec(tx.db(), "INSERT INTO shortages (gas_day, declared_at, declared_at_local)"
                                  " VALUES ('2026-12-09', '2026-12-03T10:00:00.000Z', "
                                  "'2026-12-03T11:00:00.000+01:00')");
    return s.ok() ? Status::Transient("smtp outbox full") : s;
  };
  Status s = SubmitResult(Integrated(Utc(2026, 12, 3, 10), {Programme("LI0001", D(), 1)}),
                          nullptr, extend);
  EXPECT_EQ(s.kind(), Status::Kind::kTransient);
  EXPECT_EQ(s.message(), "smtp outbox full");
  EXPECT_EQ(TotalRows(RawDb(path_)), 0);
}

TEST_F(SubmitTest, ExtensionCannotEndTheTransaction) {
  // Given an extension that tries to commit or roll back on its own, it is refused, Submit fails and nothing is stored.
  auto commits = [&](sql::Transaction& tx, std::int64_t, const DeclarationResult&) {
    return tx.Commit();
  };
  Status s = SubmitResult(Rejected(Utc(2026, 12, 3, 10)), nullptr, commits);
  EXPECT_EQ(s.kind(), Status::Kind::kInternal);
  EXPECT_NE(s.message().find("not authorized"), std::string::npos) << s.message();
  auto rolls_back = [&](sql::Transaction& tx, std::int64_t, const DeclarationResult&) {
    return sql::Exec(tx.db(), "ROLLBACK");
  };
  s = SubmitResult(Rejected(Utc(2026, 12, 3, 10)), nullptr, rolls_back);
  EXPECT_EQ(s.kind(), Status::Kind::kInternal);
  EXPECT_EQ(TotalRows(RawDb(path_)), 0);
  // The connection is left usable.
  EXPECT_TRUE(SubmitResult(Rejected(Utc(2026, 12, 3, 10))).ok());
}

TEST_F(SubmitTest, EvaluationFailuresLeaveNoTrace) {
  // Given an evaluation that throws or judges another reception instant, Submit fails as internal and writes nothing.
  DeclarationEnvelope env = Envelope(Utc(2026, 12, 3, 10));
  DeclarationResult out;
  std::int64_t id = 0;
  Status s = ledger_->Submit(env, {}, [](const LedgerSnapshot&) -> DeclarationResult {
    throw std::runtime_error("boom");
  }, &out, &id);
  EXPECT_EQ(s.kind(), Status::Kind::kInternal);
  EXPECT_EQ(s.message(), "evaluation failed: boom");
  s = ledger_->Submit(env, {}, [](const LedgerSnapshot&) { return Rejected(Utc(2026, 12, 3, 9)); },
                      &out, &id);
  EXPECT_EQ(s.kind(), Status::Kind::kInternal);
  EXPECT_EQ(s.message(), "evaluation judged a reception at 2026-12-03T09:00:00.000Z, the "
                         "declaration was received at 2026-12-03T10:00:00.000Z");
  EXPECT_EQ(TotalRows(RawDb(path_)), 0);
}

TEST_F(SubmitTest, EvaluationSeesTheStateBeforeTheDeclaration) {
  // Given a stored version 1, the evaluation of the next declaration sees it in its snapshot, and Submit returns the evaluated result.
  ASSERT_TRUE(SubmitResult(Integrated(Utc(2026, 12, 3, 9), {Programme("LI0001", D(), 1)})).ok());
  DeclarationResult next = Integrated(Utc(2026, 12, 3, 10), {Programme("LI0001", D(), 2, 50)});
  LedgerSnapshot seen;
  DeclarationResult out;
  std::int64_t id = 0;
  Status s = ledger_->Submit(Envelope(next.received_at), KeysOf(next),
                             [&](const LedgerSnapshot& snap) {
                               seen = snap;
                               return next;
                             }, &out, &id);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen.max_version.at(SiteDay{"LI0001", D()}), 1);
  EXPECT_TRUE(seen.existing_ids.empty());  // version 2's id is new
  EXPECT_EQ(seen.references.at(SiteDay{"LI0001", D()}).versions().size(), 1u);
  EXPECT_EQ(out.programmes.size(), 1u);
  EXPECT_EQ(out.programmes[0].raw_id, "20261203-LI0001-CR_0042-2");
  ReferenceHistory history;
  ASSERT_TRUE(ledger_->ReferenceHistoryOf(SiteDay{"LI0001", D()}, &history).ok());
  ASSERT_EQ(history.versions().size(), 2u);
  EXPECT_LT(history.versions()[0].seq, history.versions()[1].seq);
  EXPECT_EQ(history.versions()[1].values[0], 50.0);
}

TEST_F(SubmitTest, BusyDatabaseIsTransient) {
  // Given another connection holding the write lock beyond the busy timeout, Submit fails as transient and succeeds once the lock is gone.
  RawDb other(path_);
  ASSERT_EQ(sqlite3_exec(other.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  Status s = SubmitResult(Rejected(Utc(2026, 12, 3, 10)));
  EXPECT_EQ(s.kind(), Status::Kind::kTransient) << s.ToString();
  ASSERT_EQ(sqlite3_exec(other.get(), "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  s = SubmitResult(Rejected(Utc(2026, 12, 3, 10)));
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(SubmitTest, SecondLedgerOnTheSameFileSeesTheFirstsCommits) {
  // Given two ledgers open on one file, each sees what the other committed, without reopening.
  std::unique_ptr<Ledger> second;
  ASSERT_TRUE(Ledger::Open(path_, &second).ok());
  ASSERT_TRUE(SubmitResult(Integrated(Utc(2026, 12, 3, 9), {Programme("LI0001", D(), 1)})).ok());

  std::vector<StoredProgramme> got;
  ASSERT_TRUE(second->ProgrammesOf(SiteDay{"LI0001", D()}, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  LedgerSnapshot snap;
  SnapshotKeys keys;
  keys.programme_ids = {"20261203-LI0001-CR_0042-1"};
  ASSERT_TRUE(second->Snapshot(keys, &snap).ok());
  EXPECT_EQ(snap.existing_ids, keys.programme_ids);

  DeclarationResult r = Integrated(Utc(2026, 12, 3, 10), {Programme("LI0001", D(), 2)});
  DeclarationResult out;
  std::int64_t id = 0;
  ASSERT_TRUE(second->Submit(Envelope(r.received_at), KeysOf(r),
                             [&](const LedgerSnapshot&) { return r; }, &out, &id).ok());
  ASSERT_TRUE(ledger_->ProgrammesOf(SiteDay{"LI0001", D()}, &got).ok());
  EXPECT_EQ(got.size(), 2u);
}

}  // namespace
}  // namespace flexmail::testing
