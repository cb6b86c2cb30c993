// The operator views (migration 2): one question each, answered with the
// Paris local-time columns, so a day can be read with the sqlite3 shell and
// nothing else. Example queries are at the top of schema.cc.
#include "db/schema.h"

namespace flexmail {
namespace {

constexpr std::string_view kViewsSql = R"sql(
-- One row per declaration (email or submit): how it ended and what it held.
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
         WHERE f.declaration_id = d.id) AS files
  FROM declarations d
 ORDER BY d.received_at, d.id;

-- Every error and warning, located as the shipper was told.
CREATE VIEW v_errors AS
SELECT g.declaration_id AS declaration,
       g.severity,
       g.code,
       g.file,
       g.line,
       g.field,
       g.message
  FROM diagnostics g
 ORDER BY g.declaration_id, g.ordinal;

-- One row per integrated programme with its verdict. indicators marks a
-- status as "(défaut)" when no publication applied and the default was used.
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
       p.comment
  FROM programmes p
 ORDER BY p.site, p.gas_day, p.version;

-- The 24 hourly quantities of each programme as declared.
CREATE VIEW v_programme_hours AS
SELECT p.id AS programme,
       p.hms_profile_id,
       p.site,
       p.gas_day,
       s.slot,
       s.slot_start,
       s.quantity
  FROM programmes p
  JOIN programme_slots s ON s.programme_id = p.id
 ORDER BY p.site, p.gas_day, p.version, s.slot;

-- The reference programme in force now for each site and gas day: its
-- latest version (by effective instant, then ledger order), slot by slot.
CREATE VIEW v_reference_current AS
SELECT r.site,
       r.gas_day,
       r.id AS seq,
       r.effective_at_local AS effective,
       p.hms_profile_id AS programme,
       s.slot,
       s.slot_start,
       s.quantity
  FROM reference_versions r
  JOIN programmes p ON p.id = r.programme_id
  JOIN reference_slots s ON s.reference_id = r.id
 WHERE r.id = (SELECT r2.id FROM reference_versions r2
                WHERE r2.site = r.site AND r2.gas_day = r.gas_day
                ORDER BY r2.effective_at DESC, r2.id DESC LIMIT 1)
 ORDER BY r.site, r.gas_day, s.slot;

-- Every version of every reference programme, its 24 quantities on one line
-- from the 06:00 slot on ("-": never declared).
CREATE VIEW v_reference_history AS
SELECT r.site,
       r.gas_day,
       r.id AS seq,
       r.effective_at_local AS effective,
       p.hms_profile_id AS programme,
       r.contract,
       (SELECT group_concat(coalesce(s.quantity, '-'), ' ') FROM reference_slots s
         WHERE s.reference_id = r.id) AS quantities
  FROM reference_versions r
  JOIN programmes p ON p.id = r.programme_id
 ORDER BY r.site, r.gas_day, r.effective_at, r.id;

-- Indicator publications with when each was published and applied.
CREATE VIEW v_indicators AS
SELECT i.id AS seq,
       i.mesh,
       i.indicator,
       i.status,
       i.published_at_local AS published,
       i.applied_at_local AS applied,
       CAST(round((julianday(i.applied_at) - julianday(i.published_at)) * 1440) AS INTEGER)
         AS delay_min
  FROM indicator_publications i
 ORDER BY i.mesh, i.indicator, i.published_at, i.id;

-- Shortage declarations; mesh "ALL" when the shortage covers every mesh.
CREATE VIEW v_shortages AS
SELECT s.id,
       s.gas_day,
       coalesce(s.mesh, 'ALL') AS mesh,
       s.declared_at_local AS declared
  FROM shortages s
 ORDER BY s.gas_day, s.declared_at, s.id;
)sql";

}  // namespace

std::string_view ViewsSql() { return kViewsSql; }

}  // namespace flexmail
