// The polls table: a bounded history of inbox polls for `flexmail status`.
// A poll every 30 s would add a million rows a year, so each insert prunes
// all but the latest Ledger::kPollsKept, except the latest successful poll,
// kept however old: after a long outage it is the one operators ask about.
#include "db/codec.h"
#include "db/ledger.h"

namespace flexmail {
namespace {

using sql::Statement;
using Mode = sql::Transaction::Mode;

Status InsertPoll(sqlite3* db, const PollRecord& p) {
  Statement st;
  Status s = Statement::Prepare(db,
      "INSERT INTO polls (started_at, started_at_local, finished_at, finished_at_local, ok, "
      "error, needs_operator, messages_waiting, messages_processed) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st);
  if (s.ok()) {
    s = st.BindAll(FormatUtcIso(p.started_at), FormatLocalIso(p.started_at),
                   FormatUtcIso(p.finished_at), FormatLocalIso(p.finished_at), p.ok, p.error,
                   !p.ok && p.needs_operator, p.messages_waiting, p.messages_processed).Run();
  }
  return s;
}

// The id at offset kPollsKept (newest first) and every older one go; with
// fewer rows the subquery is NULL and nothing matches.
Status PrunePolls(sqlite3* db) {
  Statement st;
  Status s = Statement::Prepare(db, R"sql(
DELETE FROM polls
 WHERE id <= (SELECT id FROM polls ORDER BY id DESC LIMIT 1 OFFSET ?)
   AND id IS NOT (SELECT max(id) FROM polls WHERE ok = 1))sql", &st);
  if (s.ok()) s = st.Bind(1, Ledger::kPollsKept).Run();
  return s;
}

Status PollFromRow(const Statement& st, PollRecord* p) {
  Status s = store::ReadInstant("polls.started_at", st.Text(0), &p->started_at);
  if (s.ok()) s = store::ReadInstant("polls.finished_at", st.Text(1), &p->finished_at);
  p->ok = st.Int(2) != 0;
  p->error = st.Text(3);
  p->messages_waiting = static_cast<int>(st.Int(4));
  p->messages_processed = static_cast<int>(st.Int(5));
  p->needs_operator = st.Int(6) != 0;
  return s;
}

// The latest poll matching `where` ("" for any).
Status LatestPoll(sqlite3* db, std::string_view where, bool* found, PollRecord* out) {
  Statement st;
  Status s = Statement::Prepare(db,
      "SELECT started_at, finished_at, ok, error, messages_waiting, messages_processed, "
      "needs_operator FROM polls " + std::string(where) + " ORDER BY id DESC LIMIT 1", &st);
  *found = false;
  if (!s.ok()) return s;
  return st.ForEach([&] {
    *found = true;
    return PollFromRow(st, out);
  });
}

}  // namespace

Status Ledger::RecordPoll(const PollRecord& p) {
  return sql::InTransaction(db_, Mode::kWrite, [&] {
    Status s = InsertPoll(db_, p);
    if (s.ok()) s = PrunePolls(db_);
    return s;
  });
}

Status Ledger::LastPoll(bool* found, PollRecord* out) {
  return LatestPoll(db_, "", found, out);
}

Status Ledger::LastSuccessfulPoll(bool* found, PollRecord* out) {
  return LatestPoll(db_, "WHERE ok = 1", found, out);
}

}  // namespace flexmail
