// What the console's declaration pages read: a filtered list, and one
// declaration with everything it caused. Read-only queries.
#include "db/ledger.h"
#include "db/reader.h"

namespace flexmail {

Status Ledger::Declarations(const DeclarationFilter& filter, std::vector<StoredDeclaration>* out) {
  out->clear();
  return store::ReadFilteredDeclarations(db_, filter, out);
}

Status Ledger::LatestDeclarations(Instant since, Instant until, int limit,
                                  std::vector<StoredDeclaration>* out) {
  out->clear();
  return store::ReadLatestDeclarations(db_, since, until, limit, out);
}

Status Ledger::CountDeclarationsByOutcome(Instant since, Instant until,
                                          std::map<std::string, int>* out) {
  out->clear();
  sql::Statement st;
  Status s = sql::Statement::Prepare(db_,
      "SELECT outcome, count(*) FROM declarations WHERE received_at > ? AND received_at <= ? "
      "GROUP BY outcome", &st);
  if (!s.ok()) return s;
  return st.BindAll(FormatUtcIso(since), FormatUtcIso(until)).ForEach([&] {
    (*out)[st.Text(0)] = static_cast<int>(st.Int(1));
    return Status::Ok();
  });
}

Status Ledger::Declaration(std::int64_t id, bool* found, DeclarationDetail* out) {
  *found = false;
  *out = DeclarationDetail();
  std::vector<std::pair<std::string, std::string>> site_days;  // the page has the programmes
  // Several statements: one snapshot, so a reply sent meanwhile is either
  // shown with its new state or not at all, never half.
  return sql::InTransaction(db_, sql::Transaction::Mode::kRead, [&] {
    Status s = store::ReadDeclaration(db_, id, found, &out->declaration);
    if (!s.ok() || !*found) return s;
    s = DeclarationContents(id, &out->files, &site_days);
    if (s.ok()) s = store::ReadDiagnostics(db_, id, &out->diagnostics);
    if (s.ok()) s = store::ReadProgrammesOf(db_, id, &out->programmes);
    if (s.ok()) s = MessageOfDeclaration(id, false, &out->has_message, &out->message);
    if (s.ok()) s = RepliesToDeclaration(id, &out->replies);
    if (s.ok()) s = AnnotationsOf(id, &out->annotations);
    return s;
  });
}

}  // namespace flexmail
