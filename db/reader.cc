#include "db/reader.h"

#include "db/codec.h"
#include "db/sqlite.h"

namespace flexmail::store {
namespace {

using sql::Statement;

Status ReadExistingIds(sqlite3* db, const std::set<std::string>& ids,
                       std::set<std::string>* out) {
  Statement st;
  Status s = Statement::Prepare(db, "SELECT 1 FROM programmes WHERE hms_profile_id = ?", &st);
  for (auto it = ids.begin(); s.ok() && it != ids.end(); ++it) {
    s = st.Bind(1, *it).ForEach([&] {
      out->insert(*it);
      return Status::Ok();
    });
  }
  return s;
}

Status ReadMaxVersions(sqlite3* db, const std::set<SiteDay>& keys, std::map<SiteDay, int>* out) {
  Statement st;
  Status s = Statement::Prepare(db,
      "SELECT max(version) FROM programmes WHERE site = ? AND gas_day = ?", &st);
  for (auto it = keys.begin(); s.ok() && it != keys.end(); ++it) {
    s = st.BindAll(it->site, it->day.Iso()).ForEach([&] {
      // max() over no rows is one NULL: no version integrated yet.
      if (!st.IsNull(0)) (*out)[*it] = static_cast<int>(st.Int(0));
      return Status::Ok();
    });
  }
  return s;
}

// RULES §9: per (site, day), the latest instant a stored declaration was
// judged at (its reception instant unless it came out of order).
Status ReadLatestJudged(sqlite3* db, const std::set<SiteDay>& keys,
                        std::map<SiteDay, Instant>* out) {
  Statement st;
  Status s = Statement::Prepare(db, R"sql(
SELECT max(coalesce(d.judged_at, d.received_at))
  FROM programmes p JOIN declarations d ON d.id = p.declaration_id
 WHERE p.site = ? AND p.gas_day = ?)sql", &st);
  for (auto it = keys.begin(); s.ok() && it != keys.end(); ++it) {
    s = st.BindAll(it->site, it->day.Iso()).ForEach([&] {
      if (st.IsNull(0)) return Status::Ok();  // nothing integrated yet
      return ReadInstant("declarations.judged_at", st.Text(0), &(*out)[*it]);
    });
  }
  return s;
}

constexpr std::string_view kSelectHistory = R"sql(
SELECT r.id, r.effective_at, p.hms_profile_id, r.contract, s.slot, s.quantity,
       o.id, o.status = 'REFUSED'
  FROM reference_versions r
  LEFT JOIN override_versions ov ON ov.reference_id = r.id
  LEFT JOIN overrides o ON o.id = ov.override_id
  JOIN programmes p ON p.id = r.programme_id
  JOIN reference_slots s ON s.reference_id = r.id
 WHERE r.site = ? AND r.gas_day = ?
 ORDER BY r.effective_at, r.id, s.slot)sql";

// Appends the versions of rows (id, effective_at, programme, contract, slot,
// quantity, override, withdrawal) in which the slots of one version follow
// each other.
Status AppendVersions(Statement& st, std::vector<ReferenceVersion>* versions) {
  return st.ForEach([&]() -> Status {
    if (versions->empty() || versions->back().seq != st.Int(0)) {
      ReferenceVersion v;
      v.seq = st.Int(0);
      Status r = ReadInstant("reference_versions.effective_at", st.Text(1), &v.effective_at);
      if (!r.ok()) return r;
      v.programme_id = st.Text(2);
      v.contract = st.Text(3);
      v.override_id = st.IsNull(6) ? 0 : st.Int(6);
      v.withdrawal = !st.IsNull(7) && st.Int(7) != 0;
      versions->push_back(std::move(v));
    }
    std::int64_t slot = st.Int(4);
    if (slot < 0 || slot >= kSlotsPerDay) return Corrupt("reference_slots.slot", st.Text(4));
    versions->back().values[slot] = st.OptDouble(5);
    return Status::Ok();
  });
}

// Every version of the key, in effect order.
Status ReadHistoryWith(Statement& st, const SiteDay& key, ReferenceHistory* out) {
  std::vector<ReferenceVersion> versions;
  st.BindAll(key.site, key.day.Iso());
  Status s = AppendVersions(st, &versions);
  if (s.ok()) *out = ReferenceHistory(std::move(versions));
  return s;
}

// The id of the version of (?1, ?2) in force at ?3. effective_at is
// fixed-width UTC text (FormatUtcIso), so comparing text compares instants;
// ties go to the later id, as in ReferenceHistory.
constexpr std::string_view kSelectInForce = R"sql(
SELECT id FROM reference_versions
 WHERE site = ?1 AND gas_day = ?2 AND effective_at <= ?3
 ORDER BY effective_at DESC, id DESC LIMIT 1)sql";

