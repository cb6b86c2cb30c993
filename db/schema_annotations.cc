// Migration 14: the dispatcher's notes on declarations (`flexmail annotate`),
// and the text of each message (where shippers write what the files do not
// say).
#include "db/schema.h"

namespace flexmail {
namespace {

constexpr std::string_view kAnnotationsSql = R"sql(
-- A note a person adds to a declaration ("confirmé par téléphone avec
-- M. X à 10h32"): who, when, what. Never changed nor deleted: a correction
-- is another note.
CREATE TABLE annotations (
  id               INTEGER PRIMARY KEY,
  declaration_id   INTEGER NOT NULL REFERENCES declarations (id),
  text             TEXT NOT NULL CHECK (text <> ''),
  written_by       TEXT NOT NULL CHECK (written_by <> ''),
  written_at       TEXT NOT NULL CHECK (written_at LIKE '____-__-__T__:__:__.___Z'),
  written_at_local TEXT NOT NULL CHECK (written_at_local LIKE '____-__-__T__:__:__.___+__:__')
);
CREATE INDEX annotations_by_declaration ON annotations (declaration_id, id);

CREATE TRIGGER annotations_never_updated BEFORE UPDATE ON annotations
BEGIN
  SELECT RAISE(ABORT, 'a note is never changed: add another');
END;
CREATE TRIGGER annotations_never_deleted BEFORE DELETE ON annotations
BEGIN
  SELECT RAISE(ABORT, 'a note is never deleted: add another');
END;

-- Every note, by declaration then in the order written.
CREATE VIEW v_annotations AS
SELECT a.id,
       a.declaration_id AS declaration,
       a.written_at_local AS written,
       a.written_by,
       a.text
  FROM annotations a
 ORDER BY a.declaration_id, a.id;

-- The message's own text, decoded to UTF-8, at most 64 KiB (NULL: none,
-- or a message stored before texts were kept).
ALTER TABLE messages ADD COLUMN body_text TEXT;

-- How much of a message the ledger keeps (raw): FULL (every byte: a
-- message within the limits from a known sender), HEADER (its header
-- section only: too large, or ignored), NONE (nothing: ignored beyond the
-- day's cap). message_size is the size of the whole message, as announced
-- by the mailbox (NULL in rows written before); sha256 stays the digest of
-- the bytes read, which identifies copies of the same message.
ALTER TABLE messages ADD COLUMN raw_kept TEXT NOT NULL DEFAULT 'FULL'
  CHECK (raw_kept IN ('FULL', 'HEADER', 'NONE'));
ALTER TABLE messages ADD COLUMN message_size INTEGER CHECK (message_size >= 0);
-- What the day's IGNORED messages keep: see [limits] max_ignored_bytes_per_day.
CREATE INDEX messages_ignored_by_day ON messages (received_at_local)
  WHERE outcome = 'IGNORED';

-- The text of each message that has one, in reception order.
CREATE VIEW v_message_texts AS
SELECT m.id AS message,
       m.declaration_id AS declaration,
       m.received_at_local AS received,
       m.sender,
       m.subject,
       m.body_text AS text
  FROM messages m
 WHERE m.body_text IS NOT NULL
 ORDER BY m.received_at, m.id;
)sql";

}  // namespace

std::string_view AnnotationsSql() { return kAnnotationsSql; }

}  // namespace flexmail
