// Overrides of programmes' verdicts: the record, the reference version it
// makes and the reply, in one transaction.
#include "db/ledger.h"

#include "db/codec.h"
#include "db/reader.h"
#include "db/writer.h"

namespace flexmail {
namespace {

using sql::Statement;

// The id the one-column `query` selects (its parameters bound in order), 0
// for NULL or no row.
template <typename... Params>
Status LatestId(sqlite3* db, std::string_view query, std::int64_t* out, const Params&... params) {
  Statement st;
  Status s = Statement::Prepare(db, query, &st);
  *out = 0;
  if (s.ok()) {
    s = st.BindAll(params...).ForEach([&] {
      if (!st.IsNull(0)) *out = st.Int(0);
      return Status::Ok();
    });
  }
  return s;
}

// kTransient when another process recorded something the override was not
// decided against.
Status CheckBasis(sqlite3* db, const Ledger::OverrideBasis& basis, const OverrideRecord& o) {
  const SiteDay& key = basis.key;
  std::int64_t last_override = 0, last_reference = 0;
  Status s = LatestId(db, "SELECT max(id) FROM overrides WHERE programme_id = ?", &last_override,
                      o.programme_row);
  if (s.ok()) {
    s = LatestId(db, "SELECT max(id) FROM reference_versions WHERE site = ? AND gas_day = ?",
                 &last_reference, key.site, key.day.Iso());
  }
  if (s.ok() && (last_override != basis.last_override || last_reference != basis.last_reference))
    s = Status::Transient("the ledger changed while the override was prepared: run it again");
  return s;
}

Status InsertOverride(sqlite3* db, OverrideRecord* o) {
  Statement st;
  Status s = Statement::Prepare(db,
      "INSERT INTO overrides (programme_id, status, replaces, reason, decided_by, effective_at, "
      "effective_at_local, recorded_at, recorded_at_local) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      &st);
  if (s.ok()) {
    s = st.BindAll(o->programme_row, o->accepted ? "ACCEPTED" : "REFUSED",
                   o->accepted ? "REFUSED" : "ACCEPTED", o->reason, o->decided_by,
                   FormatUtcIso(o->effective_at), FormatLocalIso(o->effective_at),
                   FormatUtcIso(o->recorded_at), FormatLocalIso(o->recorded_at)).Run();
  }
  if (s.ok()) o->id = st.LastInsertId();
  return s;
}

}  // namespace

Status Ledger::ProgrammeByProfileId(const std::string& hms_profile_id, bool* found,
                                    StoredProgramme* out) {
  std::vector<StoredProgramme> rows;
  Status s = sql::InTransaction(db_, sql::Transaction::Mode::kRead, [&] {
    return store::ReadProgrammeByProfileId(db_, hms_profile_id, &rows);
  });
  *found = s.ok() && !rows.empty();
  if (*found) *out = std::move(rows.front());
  return s;
}

Status Ledger::RecordOverride(const OverrideBasis& basis, OverrideRecord* o,
                              std::optional<ReferenceUpdate> reference,
                              const OverrideReplyOf& reply, OutboxItem* item) {
  OverrideRecord stored = *o;
  OutboxItem queued;
  sql::Transaction tx(db_);
  Status s = tx.Begin(sql::Transaction::Mode::kWrite);
  if (s.ok()) s = CheckBasis(db_, basis, stored);
  if (s.ok()) s = InsertOverride(db_, &stored);
  if (s.ok() && reference) {
    reference->version.override_id = stored.id;
    s = store::InsertReferenceVersion(db_, *reference, stored.programme_row,
                                      &stored.reference_seq);
  }
  if (s.ok()) s = reply(stored, &queued);
  if (s.ok() && !queued.raw.empty()) s = EnqueueReply(tx, &queued);
  if (s.ok()) s = tx.Commit();
  if (!s.ok()) return s;  // ~Transaction rolls back
  *o = std::move(stored);
  *item = std::move(queued);
  return s;
}

}  // namespace flexmail
