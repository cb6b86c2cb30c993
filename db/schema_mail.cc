// Migration 3: the email channel. What each message received became, the
// replies waiting to be sent and the inbox polls, with their operator views.
//
//   -- What arrived today and what became of it:
//   SELECT * FROM v_messages WHERE received LIKE '2026-12-03%';
//
//   -- Replies not sent yet, and why the last attempt failed:
//   SELECT * FROM v_outbox_pending;
//
//   -- Is the inbox being read?
//   SELECT * FROM v_polls LIMIT 5;
//
// Exactly-once rests on two constraints of `messages`: a mailbox position
// (mailbox, UIDVALIDITY, UID or Maildir name) is stored once, and a content
// (Message-ID, SHA-256 of the raw bytes) has one first sighting; later
// sightings point at it through duplicate_of.
//
// Migration 4 adds the declaration key, which outlives transport headers
// (see kDeclarationKeySql).
#include "db/schema.h"

#include <string>

namespace flexmail {
namespace {

constexpr std::string_view kMailSql = R"sql(
-- mailbox_key NULL: no mailbox position (a message given to `ingest`).
CREATE TABLE messages (
  id                INTEGER PRIMARY KEY,
  declaration_id    INTEGER REFERENCES declarations (id),  -- NULL: none was made
  mailbox           TEXT NOT NULL CHECK (mailbox <> ''),
  validity          INTEGER NOT NULL CHECK (validity >= 0),
  mailbox_key       TEXT CHECK (mailbox_key <> ''),
  message_id        TEXT NOT NULL,
  sha256            TEXT NOT NULL CHECK (length(sha256) = 64 AND NOT sha256 GLOB '*[^0-9a-f]*'),
  sender            TEXT NOT NULL,
  subject           TEXT NOT NULL,
  received_at       TEXT NOT NULL CHECK (received_at LIKE '____-__-__T__:__:__.___Z'),
  received_at_local TEXT NOT NULL CHECK (received_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  source            TEXT NOT NULL CHECK (source IN ('cli', 'maildir', 'imap')),
  raw               BLOB NOT NULL,
  size              INTEGER NOT NULL CHECK (size = length(raw)),
  outcome           TEXT NOT NULL CHECK (outcome IN ('INTEGRATED', 'REJECTED', 'IGNORED')),
  reason            TEXT NOT NULL,
  folder            TEXT NOT NULL CHECK (folder IN ('Processed', 'Rejected', 'Ignored', '')),
  duplicate_of      INTEGER REFERENCES messages (id),  -- NULL: a first sighting
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  -- A message read from a mailbox always has a position there.
  CHECK (source = 'cli' OR mailbox_key IS NOT NULL),
  CONSTRAINT messages_position UNIQUE (mailbox, validity, mailbox_key)
);
CREATE UNIQUE INDEX messages_first_sighting ON messages (message_id, sha256)
  WHERE duplicate_of IS NULL;
CREATE INDEX messages_by_reception ON messages (received_at);
CREATE INDEX messages_by_declaration ON messages (declaration_id);

-- recipients: the envelope recipients joined with ", " (none contains ", ").
-- sent_at is set exactly when SENT, failed_at exactly when FAILED.
CREATE TABLE outbox (
  id                    INTEGER PRIMARY KEY,
  declaration_id        INTEGER NOT NULL REFERENCES declarations (id),
  message_id            TEXT NOT NULL UNIQUE CHECK (message_id <> ''),
  from_address          TEXT NOT NULL,
  recipients            TEXT NOT NULL CHECK (recipients <> ''),
  raw                   BLOB NOT NULL,
  state                 TEXT NOT NULL CHECK (state IN ('PENDING', 'SENT', 'FAILED')),
  attempts              INTEGER NOT NULL CHECK (attempts >= 0),
  created_at            TEXT NOT NULL CHECK (created_at LIKE '____-__-__T__:__:__.___Z'),
  created_at_local      TEXT NOT NULL CHECK (created_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  next_attempt_at       TEXT NOT NULL CHECK (next_attempt_at LIKE '____-__-__T__:__:__.___Z'),
  next_attempt_at_local TEXT NOT NULL
                          CHECK (next_attempt_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  sent_at               TEXT CHECK (sent_at LIKE '____-__-__T__:__:__.___Z'),
  sent_at_local         TEXT CHECK (sent_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  failed_at             TEXT CHECK (failed_at LIKE '____-__-__T__:__:__.___Z'),
  failed_at_local       TEXT CHECK (failed_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  last_error            TEXT NOT NULL,
  CHECK ((state = 'SENT') = (sent_at IS NOT NULL) AND (sent_at IS NULL) = (sent_at_local IS NULL)),
  CHECK ((state = 'FAILED') = (failed_at IS NOT NULL)
         AND (failed_at IS NULL) = (failed_at_local IS NULL))
);
CREATE INDEX outbox_pending ON outbox (created_at) WHERE state = 'PENDING';
CREATE INDEX outbox_by_declaration ON outbox (declaration_id);

-- Pruned to the latest polls (and the latest successful one) on each insert.
CREATE TABLE polls (
  id                 INTEGER PRIMARY KEY,  -- recording order: the latest is the highest
  started_at         TEXT NOT NULL CHECK (started_at LIKE '____-__-__T__:__:__.___Z'),
  started_at_local   TEXT NOT NULL CHECK (started_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  finished_at        TEXT NOT NULL CHECK (finished_at LIKE '____-__-__T__:__:__.___Z'),
  finished_at_local  TEXT NOT NULL CHECK (finished_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  ok                 INTEGER NOT NULL CHECK (ok IN (0, 1)),
  error              TEXT NOT NULL,
  messages_waiting   INTEGER NOT NULL CHECK (messages_waiting >= 0),
  messages_processed INTEGER NOT NULL CHECK (messages_processed >= 0)
);

-- Every message received, without its bytes, in reception order.
CREATE VIEW v_messages AS
SELECT m.id,
       m.received_at_local AS received,
       m.sender,
       m.subject,
       m.outcome,
       m.reason,
       m.folder,
       m.declaration_id AS declaration,
       m.duplicate_of
  FROM messages m
 ORDER BY m.received_at, m.id;

-- Every reply, without its bytes, in the order they were queued.
CREATE VIEW v_outbox AS
SELECT o.id,
       o.declaration_id AS declaration,
       o.message_id,
       o.recipients,
       o.state,
       o.attempts,
       o.next_attempt_at_local AS next_attempt,
       o.sent_at_local AS sent,
       o.failed_at_local AS failed,
       o.last_error
  FROM outbox o
 ORDER BY o.created_at, o.id;

-- The replies still to send, in the order they will be tried.
CREATE VIEW v_outbox_pending AS
SELECT o.id,
       o.declaration_id AS declaration,
       o.message_id,
       o.recipients,
       o.attempts,
       o.created_at_local AS created,
       o.next_attempt_at_local AS next_attempt,
       o.last_error
  FROM outbox o
 WHERE o.state = 'PENDING'
 ORDER BY o.created_at, o.id;

-- Inbox polls, latest first.
CREATE VIEW v_polls AS
SELECT p.id,
       p.started_at_local AS started,
       p.finished_at_local AS finished,
       CAST(round((julianday(p.finished_at) - julianday(p.started_at)) * 86400000) AS INTEGER)
         AS duration_ms,
       p.ok,
       p.error,
       p.messages_waiting AS waiting,
       p.messages_processed AS processed
  FROM polls p
 ORDER BY p.id DESC;
)sql";

// Migration 4: a copy of a message redelivered with other transport headers
// (one more Received:, a mailbox rule) has other bytes, yet carries the same
// declaration. Its key is the SHA-256 of the Message-ID, the sender and the
// CSV files (names and bytes, in order), computed by the intake; NULL when
// there is none (no Message-ID, unreadable, or stored before this migration).
//
// Unique only among the messages that made a declaration: a declaration is
// judged (and answered) once. Not among all first sightings: a message
// ignored without a declaration (sender unknown then, a list's copy with
// Precedence: list) must not keep a later copy of it from being judged, and
// both are first sightings with the same key. The index also serves the
// intake's lookup, whose condition repeats the index's.
constexpr std::string_view kDeclarationKeySql = R"sql(
ALTER TABLE messages ADD COLUMN declaration_key TEXT
  CHECK (length(declaration_key) = 64 AND NOT declaration_key GLOB '*[^0-9a-f]*');
CREATE UNIQUE INDEX messages_declared_once ON messages (declaration_key)
  WHERE declaration_id IS NOT NULL AND duplicate_of IS NULL;
)sql";

}  // namespace

std::string_view MailSchemaSql() { return kMailSql; }

std::string_view DeclarationKeySql() { return kDeclarationKeySql; }

// Migration 8: a poll that failed because of the configuration or the
// server's answer to our credentials (refused login, refused OAuth2 client,
// untrusted certificate, unusable relay) will fail again until someone acts:
// `status` says so at once instead of waiting for three poll intervals.
std::string_view PollsNeedOperatorSql() {
  return R"sql(
ALTER TABLE polls ADD COLUMN needs_operator INTEGER NOT NULL DEFAULT 0
  CHECK (needs_operator IN (0, 1));
DROP VIEW IF EXISTS v_polls;
CREATE VIEW v_polls AS
SELECT p.id,
       p.started_at_local AS started,
       p.finished_at_local AS finished,
       CAST(round((julianday(p.finished_at) - julianday(p.started_at)) * 86400000) AS INTEGER)
         AS duration_ms,
       p.ok,
       p.error,
       p.needs_operator,
       p.messages_waiting AS waiting,
       p.messages_processed AS processed
  FROM polls p
 ORDER BY p.id DESC;
)sql";
}

std::string_view MessagesViewWithAuthenticationSql() {
  return R"sql(
CREATE VIEW v_messages AS
SELECT m.id,
       m.received_at_local AS received,
       m.sender,
       m.subject,
       m.outcome,
       m.reason,
       m.folder,
       m.declaration_id AS declaration,
       m.duplicate_of,
       m.auth_method AS authentication,
       m.auth_result,
       m.auth_detail
  FROM messages m
 ORDER BY m.received_at, m.id;
)sql";
}

// Migration 6: each message's sender authentication verdict and the shipper
// its From belongs to (NULL for messages stored before, or ignored before
// authentication); v_messages shows the verdict last.
std::string_view AuthenticationSql() {
  static const std::string sql = R"sql(
ALTER TABLE messages ADD COLUMN auth_method TEXT
  CHECK (auth_method IN ('dkim', 'authentication-results', 'smime', 'none'));
ALTER TABLE messages ADD COLUMN auth_result TEXT
  CHECK (auth_result IN ('pass', 'fail', 'temperror', 'none'));
ALTER TABLE messages ADD COLUMN auth_detail TEXT;
ALTER TABLE messages ADD COLUMN shipper TEXT;
CREATE INDEX messages_auth_failures ON messages (shipper)
  WHERE auth_result IN ('fail', 'temperror');
DROP VIEW IF EXISTS v_messages;
)sql" + std::string(MessagesViewWithAuthenticationSql());
  return sql;
}

// What `status`, the console and the metrics count would otherwise read
// row by row, raw messages included: megabytes once months of mail are
// kept. Replies by state, and the messages refused for a DNS failure
// during authentication (the health's "temperror in the last 24 h").
std::string_view MonitoringIndexesSql() {
  return R"sql(
CREATE INDEX outbox_by_state ON outbox (state);
CREATE INDEX messages_auth_temperrors ON messages (received_at)
  WHERE auth_result = 'temperror' AND outcome = 'REJECTED';
)sql";
}

}  // namespace flexmail
