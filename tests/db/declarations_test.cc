// The console's read methods: the filtered list of declarations, one
// declaration with all it caused, its message and its replies.
#include <gtest/gtest.h>

#include "tests/db/mail_test_util.h"

namespace flexmail::testing {
namespace {

class DeclarationsTest : public LedgerTest {
 protected:
  // Submits `r`; its extension stores *m (when given) and `replies` for it.
  std::int64_t Submit(const DeclarationResult& r, MessageRecord* m = nullptr,
                      std::vector<OutboxItem> replies = {}) {
    auto extend = [&](sql::Transaction& tx, std::int64_t decl, const DeclarationResult&) {
      Status s;
      if (m) {
        m->declaration_id = decl;
        s = ledger_->InsertMessage(tx, m);
      }
      for (size_t i = 0; s.ok() && i < replies.size(); ++i) {
        replies[i].declaration_id = decl;
        s = ledger_->EnqueueReply(tx, &replies[i]);
      }
      return s;
    };
    std::int64_t id = 0;
    Status s = SubmitResult(r, &id, extend);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return id;
  }

  std::vector<std::int64_t> Listed(const DeclarationFilter& f) {
    std::vector<StoredDeclaration> rows;
    Status s = ledger_->Declarations(f, &rows);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<std::int64_t> ids;
    for (const auto& d : rows) ids.push_back(d.id);
    return ids;
  }
};

// A rejected declaration's message, authenticated by DKIM and failed.
MessageRecord RejectedMessage(const std::string& key, Instant at) {
  MessageRecord m = Message(key, "m" + key, at);
  m.outcome = Outcome::kRejected;
  m.reason = "";
  m.folder = "Rejected";
  m.auth_method = "dkim";
  m.auth_result = "fail";
  m.auth_detail = "signature de quimper.example invalide";
  return m;
}

TEST_F(DeclarationsTest, ListFiltersByReceptionDaySiteAndOutcomeNewestFirst) {
  // Given declarations on either side of gas day D's bounds (06:00 Paris, 05:00 UTC), of two sites and two outcomes, each filter keeps exactly those it names, newest first, and the limit keeps the newest.
  const std::int64_t before =
      Submit(Integrated(Utc(2026, 12, 3, 4, 59), {Programme("LI0001", D(), 1)}));
  const std::int64_t a = Submit(Integrated(Utc(2026, 12, 3, 5), {Programme("LI0001", D(), 2)}));
  const std::int64_t b = Submit(Integrated(Utc(2026, 12, 3, 9), {Programme("LI0002", D(), 1)}));
  const std::int64_t c = Submit(Rejected(Utc(2026, 12, 3, 10)));
  const std::int64_t after = Submit(Integrated(Utc(2026, 12, 4, 5), {Programme("LI0001", D(), 3)}));
  struct Case {
    const char* what;
    DeclarationFilter filter;
    std::vector<std::int64_t> want;
  };
  const Case cases[] = {
      {"the day", {D(), "", std::nullopt, 0}, {c, b, a}},
      {"the day before", {D().Prev(), "", std::nullopt, 0}, {before}},
      {"the day after", {D().Next(), "", std::nullopt, 0}, {after}},
      {"a site", {D(), "LI0001", std::nullopt, 0}, {a}},
      {"another site", {D(), "LI0002", std::nullopt, 0}, {b}},
      {"a site with nothing", {D(), "LI0003", std::nullopt, 0}, {}},
      {"an outcome", {D(), "", Outcome::kRejected, 0}, {c}},
      {"the other outcome", {D(), "", Outcome::kIntegrated, 0}, {b, a}},
      {"site and outcome", {D(), "LI0002", Outcome::kRejected, 0}, {}},
      {"a limit", {D(), "", std::nullopt, 2}, {c, b}},
  };
  for (const Case& k : cases) EXPECT_EQ(Listed(k.filter), k.want) << k.what;
}

TEST_F(DeclarationsTest, ListShowsCountsAndTheMessagesAuthentication) {
  // Given a rejected declaration from a DKIM-failed message and one from `submit`, the list gives the counts of errors and warnings and the verdict, empty for `submit`.
  MessageRecord m = RejectedMessage("1", Utc(2026, 12, 3, 9));
  Submit(Rejected(Utc(2026, 12, 3, 9)), &m);
  Submit(Integrated(Utc(2026, 12, 3, 10), {Programme("LI0001", D(), 1)}));
  std::vector<StoredDeclaration> rows;
  ASSERT_TRUE(ledger_->Declarations({D(), "", std::nullopt, 0}, &rows).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].error_count, 1);
  EXPECT_EQ(rows[1].warning_count, 1);
  EXPECT_EQ(rows[1].auth_method, "dkim");
  EXPECT_EQ(rows[1].auth_result, "fail");
  EXPECT_EQ(rows[0].error_count, 0);
  EXPECT_EQ(rows[0].auth_method, "");
}

TEST_F(DeclarationsTest, DeclarationReadsItsDiagnosticsMessageAndReplies) {
  // Given a rejected declaration with its message and two replies, its detail holds the located diagnostics as written, the message without its bytes and both replies with theirs, in queue order.
  const Instant t = Utc(2026, 12, 3, 9, 30);
  MessageRecord m = RejectedMessage("7", t);
  const DeclarationResult r = Rejected(t);
  const std::int64_t id =
      Submit(r, &m, {ReplyItem(0, "r1", t), ReplyItem(0, "r2", t + std::chrono::minutes(1))});
  bool found = false;
  DeclarationDetail d;
  ASSERT_TRUE(ledger_->Declaration(id, &found, &d).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(d.declaration.id, id);
  EXPECT_EQ(d.declaration.outcome, Outcome::kRejected);
  EXPECT_EQ(d.files, std::vector<std::string>{FileName(D())});
  ASSERT_EQ(d.diagnostics.size(), 2u);
  const Diagnostic& e = d.diagnostics[0];
  EXPECT_EQ(e.severity, Severity::kError);
  EXPECT_EQ(e.code, r.errors[0].code);
  EXPECT_EQ(e.message, r.errors[0].message);
  EXPECT_EQ(e.file, r.errors[0].file);
  EXPECT_EQ(e.line, r.errors[0].line);
  EXPECT_EQ(e.field, r.errors[0].field);
  const Diagnostic& w = d.diagnostics[1];
  EXPECT_EQ(w.severity, Severity::kWarning);
  EXPECT_EQ(w.code, r.warnings[0].code);
  EXPECT_EQ(w.file, "");
  EXPECT_EQ(w.line, 0);
  EXPECT_EQ(w.field, 0);
  EXPECT_TRUE(d.programmes.empty());
  ASSERT_TRUE(d.has_message);
  MessageRecord want = m;
  want.raw.clear();
  ExpectSameMessage(d.message, want);
  EXPECT_EQ(d.message.auth_detail, m.auth_detail);
  ASSERT_EQ(d.replies.size(), 2u);
  EXPECT_EQ(d.replies[0].message_id, "<r1@flexmail.example>");
  EXPECT_EQ(d.replies[1].message_id, "<r2@flexmail.example>");
  EXPECT_EQ(d.replies[0].raw, ReplyItem(0, "r1", t).raw);
}

TEST_F(DeclarationsTest, DeclarationReadsItsProgrammesInTheOrderWritten) {
  // Given an integrated declaration of two programmes, one refused, its detail lists both in order with their verdicts, and no message nor reply (a `submit`).
  const std::int64_t id = Submit(
      Integrated(Utc(2026, 12, 3, 9), {Programme("LI0002", D(), 1), Refused("LI0001", D(), 1)}));
  bool found = false;
  DeclarationDetail d;
  ASSERT_TRUE(ledger_->Declaration(id, &found, &d).ok());
  ASSERT_TRUE(found);
  ASSERT_EQ(d.programmes.size(), 2u);
  EXPECT_EQ(d.programmes[0].result.raw_id, Programme("LI0002", D(), 1).raw_id);
  EXPECT_TRUE(d.programmes[0].result.accepted);
  EXPECT_EQ(d.programmes[1].result.raw_id, Refused("LI0001", D(), 1).raw_id);
  EXPECT_FALSE(d.programmes[1].result.accepted);
  EXPECT_EQ(d.programmes[1].result.violations.size(), 1u);
  EXPECT_TRUE(d.diagnostics.empty());
  EXPECT_FALSE(d.has_message);
  EXPECT_TRUE(d.replies.empty());
}

TEST_F(DeclarationsTest, UnknownDeclarationIsNotFound) {
  // Given one declaration, another id finds nothing and leaves the detail empty.
  const std::int64_t id = Submit(Rejected(Utc(2026, 12, 3, 9)));
  bool found = true;
  DeclarationDetail d;
  d.files = {"stale"};
  ASSERT_TRUE(ledger_->Declaration(id + 1, &found, &d).ok());
  EXPECT_FALSE(found);
  EXPECT_TRUE(d.files.empty());
  std::vector<OutboxItem> replies = {ReplyItem(0, "x", Utc(2026, 12, 3, 9))};
  ASSERT_TRUE(ledger_->RepliesToDeclaration(id + 1, &replies).ok());
  EXPECT_TRUE(replies.empty());
}

TEST_F(DeclarationsTest, MessageOfDeclarationGivesTheBytesOnlyWhenAsked) {
  // Given a declaration's message with CRLF, NUL and 8-bit bytes, and a duplicate of it, the lookup finds the first sighting, with exactly its bytes when asked; `submit` has none.
  const Instant t = Utc(2026, 12, 3, 9);
  MessageRecord m = RejectedMessage("1", t);
  const std::int64_t id = Submit(Rejected(t), &m);
  MessageRecord dup = Message("2", "m1", t + std::chrono::minutes(5));
  dup.duplicate_of = m.id;
  ASSERT_TRUE(ledger_->RecordMessage(&dup).ok());
  bool found = false;
  MessageRecord got;
  ASSERT_TRUE(ledger_->MessageOfDeclaration(id, true, &found, &got).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(got.id, m.id);
  EXPECT_EQ(got.raw, RawMessage("m1"));
  ASSERT_TRUE(ledger_->MessageOfDeclaration(id, false, &found, &got).ok());
  EXPECT_TRUE(found);
  EXPECT_EQ(got.raw, "");
  const std::int64_t submitted = Submit(Rejected(t + std::chrono::hours(1)));
  ASSERT_TRUE(ledger_->MessageOfDeclaration(submitted, true, &found, &got).ok());
  EXPECT_FALSE(found);
}

TEST_F(DeclarationsTest, ReadOnlyLedgerReadsTheSame) {
  // Given the console's read-only connection, the list and the detail read what the writer stored.
  const Instant t = Utc(2026, 12, 3, 9);
  MessageRecord m = RejectedMessage("1", t);
  const std::int64_t id = Submit(Rejected(t), &m, {ReplyItem(0, "r1", t)});
  std::unique_ptr<Ledger> ro;
  ASSERT_TRUE(Ledger::OpenReadOnly(path_, &ro).ok());
  std::vector<StoredDeclaration> rows;
  ASSERT_TRUE(ro->Declarations({D(), "", Outcome::kRejected, 1}, &rows).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, id);
  bool found = false;
  DeclarationDetail d;
  ASSERT_TRUE(ro->Declaration(id, &found, &d).ok());
  EXPECT_TRUE(found);
  EXPECT_TRUE(d.has_message);
  EXPECT_EQ(d.replies.size(), 1u);
}

}  // namespace
}  // namespace flexmail::testing
