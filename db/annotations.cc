// People's notes on declarations.
#include "db/ledger.h"

#include "db/codec.h"
#include "db/reader.h"

namespace flexmail {

using sql::Statement;

Status Ledger::Annotate(AnnotationRecord* a) {
  sql::Transaction tx(db_);
  Status s = tx.Begin(sql::Transaction::Mode::kWrite);
  bool found = false;
  StoredDeclaration d;
  if (s.ok()) s = store::ReadDeclaration(db_, a->declaration_id, &found, &d);
  if (s.ok() && !found) {
    return Status::NotFound("no declaration " + std::to_string(a->declaration_id));
  }
  Statement st;
  if (s.ok()) {
    s = Statement::Prepare(db_,
        "INSERT INTO annotations (declaration_id, text, written_by, written_at, "
        "written_at_local) VALUES (?, ?, ?, ?, ?)", &st);
  }
  if (s.ok()) {
    s = st.BindAll(a->declaration_id, a->text, a->written_by, FormatUtcIso(a->written_at),
                   FormatLocalIso(a->written_at)).Run();
  }
  if (s.ok()) a->id = st.LastInsertId();
  if (s.ok()) s = tx.Commit();
  return s;
}

Status Ledger::AnnotationsOf(std::int64_t id, std::vector<AnnotationRecord>* out) {
  out->clear();
  Statement st;
  Status s = Statement::Prepare(db_,
      "SELECT id, text, written_by, written_at FROM annotations WHERE declaration_id = ? "
      "ORDER BY id", &st);
  if (!s.ok()) return s;
  return st.Bind(1, id).ForEach([&] {
    AnnotationRecord a;
    a.id = st.Int(0);
    a.declaration_id = id;
    a.text = st.Text(1);
    a.written_by = st.Text(2);
    Status r = store::ReadInstant("annotations.written_at", st.Text(3), &a.written_at);
    if (r.ok()) out->push_back(std::move(a));
    return r;
  });
}

}  // namespace flexmail