constexpr std::string_view kSelectVersion = R"sql(
SELECT r.id, r.effective_at, p.hms_profile_id, r.contract, s.slot, s.quantity,
       o.id, o.status = 'REFUSED'
  FROM reference_versions r
  LEFT JOIN override_versions ov ON ov.reference_id = r.id
  LEFT JOIN overrides o ON o.id = ov.override_id
  JOIN programmes p ON p.id = r.programme_id
  JOIN reference_slots s ON s.reference_id = r.id
 WHERE r.id = ?
 ORDER BY s.slot)sql";

// Reads, per key, only the versions in force at the asked instants (what a
// bounded snapshot keeps, see SnapshotKeys): their ids first, so that a
// version in force at several instants has its slots read once.
class InForceReader {
 public:
  Status Prepare(sqlite3* db) {
    Status s = Statement::Prepare(db, kSelectInForce, &in_force_);
    if (s.ok()) s = Statement::Prepare(db, kSelectVersion, &version_);
    return s;
  }

  // Only the versions in force at `instants` (each read once).
  Status Read(const SiteDay& key, const std::set<std::string>& instants, ReferenceHistory* out) {
    std::set<std::int64_t> ids;
    Status s;
    for (auto q = instants.begin(); s.ok() && q != instants.end(); ++q) {
      s = in_force_.BindAll(key.site, key.day.Iso(), *q).ForEach([&] {
        ids.insert(in_force_.Int(0));
        return Status::Ok();
      });
    }
    std::vector<ReferenceVersion> versions;
    for (auto id = ids.begin(); s.ok() && id != ids.end(); ++id) {
      s = AppendVersions(version_.Bind(1, *id), &versions);
    }
    if (s.ok()) *out = ReferenceHistory(std::move(versions));
    return s;
  }

 private:
  Statement in_force_;
  Statement version_;
};

// The asked instants as the ledger stores them: `at` is always among them.
std::set<std::string> AskedInstants(const SnapshotKeys& keys) {
  std::set<std::string> out{FormatUtcIso(*keys.at)};
  for (Instant q : keys.reference_instants) out.insert(FormatUtcIso(q));
  return out;
}

Status ReadHistories(sqlite3* db, const SnapshotKeys& keys,
                     std::map<SiteDay, ReferenceHistory>* out) {
  Statement whole;
  InForceReader bounded;
  Status s = keys.at ? bounded.Prepare(db) : Statement::Prepare(db, kSelectHistory, &whole);
  const std::set<std::string> instants = keys.at ? AskedInstants(keys) : std::set<std::string>();
  for (auto it = keys.site_days.begin(); s.ok() && it != keys.site_days.end(); ++it) {
    s = keys.at ? bounded.Read(*it, instants, &(*out)[*it])
                : ReadHistoryWith(whole, *it, &(*out)[*it]);
  }
  return s;
}

constexpr std::string_view kPublicationColumns =
    "SELECT id, mesh, indicator, status, published_at, applied_at FROM indicator_publications";

