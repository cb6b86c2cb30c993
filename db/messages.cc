// The messages table: every email received, stored once, with what became
// of it. The UNIQUE constraints (see schema_mail.cc) are the exactly-once
// guarantee; their failures are reported as kInvalidInput so the caller can
// tell "already seen" from a broken ledger.
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "db/codec.h"
#include "db/ledger.h"

#include <algorithm>
#include "db/sha256.h"

namespace flexmail {
namespace {

using sql::Statement;
using store::Quoted;
using store::PositiveOrNull;
using store::TextOrNull;
using Mode = sql::Transaction::Mode;

// Column 23 is the raw bytes, or NULL when the caller does not want them.
constexpr std::string_view kSelectMessage =
    "SELECT id, declaration_id, mailbox, validity, mailbox_key, message_id, sha256, sender, "
    "subject, received_at, source, outcome, reason, folder, duplicate_of, declaration_key, "
    "auth_method, auth_result, auth_detail, shipper, body_text, raw_kept, message_size, ";

// The condition of the index messages_declared_once, which answers the
// lookups by declaration key.
constexpr std::string_view kDeclaredOnce =
    " WHERE declaration_key = ? AND declaration_id IS NOT NULL AND duplicate_of IS NULL";

Status MessageFromRow(const Statement& st, MessageRecord* m) {
  m->id = st.Int(0);
  m->declaration_id = st.Int(1);  // NULL reads as 0: none
  m->mailbox = st.Text(2);
  m->validity = static_cast<std::uint64_t>(st.Int(3));  // CHECK: >= 0
  m->mailbox_key = st.Text(4);
  m->message_id = st.Text(5);
  m->sha256 = st.Text(6);
  m->sender = st.Text(7);
  m->subject = st.Text(8);
  Status s = store::ReadInstant("messages.received_at", st.Text(9), &m->received_at);
  m->source = st.Text(10);
  if (s.ok() && !store::ParseOutcome(st.Text(11), &m->outcome)) {
    s = store::Corrupt("messages.outcome", st.Text(11));
  }
  m->reason = st.Text(12);
  m->folder = st.Text(13);
  m->duplicate_of = st.Int(14);
  m->declaration_key = st.Text(15);  // NULL reads as "": none
  m->auth_method = st.Text(16);      // NULL: not authenticated (ignored earlier)
  m->auth_result = st.Text(17);
  m->auth_detail = st.Text(18);
  m->shipper = st.Text(19);
  m->body_text = st.Text(20);  // NULL: stored before texts were kept
  const std::string kept = st.Text(21);
  m->raw_kept = kept == "HEADER" ? RawKept::kHeader : kept == "NONE" ? RawKept::kNone
                                                                     : RawKept::kFull;
  m->message_size = static_cast<std::uint64_t>(st.Int(22));  // NULL reads as 0: unknown
  m->raw = st.BlobBytes(23);
  return s;
}

// Appends the messages selected by `tail` (WHERE/ORDER BY/LIMIT).
template <typename... Params>
Status SelectMessages(sqlite3* db, bool with_raw, std::string_view tail,
                      std::vector<MessageRecord>* out, const Params&... params) {
  std::string query(kSelectMessage);
  query += with_raw ? "raw FROM messages" : "NULL FROM messages";
  query += tail;
  return sql::AppendRows(db, query, MessageFromRow, out, params...);
}

template <typename... Params>
Status FindOne(sqlite3* db, bool with_raw, std::string_view tail, bool* found,
               MessageRecord* out, const Params&... params) {
  std::vector<MessageRecord> rows;
  Status s = SelectMessages(db, with_raw, tail, &rows, params...);
  *found = s.ok() && !rows.empty();
  if (*found) *out = std::move(rows.front());
  return s;
}

// What the schema cannot check: the digest is the raw bytes' own, and the
// UIDVALIDITY fits SQLite's signed integers.
Status CheckMessage(MessageRecord* m) {
  if (m->validity > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return Status::InvalidInput("UIDVALIDITY " + std::to_string(m->validity) + " of mailbox " +
                                Quoted(m->mailbox) + " is out of range");
  }
  if (m->raw_kept != RawKept::kFull) {
    // Only part of what was read is kept: the digest is of the whole.
    if (m->sha256.size() != 64) return Status::Internal("message without the digest of its bytes");
    return Status::Ok();
  }
  std::string digest = Sha256Hex(m->raw);
  if (m->sha256.empty()) m->sha256 = digest;
  if (m->sha256 != digest) {
    return Status::Internal("message sha256 " + Quoted(m->sha256) +
                            " is not the digest of its raw bytes (" + digest + ")");
  }
  return Status::Ok();
}

constexpr std::string_view kInsertMessage = R"sql(
INSERT INTO messages (declaration_id, mailbox, validity, mailbox_key, message_id, sha256,
  sender, subject, received_at, received_at_local, source, raw, size, outcome, reason, folder,
  duplicate_of, declaration_key, auth_method, auth_result, auth_detail, shipper, body_text,
  raw_kept, message_size)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql";

Status InsertRow(sqlite3* db, const MessageRecord& m, std::int64_t* id) {
  Statement st;
  Status s = Statement::Prepare(db, kInsertMessage, &st);
  if (!s.ok()) return s;
  s = st.BindAll(PositiveOrNull(m.declaration_id), m.mailbox, static_cast<std::int64_t>(m.validity),
                 TextOrNull(m.mailbox_key), m.message_id, m.sha256, m.sender, m.subject,
                 FormatUtcIso(m.received_at), FormatLocalIso(m.received_at), m.source,
                 sql::Blob{m.raw}, static_cast<std::int64_t>(m.raw.size()),
                 store::OutcomeText(m.outcome), m.reason, m.folder, PositiveOrNull(m.duplicate_of),
                 TextOrNull(m.declaration_key), TextOrNull(m.auth_method),
                 TextOrNull(m.auth_result), TextOrNull(m.auth_detail), TextOrNull(m.shipper),
                 TextOrNull(m.body_text), RawKeptName(m.raw_kept),
                 static_cast<std::int64_t>(std::max<std::uint64_t>(m.message_size, m.raw.size())))
          .Run();
  if (s.ok()) *id = st.LastInsertId();
  return s;
}

// After a UNIQUE failure: which exactly-once constraint the message broke,
// and the message already stored in its place. The failed INSERT undid only
// itself, so the transaction can still be read.
Status NameConflict(sqlite3* db, const MessageRecord& m, const Status& failure) {
  bool found = false;
  MessageRecord stored;
  Status s = FindOne(db, false, " WHERE mailbox = ? AND validity = ? AND mailbox_key = ?",
                     &found, &stored, m.mailbox, static_cast<std::int64_t>(m.validity),
                     m.mailbox_key);
  if (s.ok() && found) {
    return Status::InvalidInput("UNIQUE messages_position: mailbox " + Quoted(m.mailbox) +
                                " validity " + std::to_string(m.validity) + " key " +
                                Quoted(m.mailbox_key) + " already holds message " +
                                std::to_string(stored.id));
  }
  if (s.ok() && m.duplicate_of == 0) {
    s = FindOne(db, false, " WHERE message_id = ? AND sha256 = ? AND duplicate_of IS NULL",
                &found, &stored, m.message_id, m.sha256);
  }
  if (s.ok() && found) {
    return Status::InvalidInput("UNIQUE messages_first_sighting: Message-ID " +
                                Quoted(m.message_id) + " sha256 " + m.sha256 +
                                " was first seen as message " + std::to_string(stored.id));
  }
  if (s.ok() && m.duplicate_of == 0 && m.declaration_id != 0 && !m.declaration_key.empty()) {
    s = FindOne(db, false, kDeclaredOnce, &found, &stored, m.declaration_key);
  }
  if (s.ok() && found) {
    return Status::InvalidInput("UNIQUE messages_declared_once: declaration key " +
                                m.declaration_key + " was declared by message " +
                                std::to_string(stored.id));
  }
  return s.ok() ? failure : s;
}

// Checks and inserts *m in the caller's write transaction; sets m->id.
Status StoreMessage(sqlite3* db, MessageRecord* m) {
  Status s = CheckMessage(m);
  if (!s.ok()) return s;
  std::int64_t id = 0;
  s = InsertRow(db, *m, &id);
  // The connection's error code is this INSERT's: nothing ran since.
  if (!s.ok() && sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE) {
    return NameConflict(db, *m, s);
  }
  if (s.ok()) m->id = id;
  return s;
}

}  // namespace

std::string_view RawKeptName(RawKept k) {
  switch (k) {
    case RawKept::kFull: return "FULL";
    case RawKept::kHeader: return "HEADER";
    case RawKept::kNone: break;
  }
  return "NONE";
}

Status Ledger::IgnoredKeptOn(const std::string& local_day, IgnoredDay* out) {
  *out = IgnoredDay();
  Statement st;
  Status s = Statement::Prepare(db_,
      "SELECT count(*), coalesce(sum(length(raw)), 0), "
      "coalesce(sum(raw_kept = 'NONE'), 0) FROM messages "
      "WHERE outcome = 'IGNORED' AND received_at_local >= ?1 AND received_at_local < ?1 || 'U'",
      &st);
  if (!s.ok()) return s;
  return st.Bind(1, local_day).ForEach([&] {
    out->messages = st.Int(0);
    out->kept_bytes = st.Int(1);
    out->dropped = st.Int(2);
    return Status::Ok();
  });
}

Status Ledger::InsertMessage(sql::Transaction& tx, MessageRecord* m) {
  if (!tx.open()) return Status::Internal("InsertMessage outside a transaction");
  return StoreMessage(tx.db(), m);
}

Status Ledger::RecordMessage(MessageRecord* m) {
  MessageRecord stored = *m;
  Status s = sql::InTransaction(db_, Mode::kWrite, [&] { return StoreMessage(db_, &stored); });
  if (s.ok()) *m = std::move(stored);
  return s;
}

Status Ledger::FindMessageAt(const std::string& mailbox, std::uint64_t validity,
                             const std::string& key, bool* found, MessageRecord* out) {
  *found = false;
  // An empty key is stored as NULL, which no position equals.
  if (key.empty()) return Status::Ok();
  if (validity > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return Status::Ok();  // never stored
  }
  return FindOne(db_, true, " WHERE mailbox = ? AND validity = ? AND mailbox_key = ?", found,
                 out, mailbox, static_cast<std::int64_t>(validity), key);
}

Status Ledger::FindMessageByContent(const std::string& message_id, const std::string& sha256,
                                    bool* found, MessageRecord* out) {
  // The condition repeats the partial index's, so the index answers.
  return FindOne(db_, true, " WHERE message_id = ? AND sha256 = ? AND duplicate_of IS NULL",
                 found, out, message_id, sha256);
}

Status Ledger::FindMessageByDeclarationKey(const std::string& key, bool* found,
                                           MessageRecord* out) {
  *found = false;
  if (key.empty()) return Status::Ok();  // stored as NULL, which no key equals
  return FindOne(db_, true, kDeclaredOnce, found, out, key);
}

Status Ledger::MessageOfDeclaration(std::int64_t id, bool with_raw, bool* found,
                                    MessageRecord* out) {
  // A duplicate never names the declaration (it made none); the first
  // sighting does, once (messages_declared_once).
  return FindOne(db_, with_raw, " WHERE declaration_id = ? AND duplicate_of IS NULL ORDER BY id",
                 found, out, id);
}

Status Ledger::Messages(int limit, std::vector<MessageRecord>* out) {
  out->clear();
  return SelectMessages(db_, false, " ORDER BY received_at DESC, id DESC LIMIT ?", out,
                        static_cast<std::int64_t>(limit > 0 ? limit : -1));
}

Status Ledger::LastFailureReply(const std::string& shipper, bool* found, Instant* at) {
  Statement st;
  Status s = Statement::Prepare(db_, R"sql(
SELECT max(o.created_at) FROM outbox o JOIN messages m ON m.declaration_id = o.declaration_id
 WHERE m.shipper = ? AND m.auth_result IN ('fail', 'temperror'))sql", &st);
  *found = false;
  if (!s.ok()) return s;
  return st.BindAll(shipper).ForEach([&] {
    if (st.IsNull(0)) return Status::Ok();
    *found = true;
    return store::ReadInstant("outbox.created_at", st.Text(0), at);
  });
}

Status Ledger::CountAuthTempFailures(Instant since, int* count) {
  Statement st;
  Status s = Statement::Prepare(db_, R"sql(
SELECT count(*) FROM messages
 WHERE auth_result = 'temperror' AND outcome = 'REJECTED' AND received_at >= ?)sql", &st);
  if (!s.ok()) return s;
  return st.BindAll(FormatUtcIso(since)).ForEach([&] {
    *count = static_cast<int>(st.Int(0));
    return Status::Ok();
  });
}

}  // namespace flexmail
