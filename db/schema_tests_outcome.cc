// Migration 7: communication tests. A message may now end as TEST (answered,
// no declaration), so messages.outcome accepts it, and a reply may answer a
// message without a declaration, so outbox.declaration_id may be NULL when
// outbox.message_ref names the message. SQLite cannot change a CHECK or a
// NOT NULL in place: both tables are rebuilt, rows copied in id order (a
// duplicate's first sighting is copied before it), views and indexes made
// again. The new tables refer to themselves by their final names through the
// rename (RENAME rewrites references to the renamed table).
#include "db/schema.h"

#include <string>

namespace flexmail {

namespace {

constexpr std::string_view kMessagesRebuild = R"sql(
CREATE TABLE messages_v7 (
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
  outcome           TEXT NOT NULL
                      CHECK (outcome IN ('INTEGRATED', 'REJECTED', 'IGNORED', 'TEST')),
  reason            TEXT NOT NULL,
  folder            TEXT NOT NULL CHECK (folder IN ('Processed', 'Rejected', 'Ignored', '')),
  duplicate_of      INTEGER REFERENCES messages_v7 (id),  -- NULL: a first sighting
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  declaration_key   TEXT
    CHECK (length(declaration_key) = 64 AND NOT declaration_key GLOB '*[^0-9a-f]*'),
  auth_method       TEXT
    CHECK (auth_method IN ('dkim', 'authentication-results', 'smime', 'none')),
  auth_result       TEXT CHECK (auth_result IN ('pass', 'fail', 'temperror', 'none')),
  auth_detail       TEXT,
  shipper           TEXT,
  CHECK (source = 'cli' OR mailbox_key IS NOT NULL),
  CONSTRAINT messages_position UNIQUE (mailbox, validity, mailbox_key)
);
INSERT INTO messages_v7 (id, declaration_id, mailbox, validity, mailbox_key, message_id, sha256,
  sender, subject, received_at, received_at_local, source, raw, size, outcome, reason, folder,
  duplicate_of, created_at, declaration_key, auth_method, auth_result, auth_detail, shipper)
SELECT id, declaration_id, mailbox, validity, mailbox_key, message_id, sha256,
  sender, subject, received_at, received_at_local, source, raw, size, outcome, reason, folder,
  duplicate_of, created_at, declaration_key, auth_method, auth_result, auth_detail, shipper
  FROM messages ORDER BY id;
DROP VIEW IF EXISTS v_messages;
DROP TABLE messages;
ALTER TABLE messages_v7 RENAME TO messages;
CREATE UNIQUE INDEX messages_first_sighting ON messages (message_id, sha256)
  WHERE duplicate_of IS NULL;
CREATE INDEX messages_by_reception ON messages (received_at);
CREATE INDEX messages_by_declaration ON messages (declaration_id);
CREATE UNIQUE INDEX messages_declared_once ON messages (declaration_key)
  WHERE declaration_id IS NOT NULL AND duplicate_of IS NULL;
CREATE INDEX messages_auth_failures ON messages (shipper)
  WHERE auth_result IN ('fail', 'temperror');
)sql";

constexpr std::string_view kOutboxRebuild = R"sql(
CREATE TABLE outbox_v7 (
  id                    INTEGER PRIMARY KEY,
  declaration_id        INTEGER REFERENCES declarations (id),  -- NULL: a test's reply
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
  message_ref           INTEGER REFERENCES messages (id),  -- the message a test reply answers
  CHECK ((state = 'SENT') = (sent_at IS NOT NULL) AND (sent_at IS NULL) = (sent_at_local IS NULL)),
  CHECK ((state = 'FAILED') = (failed_at IS NOT NULL)
         AND (failed_at IS NULL) = (failed_at_local IS NULL)),
  CHECK (declaration_id IS NOT NULL OR message_ref IS NOT NULL)
);
INSERT INTO outbox_v7 (id, declaration_id, message_id, from_address, recipients, raw, state,
  attempts, created_at, created_at_local, next_attempt_at, next_attempt_at_local, sent_at,
  sent_at_local, failed_at, failed_at_local, last_error)
SELECT id, declaration_id, message_id, from_address, recipients, raw, state,
  attempts, created_at, created_at_local, next_attempt_at, next_attempt_at_local, sent_at,
  sent_at_local, failed_at, failed_at_local, last_error
  FROM outbox ORDER BY id;
DROP VIEW IF EXISTS v_outbox;
DROP VIEW IF EXISTS v_outbox_pending;
DROP TABLE outbox;
ALTER TABLE outbox_v7 RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (created_at) WHERE state = 'PENDING';
CREATE INDEX outbox_by_declaration ON outbox (declaration_id);
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
       o.last_error,
       o.message_ref AS message
  FROM outbox o
 ORDER BY o.created_at, o.id;
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
)sql";

}  // namespace

std::string_view CommunicationTestSql() {
  static const std::string sql = std::string(kMessagesRebuild) +
                                 std::string(MessagesViewWithAuthenticationSql()) +
                                 std::string(kOutboxRebuild);
  return sql;
}

}  // namespace flexmail