Status PublicationFromRow(const Statement& st, Publication* p) {
  p->seq = st.Int(0);
  p->mesh = st.Text(1);
  if (!ParseIndicatorKind(st.Text(2), &p->kind)) {
    return Corrupt("indicator_publications.indicator", st.Text(2));
  }
  if (!ParseLight(st.Text(3), &p->status)) {
    return Corrupt("indicator_publications.status", st.Text(3));
  }
  Status s = ReadInstant("indicator_publications.published_at", st.Text(4), &p->published_at);
  if (s.ok()) s = ReadInstant("indicator_publications.applied_at", st.Text(5), &p->applied_at);
  return s;
}

// Appends the publications selected by `tail` (WHERE/ORDER BY), whose
// parameters are `params` in order.
template <typename... Params>
Status SelectPublications(sqlite3* db, std::string_view tail, std::vector<Publication>* out,
                          const Params&... params) {
  return sql::AppendRows(db, std::string(kPublicationColumns) + std::string(tail),
                         PublicationFromRow, out, params...);
}

Status ShortageFromRow(const Statement& st, Shortage* sh) {
  Status s = ReadGasDay("shortages.gas_day", st.Text(0), &sh->gas_day);
  sh->mesh = st.Text(1);  // NULL reads as "": every mesh
  if (s.ok()) s = ReadInstant("shortages.declared_at", st.Text(2), &sh->declared_at);
  sh->cancels = st.Int(3) != 0;
  sh->seq = st.Int(4);
  return s;
}

Status DeclarationFromRow(const Statement& st, StoredDeclaration* d) {
  d->id = st.Int(0);
  Status s = ReadInstant("declarations.received_at", st.Text(1), &d->received_at);
  d->sender = st.Text(2);
  d->source = st.Text(3);
  if (s.ok() && !ParseOutcome(st.Text(4), &d->outcome)) {
    s = Corrupt("declarations.outcome", st.Text(4));
  }
  d->error_count = static_cast<int>(st.Int(5));
  d->warning_count = static_cast<int>(st.Int(6));
  d->auth_method = st.Text(7);  // NULL (not from a message, or before authentication): ""
  d->auth_result = st.Text(8);
  return s;
}

// NULL file, line or field (not about one) read as "" and 0.
Status DiagnosticFromRow(const Statement& st, Diagnostic* d) {
  if (!ParseSeverity(st.Text(0), &d->severity)) return Corrupt("diagnostics.severity", st.Text(0));
  if (!ParseCode(st.Text(1), &d->code)) return Corrupt("diagnostics.code", st.Text(1));
  d->message = st.Text(2);
  d->file = st.Text(3);
  d->line = static_cast<int>(st.Int(4));
  d->field = static_cast<int>(st.Int(5));
  return Status::Ok();
}

constexpr std::string_view kSelectDeclarations = R"sql(
SELECT d.id, d.received_at, d.sender, d.source, d.outcome,
       (SELECT count(*) FROM diagnostics g
         WHERE g.declaration_id = d.id AND g.severity = 'ERROR'),
       (SELECT count(*) FROM diagnostics g
         WHERE g.declaration_id = d.id AND g.severity = 'WARNING'),
       m.auth_method, m.auth_result
  FROM declarations d
  LEFT JOIN messages m ON m.declaration_id = d.id AND m.duplicate_of IS NULL)sql";

// Appends the declarations selected by `tail` (WHERE/ORDER BY/LIMIT).
template <typename... Params>
Status SelectDeclarations(sqlite3* db, std::string_view tail, std::vector<StoredDeclaration>* out,
                          const Params&... params) {
  return sql::AppendRows(db, std::string(kSelectDeclarations) + std::string(tail),
                         DeclarationFromRow, out, params...);
}

}  // namespace

