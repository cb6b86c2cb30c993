// The canary_probes table (migration 9): one row per probe, written when it
// is sent (or could not be) and completed when it comes back. Each insert
// prunes all but the latest Ledger::kCanaryProbesKept probes, except the
// latest that came back, which `status` reports however old.
#include <algorithm>

#include "db/codec.h"
#include "db/ledger.h"

namespace flexmail {
namespace {

using sql::Statement;
using Mode = sql::Transaction::Mode;

constexpr std::string_view kColumns =
    "SELECT probe_id, sent_at, send_error, returned_at, round_trip_ms FROM canary_probes ";

Status InsertProbe(sqlite3* db, const std::string& id, Instant sent_at,
                   std::optional<std::string_view> error) {
  Statement st;
  Status s = Statement::Prepare(db,
      "INSERT INTO canary_probes (probe_id, sent_at, sent_at_local, send_error) "
      "VALUES (?, ?, ?, ?)", &st);
  if (s.ok()) s = st.BindAll(id, FormatUtcIso(sent_at), FormatLocalIso(sent_at), error).Run();
  return s;
}

Status PruneProbes(sqlite3* db) {
  Statement st;
  Status s = Statement::Prepare(db, R"sql(
DELETE FROM canary_probes
 WHERE rowid <= (SELECT rowid FROM canary_probes ORDER BY rowid DESC LIMIT 1 OFFSET ?)
   AND probe_id IS NOT (SELECT probe_id FROM canary_probes WHERE returned_at IS NOT NULL
                         ORDER BY returned_at DESC LIMIT 1))sql", &st);
  if (s.ok()) s = st.Bind(1, Ledger::kCanaryProbesKept).Run();
  return s;
}

Status ProbeFromRow(const Statement& st, CanaryRecord* r) {
  r->probe_id = st.Text(0);
  Status s = store::ReadInstant("canary_probes.sent_at", st.Text(1), &r->sent_at);
  r->send_error = st.Text(2);
  r->returned_at.reset();
  r->round_trip_ms = 0;
  if (s.ok() && !st.IsNull(3)) {
    Instant t{};
    s = store::ReadInstant("canary_probes.returned_at", st.Text(3), &t);
    r->returned_at = t;
    r->round_trip_ms = st.Int(4);
  }
  return s;
}

Status OneProbe(sqlite3* db, std::string_view rest, bool* found, CanaryRecord* out,
                const std::string* id = nullptr) {
  Statement st;
  Status s = Statement::Prepare(db, std::string(kColumns) + std::string(rest), &st);
  *found = false;
  if (s.ok() && id) st.Bind(1, *id);
  if (!s.ok()) return s;
  return st.ForEach([&] {
    *found = true;
    return ProbeFromRow(st, out);
  });
}

Status MarkReturned(sqlite3* db, const std::string& id, Instant returned_at,
                    std::int64_t round_trip_ms) {
  Statement st;
  Status s = Statement::Prepare(db,
      "UPDATE canary_probes SET returned_at = ?, returned_at_local = ?, round_trip_ms = ? "
      "WHERE probe_id = ? AND returned_at IS NULL", &st);
  if (s.ok())
    s = st.BindAll(FormatUtcIso(returned_at), FormatLocalIso(returned_at), round_trip_ms, id)
            .Run();
  return s;
}

}  // namespace

Status Ledger::RecordCanarySent(const std::string& probe_id, Instant sent_at) {
  return sql::InTransaction(db_, Mode::kWrite, [&] {
    Status s = InsertProbe(db_, probe_id, sent_at, std::nullopt);
    if (s.ok()) s = PruneProbes(db_);
    return s;
  });
}

Status Ledger::RecordCanarySendFailure(const std::string& probe_id, Instant sent_at,
                                       const std::string& error) {
  return sql::InTransaction(db_, Mode::kWrite, [&] {
    Status s = InsertProbe(db_, probe_id, sent_at, error.empty() ? "unknown error" : error);
    if (s.ok()) s = PruneProbes(db_);
    return s;
  });
}

Status Ledger::RecordCanaryReturned(const std::string& probe_id, Instant sent_at,
                                    Instant returned_at, bool* counted) {
  *counted = false;
  return sql::InTransaction(db_, Mode::kWrite, [&] {
    bool found = false;
    CanaryRecord known;
    Status s = OneProbe(db_, "WHERE probe_id = ?", &found, &known, &probe_id);
    if (s.ok() && !found) {
      known.sent_at = sent_at;
      s = InsertProbe(db_, probe_id, sent_at, std::nullopt);
    }
    if (!s.ok() || known.returned_at) return s;
    const auto ms = std::max<std::int64_t>(0, (returned_at - known.sent_at).count());
    s = MarkReturned(db_, probe_id, returned_at, ms);
    *counted = s.ok();
    return s;
  });
}

Status Ledger::LastCanaryRoundTrip(bool* found, CanaryRecord* out) {
  return OneProbe(db_, "WHERE returned_at IS NOT NULL ORDER BY returned_at DESC LIMIT 1", found,
                  out);
}

Status Ledger::LatestCanaryProbe(bool* found, CanaryRecord* out) {
  return OneProbe(db_, "ORDER BY sent_at DESC, rowid DESC LIMIT 1", found, out);
}

Status Ledger::FirstCanaryProbe(bool* found, CanaryRecord* out) {
  return OneProbe(db_, "ORDER BY sent_at, rowid LIMIT 1", found, out);
}

}  // namespace flexmail
