// The ledger schema. Operators read it with the sqlite3 shell alone, through
// the v_* views, whose time columns are Paris local time with the offset:
//
//   sqlite3 -readonly -box flexmail.db
//
//   -- What came in on 3 December (local) and how each declaration ended:
//   SELECT * FROM v_declarations WHERE received LIKE '2026-12-03%';
//
//   -- Why declaration 42 was rejected, file by file and line by line:
//   SELECT * FROM v_errors WHERE declaration = 42;
//
//   -- The reference programme LI0001 follows now for gas day 2026-12-03,
//   -- and the programmes that built it:
//   SELECT slot, slot_start, quantity, programme FROM v_reference_current
//    WHERE site = 'LI0001' AND gas_day = '2026-12-03';
//   SELECT * FROM v_programmes WHERE site = 'LI0001' AND gas_day = '2026-12-03';
//
// Instants are stored twice: `*_at` in UTC ("…T05:00:00.000Z", the form the
// code compares, fixed width so text order is time order) and `*_at_local`
// for people. Gas days are "YYYY-MM-DD". CHECK constraints hold the closed
// sets and formats, so a bug in the writer fails loudly instead of storing
// something the views or the rules would misread.
#include "db/schema.h"

#include <sqlite3.h>

#include <string>

#include "db/sqlite.h"