Status ReadSnapshot(sqlite3* db, const SnapshotKeys& asked, LedgerSnapshot* out) {
  *out = LedgerSnapshot();
  Status s;
  SnapshotKeys keys = asked;
  if (asked.at && asked.processed_at) {
    // Out of order, the rules judge at a later instant: bound the snapshot there.
    s = ReadLatestJudged(db, asked.site_days, &out->latest_judged);
    if (!s.ok()) return s;
    Instant judged = JudgementInstant(*asked.at, *asked.processed_at, out->latest_judged);
    if (judged != *asked.at) keys = KeysAt(asked, judged);
  }
  s = ReadExistingIds(db, keys.programme_ids, &out->existing_ids);
  if (s.ok()) s = ReadMaxVersions(db, keys.site_days, &out->max_version);
  if (s.ok()) s = ReadHistories(db, keys, &out->references);
  for (auto it = keys.meshes.begin(); s.ok() && it != keys.meshes.end(); ++it) {
    // An empty mesh would mean "every mesh" to ReadPublications.
    if (it->empty()) continue;
    s = keys.at ? ReadPublicationsAt(db, *it, *keys.at, &out->publications)
                : ReadPublications(db, *it, &out->publications);
  }
  if (s.ok()) s = ReadShortages(db, &keys.days, &out->shortages);
  return s;
}

Status ReadReferenceHistory(sqlite3* db, const SiteDay& key, ReferenceHistory* out) {
  Statement st;
  Status s = Statement::Prepare(db, kSelectHistory, &st);
  if (s.ok()) s = ReadHistoryWith(st, key, out);
  return s;
}

Status ReadPublications(sqlite3* db, const std::string& mesh, std::vector<Publication>* out) {
  // Two forms rather than "?1 = '' OR mesh = ?1", which would not use the
  // (mesh, indicator, published_at) index.
  if (mesh.empty()) return SelectPublications(db, " ORDER BY published_at, id", out);
  return SelectPublications(db, " WHERE mesh = ? ORDER BY published_at, id", out, mesh);
}

// The publications of `mesh` that can matter in [from, to]: those published
// in (from - lookback, to], and before them the last one of each indicator,
// which gives the first of the window its predecessor (so its delay is right).
Status ReadPublicationsDuring(sqlite3* db, const std::string& mesh, Instant from, Instant to,
                              std::vector<Publication>* out) {
  return SelectPublications(db, R"sql(
 WHERE mesh = ?1 AND published_at <= ?3
   AND (published_at > ?2 OR id IN (
        SELECT (SELECT p.id FROM indicator_publications p
                 WHERE p.mesh = ?1 AND p.indicator = k.indicator AND p.published_at <= ?2
                 ORDER BY p.published_at DESC, p.id DESC LIMIT 1)
          FROM (SELECT 'Q_MINUS' AS indicator UNION ALL SELECT 'Q_PLUS'
                UNION ALL SELECT 'PARTIAL') k))
 ORDER BY published_at, id)sql",
      out, mesh, FormatUtcIso(from - kPublicationLookback), FormatUtcIso(to));
}

Status ReadPublicationsAt(sqlite3* db, const std::string& mesh, Instant at,
                          std::vector<Publication>* out) {
  return ReadPublicationsDuring(db, mesh, at, at, out);
}

Status ReadPublication(sqlite3* db, std::int64_t seq, Publication* out) {
  std::vector<Publication> found;
  Status s = SelectPublications(db, " WHERE id = ?", &found, seq);
  if (s.ok() && found.empty()) s = Status::NotFound("no publication " + std::to_string(seq));
  if (s.ok()) *out = std::move(found.front());
  return s;
}

Status ReadPreviousPublication(sqlite3* db, const Publication& p,
                               std::optional<Publication>* out) {
  std::vector<Publication> found;
  Status s = SelectPublications(db,
      " WHERE mesh = ? AND indicator = ? AND published_at <= ?"
      " ORDER BY published_at DESC, id DESC LIMIT 1",
      &found, p.mesh, IndicatorName(p.kind), FormatUtcIso(p.published_at));
  out->reset();
  if (s.ok() && !found.empty()) *out = std::move(found.front());
  return s;
}

