// Migration 13: what the operator's dispatcher decides by hand — overrides
// of a programme's verdict, and the end of a shortage.
#include "db/schema.h"

namespace flexmail {
namespace {

constexpr std::string_view kDispatchSql = R"sql(
-- A dispatcher's decision on an integrated programme, confirmed by phone.
-- The automatic verdict stays in programmes; each override is a new row
-- (who, when, why, the status it replaces) and is never changed: a later
-- decision is another override.
CREATE TABLE overrides (
  id                 INTEGER PRIMARY KEY,
  programme_id       INTEGER NOT NULL REFERENCES programmes (id),
  status             TEXT NOT NULL CHECK (status IN ('ACCEPTED', 'REFUSED')),
  replaces           TEXT NOT NULL CHECK (replaces IN ('ACCEPTED', 'REFUSED')),
  reason             TEXT NOT NULL CHECK (reason <> ''),
  decided_by         TEXT NOT NULL CHECK (decided_by <> ''),
  effective_at       TEXT NOT NULL CHECK (effective_at LIKE '____-__-__T__:__:__.___Z'),
  effective_at_local TEXT NOT NULL CHECK (effective_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  recorded_at        TEXT NOT NULL CHECK (recorded_at LIKE '____-__-__T__:__:__.___Z'),
  recorded_at_local  TEXT NOT NULL CHECK (recorded_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  CHECK (status <> replaces)
);
CREATE INDEX overrides_by_programme ON overrides (programme_id, id);

CREATE TRIGGER overrides_never_updated BEFORE UPDATE ON overrides
BEGIN
  SELECT RAISE(ABORT, 'an override is never changed: record a new one');
END;
CREATE TRIGGER overrides_never_deleted BEFORE DELETE ON overrides
BEGIN
  SELECT RAISE(ABORT, 'an override is never deleted: record a new one');
END;

-- The reference version each override made (none when the reference did
-- not change). Its programme_id is the overridden programme.
CREATE TABLE override_versions (
  override_id  INTEGER PRIMARY KEY REFERENCES overrides (id),
  reference_id INTEGER NOT NULL UNIQUE REFERENCES reference_versions (id)
);

-- Only an accepted programme of the same site and day may move the
-- reference, or one a dispatcher has overridden (the override is written
-- first).
DROP TRIGGER IF EXISTS reference_versions_from_accepted;
CREATE TRIGGER reference_versions_from_accepted BEFORE INSERT ON reference_versions
WHEN NOT EXISTS (SELECT 1 FROM programmes p
                  WHERE p.id = NEW.programme_id AND p.site = NEW.site
                    AND p.gas_day = NEW.gas_day
                    AND (p.status = 'ACCEPTED'
                         OR EXISTS (SELECT 1 FROM overrides o WHERE o.programme_id = p.id)))
BEGIN
  SELECT RAISE(ABORT, 'reference version not from an accepted programme of that site and day');
END;

-- cancels = 1: the end of the shortage (shortage cancel), from declared_at.
ALTER TABLE shortages ADD COLUMN cancels INTEGER NOT NULL DEFAULT 0 CHECK (cancels IN (0, 1));

DROP VIEW IF EXISTS v_shortages;
-- Shortage declarations and ends; mesh "ALL" when the record covers every
-- mesh; action SHORTAGE or END.
CREATE VIEW v_shortages AS
SELECT s.id,
       s.gas_day,
       coalesce(s.mesh, 'ALL') AS mesh,
       s.declared_at_local AS declared,
       CASE s.cancels WHEN 1 THEN 'END' ELSE 'SHORTAGE' END AS action
  FROM shortages s
 ORDER BY s.gas_day, s.declared_at, s.id;

-- Every override: the programme, the status it replaced and the new one,
-- why and by whom, from when, and the reference version it made (NULL when
-- the reference did not change).
CREATE VIEW v_overrides AS
SELECT o.id,
       p.hms_profile_id AS programme,
       p.declaration_id AS declaration,
       p.site,
       p.gas_day,
       o.replaces,
       o.status,
       o.reason,
       o.decided_by,
       o.effective_at_local AS effective,
       o.recorded_at_local AS recorded,
       (SELECT v.reference_id FROM override_versions v WHERE v.override_id = o.id)
         AS reference_seq
  FROM overrides o
  JOIN programmes p ON p.id = o.programme_id
 ORDER BY p.site, p.gas_day, o.effective_at, o.id;

DROP VIEW IF EXISTS v_programmes;
-- As before, plus status_now: the status in force, the last override's
-- when there is one (status stays the automatic verdict).
CREATE VIEW v_programmes AS
SELECT p.id,
       p.hms_profile_id,
       p.declaration_id AS declaration,
       p.site,
       p.gas_day,
       p.version,
       p.received_at_local AS received,
       p.status,
       p.superseded,
       (SELECT group_concat(v.code || CASE WHEN v.hours = '' THEN ''
                                           ELSE ' (' || v.hours || ')' END, '; ')
          FROM programme_violations v WHERE v.programme_id = p.id) AS codes,
       'Q_MINUS=' || p.q_minus || CASE p.q_minus_known WHEN 1 THEN '' ELSE ' (défaut)' END ||
       ', Q_PLUS=' || p.q_plus || CASE p.q_plus_known WHEN 1 THEN '' ELSE ' (défaut)' END ||
       ', PARTIAL=' || p.partial || CASE p.partial_known WHEN 1 THEN '' ELSE ' (défaut)' END
         AS indicators,
       p.comment,
       coalesce((SELECT o.status FROM overrides o WHERE o.programme_id = p.id
                  ORDER BY o.id DESC LIMIT 1), p.status) AS status_now
  FROM programmes p
 ORDER BY p.site, p.gas_day, p.version;
)sql";

}  // namespace

std::string_view DispatchSql() { return kDispatchSql; }

}  // namespace flexmail