namespace flexmail {
namespace {

constexpr std::string_view kTablesSql = R"sql(
CREATE TABLE declarations (
  id                INTEGER PRIMARY KEY,
  received_at       TEXT NOT NULL CHECK (received_at LIKE '____-__-__T__:__:__.___Z'),
  received_at_local TEXT NOT NULL CHECK (received_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  sender            TEXT NOT NULL,
  source            TEXT NOT NULL CHECK (source IN ('cli', 'maildir', 'imap')),
  outcome           TEXT NOT NULL CHECK (outcome IN ('INTEGRATED', 'REJECTED', 'IGNORED')),
  -- When the row was written; for audit only, no rule reads it.
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX declarations_by_reception ON declarations (received_at);

CREATE TABLE declaration_files (
  id             INTEGER PRIMARY KEY,
  declaration_id INTEGER NOT NULL REFERENCES declarations (id),
  ordinal        INTEGER NOT NULL CHECK (ordinal >= 0),
  name           TEXT NOT NULL,
  bytes          BLOB NOT NULL,
  size           INTEGER NOT NULL CHECK (size = length(bytes)),
  sha256         TEXT NOT NULL CHECK (length(sha256) = 64 AND NOT sha256 GLOB '*[^0-9a-f]*'),
  UNIQUE (declaration_id, ordinal)
);

CREATE TABLE diagnostics (
  id             INTEGER PRIMARY KEY,
  declaration_id INTEGER NOT NULL REFERENCES declarations (id),
  ordinal        INTEGER NOT NULL CHECK (ordinal >= 0),
  severity       TEXT NOT NULL CHECK (severity IN ('ERROR', 'WARNING')),
  code           TEXT NOT NULL CHECK (code <> '' AND NOT code GLOB '*[^A-Z0-9_]*'),
  message        TEXT NOT NULL,
  file           TEXT,                          -- NULL: not about one file
  line           INTEGER CHECK (line > 0),      -- NULL: not about one line
  field          INTEGER CHECK (field > 0),     -- NULL: not about one field
  UNIQUE (declaration_id, ordinal)
);

CREATE TABLE indicator_publications (
  id                 INTEGER PRIMARY KEY,  -- seq: orders equal published_at
  mesh               TEXT NOT NULL CHECK (mesh GLOB 'ME[0-9][0-9][0-9][0-9]'),
  indicator          TEXT NOT NULL CHECK (indicator IN ('Q_MINUS', 'Q_PLUS', 'PARTIAL')),
  status             TEXT NOT NULL CHECK (status IN ('GREEN', 'RED', 'GREY')),
  published_at       TEXT NOT NULL CHECK (published_at LIKE '____-__-__T__:__:__.___Z'),
  published_at_local TEXT NOT NULL CHECK (published_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  applied_at         TEXT NOT NULL CHECK (applied_at LIKE '____-__-__T__:__:__.___Z'),
  applied_at_local   TEXT NOT NULL CHECK (applied_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  CHECK (applied_at >= published_at)
);
CREATE INDEX indicator_publications_by_key
  ON indicator_publications (mesh, indicator, published_at);

CREATE TABLE shortages (
  id                INTEGER PRIMARY KEY,
  gas_day           TEXT NOT NULL CHECK (gas_day = date(gas_day)),
  mesh              TEXT CHECK (mesh GLOB 'ME[0-9][0-9][0-9][0-9]'),  -- NULL: every mesh
  declared_at       TEXT NOT NULL CHECK (declared_at LIKE '____-__-__T__:__:__.___Z'),
  declared_at_local TEXT NOT NULL CHECK (declared_at_local LIKE '____-__-__T__:__:__.___+__:__')
);
CREATE INDEX shortages_by_day ON shortages (gas_day);

CREATE TABLE programmes (
  id                  INTEGER PRIMARY KEY,
  hms_profile_id      TEXT NOT NULL UNIQUE CHECK (hms_profile_id <> ''),
  declaration_id      INTEGER NOT NULL REFERENCES declarations (id),
  file                TEXT NOT NULL,
  line                INTEGER NOT NULL CHECK (line >= 0),
  site                TEXT NOT NULL CHECK (site GLOB 'LI[0-9][0-9][0-9][0-9]'),
  site_label          TEXT NOT NULL,
  mesh                TEXT NOT NULL CHECK (mesh GLOB 'ME[0-9][0-9][0-9][0-9]'),
  gas_day             TEXT NOT NULL CHECK (gas_day = date(gas_day)),
  contract            TEXT NOT NULL CHECK (contract <> ''),
  version             INTEGER NOT NULL CHECK (version > 0),
  -- declarationDateTime as the shipper wrote it: Paris wall clock, no offset.
  created_local       TEXT CHECK (created_local LIKE '____-__-__T__:__:__.___'),
  received_at         TEXT NOT NULL CHECK (received_at LIKE '____-__-__T__:__:__.___Z'),
  received_at_local   TEXT NOT NULL CHECK (received_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  tech_qmin           REAL NOT NULL,
  tech_qmax           REAL NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('ACCEPTED', 'REFUSED')),
  superseded          INTEGER NOT NULL CHECK (superseded IN (0, 1)),
  path                TEXT NOT NULL CHECK (path IN ('EARLY', 'SHORTAGE', 'EMPTY_WINDOW', 'CHECKED')),
  comment             TEXT NOT NULL,
  -- The three indicator statuses applied; *_known = 0 when no publication
  -- was applied yet and the configured default was used.
  q_minus             TEXT NOT NULL CHECK (q_minus IN ('GREEN', 'RED', 'GREY')),
  q_minus_known       INTEGER NOT NULL CHECK (q_minus_known IN (0, 1)),
  q_minus_publication INTEGER REFERENCES indicator_publications (id),
  q_plus              TEXT NOT NULL CHECK (q_plus IN ('GREEN', 'RED', 'GREY')),
  q_plus_known        INTEGER NOT NULL CHECK (q_plus_known IN (0, 1)),
  q_plus_publication  INTEGER REFERENCES indicator_publications (id),
  partial             TEXT NOT NULL CHECK (partial IN ('GREEN', 'RED', 'GREY')),
  partial_known       INTEGER NOT NULL CHECK (partial_known IN (0, 1)),
  partial_publication INTEGER REFERENCES indicator_publications (id),
  CHECK (status = 'ACCEPTED' OR superseded = 0),
  UNIQUE (site, gas_day, version)
);
CREATE INDEX programmes_by_declaration ON programmes (declaration_id);

-- slots: the slot indices of the gas day ("8,9,10"), for the code;
-- hours: the same as the shipper reads them ("14h00, 15h00, 16h00").
CREATE TABLE programme_violations (
  programme_id INTEGER NOT NULL REFERENCES programmes (id),
  ordinal      INTEGER NOT NULL CHECK (ordinal >= 0),
  code         TEXT NOT NULL CHECK (code <> '' AND NOT code GLOB '*[^A-Z0-9_]*'),
  slots        TEXT NOT NULL CHECK (NOT slots GLOB '*[^0-9,]*'),
  hours        TEXT NOT NULL,
  PRIMARY KEY (programme_id, ordinal)
) WITHOUT ROWID;

-- quantity NULL: left empty by the shipper (a past hour).
CREATE TABLE programme_slots (
  programme_id INTEGER NOT NULL REFERENCES programmes (id),
  slot         INTEGER NOT NULL CHECK (slot BETWEEN 0 AND 23),
  slot_start   TEXT NOT NULL,
  quantity     REAL CHECK (quantity >= 0 AND quantity < 1e300),
  PRIMARY KEY (programme_id, slot)
) WITHOUT ROWID;

-- Every version of the reference programme of a (site, gas day), with the
-- instant it took effect: feasibility needs the reference of the past.
CREATE TABLE reference_versions (
  id                 INTEGER PRIMARY KEY,  -- seq: orders equal effective_at
  site               TEXT NOT NULL CHECK (site GLOB 'LI[0-9][0-9][0-9][0-9]'),
  gas_day            TEXT NOT NULL CHECK (gas_day = date(gas_day)),
  effective_at       TEXT NOT NULL CHECK (effective_at LIKE '____-__-__T__:__:__.___Z'),
  effective_at_local TEXT NOT NULL CHECK (effective_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  programme_id       INTEGER NOT NULL REFERENCES programmes (id),
  contract           TEXT NOT NULL
);
CREATE INDEX reference_versions_by_key ON reference_versions (site, gas_day, effective_at);

-- Only an accepted programme of the same site and day may move the reference.
CREATE TRIGGER reference_versions_from_accepted BEFORE INSERT ON reference_versions
WHEN NOT EXISTS (SELECT 1 FROM programmes p
                  WHERE p.id = NEW.programme_id AND p.site = NEW.site
                    AND p.gas_day = NEW.gas_day AND p.status = 'ACCEPTED')
BEGIN
  SELECT RAISE(ABORT, 'reference version not from an accepted programme of that site and day');
END;

-- quantity NULL: never declared (only before the first current slot).
CREATE TABLE reference_slots (
  reference_id INTEGER NOT NULL REFERENCES reference_versions (id),
  slot         INTEGER NOT NULL CHECK (slot BETWEEN 0 AND 23),
  slot_start   TEXT NOT NULL,
  quantity     REAL CHECK (quantity >= 0 AND quantity < 1e300),
  PRIMARY KEY (reference_id, slot)
) WITHOUT ROWID;
)sql";

// Migration 5, RULES §9: the instant a declaration was judged at, when it
// came out of reception order (NULL in rows written before: they were judged at
// reception). v_declarations shows it last.
constexpr std::string_view kJudgedAtSql = R"sql(
ALTER TABLE declarations ADD COLUMN judged_at TEXT
  CHECK (judged_at IS NULL OR judged_at LIKE '____-__-__T__:__:__.___Z');
ALTER TABLE declarations ADD COLUMN judged_at_local TEXT
  CHECK (judged_at_local IS NULL OR judged_at_local LIKE '____-__-__T__:__:__.___+__:__');
CREATE INDEX programmes_by_site_day ON programmes (site, gas_day);
DROP VIEW IF EXISTS v_declarations;
CREATE VIEW v_declarations AS
SELECT d.id,
       d.received_at_local AS received,
       d.sender,
       d.source,
       d.outcome,
       (SELECT count(*) FROM diagnostics g
         WHERE g.declaration_id = d.id AND g.severity = 'ERROR') AS errors,
       (SELECT count(*) FROM diagnostics g
         WHERE g.declaration_id = d.id AND g.severity = 'WARNING') AS warnings,
       (SELECT group_concat(f.name, ', ') FROM declaration_files f
         WHERE f.declaration_id = d.id) AS files,
       coalesce(d.judged_at_local, d.received_at_local) AS judged
  FROM declarations d
 ORDER BY d.received_at, d.id;
)sql";

// Migration n is kMigrations[n - 1].
const std::string_view kMigrations[] = {kTablesSql, ViewsSql(), MailSchemaSql(),
                                        DeclarationKeySql(), kJudgedAtSql, AuthenticationSql(),
                                        CommunicationTestSql(), PollsNeedOperatorSql(),
                                        CanarySql(), TlsCertificatesSql(), MonitoringIndexesSql(),
                                        LedgerInstanceSql(), DispatchSql(),
                                        AnnotationsSql(), AnnotationsKeptSql()};

Status ReadUserVersion(sqlite3* db, int* version) {
  sql::Statement st;
  Status s = sql::Statement::Prepare(db, "PRAGMA user_version", &st);
  bool row = false;
  if (s.ok()) s = st.Step(&row);
  if (s.ok() && !row) s = Status::Internal("PRAGMA user_version returned nothing");
  if (s.ok()) *version = static_cast<int>(st.Int(0));
  return s;
}

Status TooNew(int found) {
  return Status::Permanent("schema version " + std::to_string(found) +
                           " is newer than this flexmail knows (" +
                           std::to_string(LatestSchemaVersion()) +
                           "): run a flexmail at least as recent as the one that wrote it");
}

Status ApplyPending(sqlite3* db, int from, int to) {
  for (int n = from + 1; n <= to; ++n) {
    Status s = sql::Exec(db, kMigrations[n - 1]);
    if (!s.ok()) return Status::Internal("migration " + std::to_string(n) + ": " + s.message());
    s = sql::Exec(db, "PRAGMA user_version = " + std::to_string(n));
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

Status Migrate(sqlite3* db, int* version) {
  Status s = MigrateUpTo(db, LatestSchemaVersion());
  if (s.ok()) *version = LatestSchemaVersion();
  return s;
}

Status MigrateUpTo(sqlite3* db, int target) {
  int found = 0;
  Status s = ReadUserVersion(db, &found);
  if (!s.ok()) return s;
  if (found > LatestSchemaVersion()) return TooNew(found);
  if (found < target) {
    s = RegisterMigrationFunctions(db);
    sql::Transaction tx(db);
    if (s.ok()) s = tx.Begin(sql::Transaction::Mode::kWrite);
    // Read again under the write lock: another process may have migrated
    // while this one waited for it.
    if (s.ok()) s = ReadUserVersion(db, &found);
    if (s.ok() && found > LatestSchemaVersion()) s = TooNew(found);
    if (s.ok()) s = ApplyPending(db, found, target);
    if (s.ok()) s = tx.Commit();
  }
  return s;
}

}  // namespace flexmail