Status ReadLaterPublications(sqlite3* db, const Publication& p, std::vector<Publication>* out) {
  return SelectPublications(db,
      " WHERE mesh = ? AND indicator = ? AND published_at > ? ORDER BY published_at, id",
      out, p.mesh, IndicatorName(p.kind), FormatUtcIso(p.published_at));
}

Status ReadShortages(sqlite3* db, const std::set<GasDay>* days, std::vector<Shortage>* out) {
  std::string query = "SELECT gas_day, mesh, declared_at, cancels, id FROM shortages";
  query += days ? " WHERE gas_day = ?" : "";
  query += " ORDER BY gas_day, declared_at, id";
  Statement st;
  Status s = Statement::Prepare(db, query, &st);
  auto read_all = [&] {
    return st.ForEach([&] {
      out->emplace_back();
      return ShortageFromRow(st, &out->back());
    });
  };
  if (!s.ok()) return s;
  if (!days) return read_all();
  for (auto it = days->begin(); s.ok() && it != days->end(); ++it) {
    st.Bind(1, it->Iso());
    s = read_all();
  }
  return s;
}

Status ReadDeclarations(sqlite3* db, Instant from, Instant to,
                        std::vector<StoredDeclaration>* out) {
  return SelectDeclarations(db, " WHERE d.received_at >= ? AND d.received_at < ?"
                                " ORDER BY d.received_at, d.id", out,
                            FormatUtcIso(from), FormatUtcIso(to));
}

// One statement whatever the filter: "?n IS NULL OR ..." leaves out an
// unset criterion, and the reception range keeps the index on received_at.
Status ReadFilteredDeclarations(sqlite3* db, const DeclarationFilter& f,
                                std::vector<StoredDeclaration>* out) {
  std::optional<std::string_view> outcome;
  if (f.outcome) outcome = OutcomeText(*f.outcome);
  return SelectDeclarations(db, R"sql(
 WHERE d.received_at >= ?1 AND d.received_at < ?2
   AND (?3 IS NULL OR d.outcome = ?3)
   AND (?4 IS NULL OR EXISTS (SELECT 1 FROM programmes p
                               WHERE p.declaration_id = d.id AND p.site = ?4))
 ORDER BY d.received_at DESC, d.id DESC LIMIT ?5)sql",
      out, FormatUtcIso(GasDayStart(f.day)), FormatUtcIso(GasDayEnd(f.day)), outcome,
      TextOrNull(f.site), static_cast<std::int64_t>(f.limit > 0 ? f.limit : -1));
}

Status ReadLatestDeclarations(sqlite3* db, Instant since, Instant until, int limit,
                              std::vector<StoredDeclaration>* out) {
  return SelectDeclarations(db, R"sql(
 WHERE d.received_at > ?1 AND d.received_at <= ?2
 ORDER BY d.received_at DESC, d.id DESC LIMIT ?3)sql",
      out, FormatUtcIso(since), FormatUtcIso(until), static_cast<std::int64_t>(limit));
}

Status ReadDeclaration(sqlite3* db, std::int64_t id, bool* found, StoredDeclaration* out) {
  std::vector<StoredDeclaration> rows;
  Status s = SelectDeclarations(db, " WHERE d.id = ?", &rows, id);
  *found = s.ok() && !rows.empty();
  if (*found) *out = std::move(rows.front());
  return s;
}

Status ReadDiagnostics(sqlite3* db, std::int64_t id, std::vector<Diagnostic>* out) {
  return sql::AppendRows(db,
      "SELECT severity, code, message, file, line, field FROM diagnostics "
      "WHERE declaration_id = ? ORDER BY ordinal", DiagnosticFromRow, out, id);
}

}  // namespace flexmail::store
