// The outbox: replies are queued in the transaction of the declaration they
// answer, so a committed declaration always has its replies waiting, and
// they leave the queue only through MarkReplySent or MarkReplyFailed.
#include <utility>

#include "db/codec.h"
#include "db/ledger.h"

namespace flexmail {
namespace {

using sql::Statement;
using store::Quoted;
using Mode = sql::Transaction::Mode;

struct StateSpelling {
  ReplyState state;
  std::string_view text;
};
constexpr StateSpelling kStates[] = {
    {ReplyState::kPending, "PENDING"},
    {ReplyState::kSent, "SENT"},
    {ReplyState::kFailed, "FAILED"},
};

bool ParseReplyState(std::string_view text, ReplyState* out) {
  for (const StateSpelling& s : kStates) {
    if (s.text == text) {
      *out = s.state;
      return true;
    }
  }
  return false;
}

// How outbox.recipients joins the envelope recipients.
constexpr std::string_view kSeparator = ", ";

// Splitting at each ", " gives the list back exactly when no recipient is
// empty or holds ", " itself (a trailing ',' is fine: ",," never matches).
Status CheckRecipients(const OutboxItem& item) {
  if (item.recipients.empty()) {
    return Status::InvalidInput("reply " + Quoted(item.message_id) + " has no recipient");
  }
  for (const std::string& r : item.recipients) {
    if (r.empty() || r.find(kSeparator) != std::string::npos) {
      return Status::InvalidInput("reply " + Quoted(item.message_id) + ": recipient " +
                                  Quoted(r) + " is empty or contains \", \"");
    }
  }
  return Status::Ok();
}

std::string JoinRecipients(const std::vector<std::string>& recipients) {
  std::string out;
  for (const std::string& r : recipients) {
    if (!out.empty()) out += kSeparator;
    out += r;
  }
  return out;
}

std::vector<std::string> SplitRecipients(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t sep = text.find(kSeparator);
    out.emplace_back(text.substr(0, sep));
    if (sep == std::string_view::npos) break;
    text.remove_prefix(sep + kSeparator.size());
  }
  return out;
}

std::optional<std::string> UtcOrNull(const std::optional<Instant>& t) {
  if (!t) return std::nullopt;
  return FormatUtcIso(*t);
}
std::optional<std::string> LocalOrNull(const std::optional<Instant>& t) {
  if (!t) return std::nullopt;
  return FormatLocalIso(*t);
}

Status ReadOptInstant(const Statement& st, int col, std::string_view column,
                      std::optional<Instant>* out) {
  out->reset();
  if (st.IsNull(col)) return Status::Ok();
  Instant t;
  Status s = store::ReadInstant(column, st.Text(col), &t);
  if (s.ok()) *out = t;
  return s;
}

constexpr std::string_view kSelectReply =
    "SELECT id, declaration_id, message_id, from_address, recipients, raw, state, attempts, "
    "created_at, next_attempt_at, sent_at, last_error, failed_at, message_ref FROM outbox";

Status ReplyFromRow(const Statement& st, OutboxItem* r) {
  r->id = st.Int(0);
  r->declaration_id = st.Int(1);
  r->message_id = st.Text(2);
  r->from = st.Text(3);
  r->recipients = SplitRecipients(st.Text(4));
  r->raw = st.BlobBytes(5);
  Status s;
  if (!ParseReplyState(st.Text(6), &r->state)) s = store::Corrupt("outbox.state", st.Text(6));
  r->attempts = static_cast<int>(st.Int(7));
  if (s.ok()) s = store::ReadInstant("outbox.created_at", st.Text(8), &r->created_at);
  if (s.ok()) s = store::ReadInstant("outbox.next_attempt_at", st.Text(9), &r->next_attempt_at);
  if (s.ok()) s = ReadOptInstant(st, 10, "outbox.sent_at", &r->sent_at);
  r->last_error = st.Text(11);
  if (s.ok()) s = ReadOptInstant(st, 12, "outbox.failed_at", &r->failed_at);
  r->message_ref = st.Int(13);  // NULL reads as 0: a declaration's reply
  return s;
}

// Appends the replies selected by `tail` (WHERE/ORDER BY/LIMIT).
template <typename... Params>
Status SelectReplies(sqlite3* db, std::string_view tail, std::vector<OutboxItem>* out,
                     const Params&... params) {
  return sql::AppendRows(db, std::string(kSelectReply) + std::string(tail), ReplyFromRow, out,
                         params...);
}

constexpr std::string_view kInsertReply = R"sql(
INSERT INTO outbox (declaration_id, message_id, from_address, recipients, raw, state, attempts,
  created_at, created_at_local, next_attempt_at, next_attempt_at_local, sent_at, sent_at_local,
  failed_at, failed_at_local, last_error, message_ref)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql";

Status InsertReply(sqlite3* db, const OutboxItem& r, std::int64_t* id) {
  Statement st;
  Status s = Statement::Prepare(db, kInsertReply, &st);
  if (!s.ok()) return s;
  s = st.BindAll(store::PositiveOrNull(r.declaration_id), r.message_id, r.from, JoinRecipients(r.recipients),
                 sql::Blob{r.raw}, ReplyStateName(r.state), r.attempts,
                 FormatUtcIso(r.created_at), FormatLocalIso(r.created_at),
                 FormatUtcIso(r.next_attempt_at), FormatLocalIso(r.next_attempt_at),
                 UtcOrNull(r.sent_at), LocalOrNull(r.sent_at), UtcOrNull(r.failed_at),
                 LocalOrNull(r.failed_at), r.last_error, store::PositiveOrNull(r.message_ref))
          .Run();
  if (s.ok()) *id = st.LastInsertId();
  return s;
}

// The stored state of reply `id`; "" when there is no such reply.
Status ReadState(sqlite3* db, std::int64_t id, std::string* state) {
  Statement st;
  Status s = Statement::Prepare(db, "SELECT state FROM outbox WHERE id = ?", &st);
  if (!s.ok()) return s;
  state->clear();
  return st.Bind(1, id).ForEach([&] {
    *state = st.Text(0);
    return Status::Ok();
  });
}

// Runs `update` (its parameters, then the id last) on reply `id` if it is
// still PENDING, in one write transaction; `what` names the change.
template <typename... Params>
Status Transition(sqlite3* db, std::int64_t id, std::string_view what, std::string_view update,
                  const Params&... params) {
  return sql::InTransaction(db, Mode::kWrite, [&] {
    std::string state;
    Status s = ReadState(db, id, &state);
    if (s.ok() && state.empty()) {
      s = Status::NotFound("no reply " + std::to_string(id) + " to mark " + std::string(what));
    }
    if (s.ok() && state != ReplyStateName(ReplyState::kPending)) {
      s = Status::Internal("reply " + std::to_string(id) + " is " + state +
                           ", not PENDING: cannot mark it " + std::string(what));
    }
    Statement st;
    if (s.ok()) s = Statement::Prepare(db, update, &st);
    if (s.ok()) s = st.BindAll(params..., id).Run();
    return s;
  });
}

}  // namespace

std::string_view ReplyStateName(ReplyState state) {
  for (const StateSpelling& s : kStates) {
    if (s.state == state) return s.text;
  }
  return "?";  // out-of-range value: the CHECK constraint refuses it
}

Status Ledger::EnqueueReply(sql::Transaction& tx, OutboxItem* item) {
  if (!tx.open()) return Status::Internal("EnqueueReply outside a transaction");
  Status s = CheckRecipients(*item);
  std::int64_t id = 0;
  if (s.ok()) s = InsertReply(tx.db(), *item, &id);
  if (s.ok()) item->id = id;
  return s;
}

Status Ledger::DueReplies(Instant now, int limit, std::vector<OutboxItem>* out) {
  out->clear();
  return SelectReplies(db_,
      " WHERE state = 'PENDING' AND next_attempt_at <= ? ORDER BY created_at, id LIMIT ?", out,
      FormatUtcIso(now), static_cast<std::int64_t>(limit > 0 ? limit : -1));
}

Status Ledger::CountReplies(ReplyState state, int* count) {
  sql::Statement st;
  Status s = sql::Statement::Prepare(db_, "SELECT count(*) FROM outbox WHERE state = ?", &st);
  if (!s.ok()) return s;
  *count = 0;
  return st.BindAll(std::string(ReplyStateName(state))).ForEach([&] {
    *count = static_cast<int>(st.Int(0));
    return Status::Ok();
  });
}

Status Ledger::MarkReplySent(std::int64_t id, Instant at) {
  return Transition(db_, id, "sent",
      "UPDATE outbox SET state = 'SENT', attempts = attempts + 1, sent_at = ?, "
      "sent_at_local = ? WHERE id = ?", FormatUtcIso(at), FormatLocalIso(at));
}

Status Ledger::MarkReplyRetry(std::int64_t id, Instant next_attempt_at, const std::string& error) {
  return Transition(db_, id, "for retry",
      "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, "
      "next_attempt_at_local = ?, last_error = ? WHERE id = ?",
      FormatUtcIso(next_attempt_at), FormatLocalIso(next_attempt_at), error);
}

Status Ledger::MarkReplyFailed(std::int64_t id, Instant at, const std::string& error) {
  return Transition(db_, id, "failed",
      "UPDATE outbox SET state = 'FAILED', attempts = attempts + 1, failed_at = ?, "
      "failed_at_local = ?, last_error = ? WHERE id = ?",
      FormatUtcIso(at), FormatLocalIso(at), error);
}

Status Ledger::Outbox(std::vector<OutboxItem>* out, int limit) {
  out->clear();
  return SelectReplies(db_, " ORDER BY created_at DESC, id DESC LIMIT ?", out,
                       static_cast<std::int64_t>(limit > 0 ? limit : -1));
}

Status Ledger::RepliesToDeclaration(std::int64_t id, std::vector<OutboxItem>* out) {
  out->clear();
  return SelectReplies(db_, " WHERE declaration_id = ? ORDER BY created_at, id", out, id);
}

Status Ledger::Reply(std::int64_t id, bool* found, OutboxItem* out) {
  std::vector<OutboxItem> rows;
  Status s = SelectReplies(db_, " WHERE id = ?", &rows, id);
  *found = s.ok() && !rows.empty();
  if (*found) *out = std::move(rows.front());
  return s;
}

Status Ledger::RecordAnsweredMessage(MessageRecord* m, const ReplyOf& reply, OutboxItem* item) {
  MessageRecord stored = *m;
  OutboxItem queued;
  sql::Transaction tx(db_);
  Status s = tx.Begin(sql::Transaction::Mode::kWrite);
  if (s.ok()) s = InsertMessage(tx, &stored);
  if (s.ok()) s = reply(stored, &queued);
  if (s.ok()) {
    queued.message_ref = stored.id;
    s = EnqueueReply(tx, &queued);
  }
  if (s.ok()) s = tx.Commit();
  if (!s.ok()) return s;  // ~Transaction rolls back
  *m = std::move(stored);
  *item = std::move(queued);
  return s;
}

}  // namespace flexmail
