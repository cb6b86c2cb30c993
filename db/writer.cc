#include "db/writer.h"

#include <map>
#include <optional>
#include <string>

#include "db/codec.h"
#include "db/sha256.h"
#include "db/sqlite.h"

namespace flexmail::store {
namespace {

using sql::Statement;
using IdsByProgramme = std::map<std::string, std::int64_t>;

// judged_at stays NULL for a declaration judged at its reception instant
// (RULES §9: only one processed out of order is judged later).
Status InsertDeclarationRow(sqlite3* db, const DeclarationEnvelope& env,
                            const DeclarationResult& result, std::int64_t* id) {
  const bool later = result.judged_at > env.received_at;
  const std::string judged = later ? FormatUtcIso(result.judged_at) : "";
  const std::string judged_local = later ? FormatLocalIso(result.judged_at) : "";
  Statement st;
  Status s = Statement::Prepare(db,
      "INSERT INTO declarations (received_at, received_at_local, sender, source, outcome, "
      "judged_at, judged_at_local) VALUES (?, ?, ?, ?, ?, ?, ?)", &st);
  if (s.ok()) {
    s = st.BindAll(FormatUtcIso(env.received_at), FormatLocalIso(env.received_at), env.sender,
                   env.source, OutcomeText(result.outcome), TextOrNull(judged),
                   TextOrNull(judged_local)).Run();
  }
  if (s.ok()) *id = st.LastInsertId();
  return s;
}

Status InsertFiles(sqlite3* db, std::int64_t declaration_id, const std::vector<RawFile>& files) {
  Statement st;
  Status s = Statement::Prepare(db,
      "INSERT INTO declaration_files (declaration_id, ordinal, name, bytes, size, sha256) "
      "VALUES (?, ?, ?, ?, ?, ?)", &st);
  for (size_t i = 0; s.ok() && i < files.size(); ++i) {
    const RawFile& f = files[i];
    s = st.BindAll(declaration_id, static_cast<std::int64_t>(i), f.name, sql::Blob{f.bytes},
                   static_cast<std::int64_t>(f.bytes.size()), Sha256Hex(f.bytes)).Run();
  }
  return s;
}

// Errors first, then warnings, numbered in one sequence so v_errors lists
// them in the order the shipper was told. The list a diagnostic is in, not
// its own field, decides its severity: that list is what decided the outcome.
Status InsertDiagnostics(sqlite3* db, std::int64_t declaration_id, const DeclarationResult& r) {
  Statement st;
  Status s = Statement::Prepare(db,
      "INSERT INTO diagnostics (declaration_id, ordinal, severity, code, message, file, line, "
      "field) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st);
  std::int64_t ordinal = 0;
  for (const auto* list : {&r.errors, &r.warnings}) {
    Severity severity = list == &r.errors ? Severity::kError : Severity::kWarning;
    for (size_t i = 0; s.ok() && i < list->size(); ++i) {
      const Diagnostic& d = (*list)[i];
      s = st.BindAll(declaration_id, ordinal++, SeverityText(severity), CodeName(d.code),
                     d.message, TextOrNull(d.file), PositiveOrNull(d.line),
                     PositiveOrNull(d.field)).Run();
    }
  }
  return s;
}

// The same shape serves programme_slots and reference_slots:
// (owner, slot, slot_start, quantity).
Status InsertHourly(Statement& st, std::int64_t owner, GasDay day, const Hourly& values) {
  Status s;
  for (int i = 0; s.ok() && i < kSlotsPerDay; ++i) {
    s = st.BindAll(owner, i, FormatSlotStart(day, i), values[i]).Run();
  }
  return s;
}

struct ProgrammeStatements {
  Statement programme, slots, violations;
};

constexpr std::string_view kInsertProgramme = R"sql(
INSERT INTO programmes (hms_profile_id, declaration_id, file, line, site, site_label, mesh,
  gas_day, contract, version, created_local, received_at, received_at_local, tech_qmin,
  tech_qmax, status, superseded, path, comment,
  q_minus, q_minus_known, q_minus_publication, q_plus, q_plus_known, q_plus_publication,
  partial, partial_known, partial_publication)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
        ?, ?, ?, ?, ?, ?, ?, ?, ?))sql";
constexpr int kFirstIndicatorParam = 20;

Status Prepare(sqlite3* db, ProgrammeStatements* st) {
  Status s = Statement::Prepare(db, kInsertProgramme, &st->programme);
  if (s.ok()) {
    s = Statement::Prepare(db,
        "INSERT INTO programme_slots (programme_id, slot, slot_start, quantity) "
        "VALUES (?, ?, ?, ?)", &st->slots);
  }
  if (s.ok()) {
    s = Statement::Prepare(db,
        "INSERT INTO programme_violations (programme_id, ordinal, code, slots, hours) "
        "VALUES (?, ?, ?, ?, ?)", &st->violations);
  }
  return s;
}

// Binds (status, known, publication) of each indicator. The publication is
// kept only when it came from this ledger (seq set), which the foreign key
// then checks.
void BindIndicators(Statement& st, const AppliedIndicators& applied) {
  int param = kFirstIndicatorParam;
  for (IndicatorKind kind : kAllIndicators) {
    const AppliedLight& light = applied.Get(kind);
    std::optional<std::int64_t> source;
    if (light.source && light.source->seq > 0) source = light.source->seq;
    st.Bind(param, LightName(light.status)).Bind(param + 1, light.known).Bind(param + 2, source);
    param += 3;
  }
}

Status InsertViolations(Statement& st, std::int64_t programme_id,
                        const std::vector<Violation>& violations) {
  Status s;
  for (size_t i = 0; s.ok() && i < violations.size(); ++i) {
    const Violation& v = violations[i];
    std::string hours = v.slots.empty() ? std::string() : FormatSlotHours(v.slots);
    s = st.BindAll(programme_id, static_cast<std::int64_t>(i), CodeName(v.code),
                   SlotsText(v.slots), hours).Run();
  }
  return s;
}

Status InsertProgramme(ProgrammeStatements& st, std::int64_t declaration_id, Instant received,
                       const ProgrammeResult& p, std::int64_t* id) {
  std::optional<std::string> created;
  if (p.created) created = LocalText(*p.created);
  st.programme.BindAll(p.raw_id, declaration_id, p.file, p.line, p.id.site, p.site_label, p.mesh,
                       p.id.day.Iso(), p.id.contract, p.id.version, created,
                       FormatUtcIso(received), FormatLocalIso(received), p.tech_qmin,
                       p.tech_qmax, p.accepted ? "ACCEPTED" : "REFUSED", p.superseded,
                       PathText(p.path), p.comment);
  BindIndicators(st.programme, p.indicators);
  Status s = st.programme.Run();
  // Name the programme: a constraint failure here is a bug to locate.
  if (!s.ok() && s.kind() != Status::Kind::kTransient) {
    return Status::Internal("programme \"" + p.raw_id + "\": " + s.message());
  }
  if (!s.ok()) return s;
  *id = st.programme.LastInsertId();
  s = InsertHourly(st.slots, *id, p.id.day, p.values);
  if (s.ok()) s = InsertViolations(st.violations, *id, p.violations);
  return s;
}

Status InsertProgrammes(sqlite3* db, std::int64_t declaration_id, const DeclarationResult& r,
                        IdsByProgramme* ids) {
  ProgrammeStatements st;
  Status s = Prepare(db, &st);
  for (size_t i = 0; s.ok() && i < r.programmes.size(); ++i) {
    std::int64_t id = 0;
    s = InsertProgramme(st, declaration_id, r.received_at, r.programmes[i], &id);
    if (s.ok()) (*ids)[r.programmes[i].raw_id] = id;
  }
  return s;
}

struct VersionStatements {
  Statement version, slots;
};

Status Prepare(sqlite3* db, VersionStatements* st) {
  Status s = Statement::Prepare(db,
      "INSERT INTO reference_versions (site, gas_day, effective_at, effective_at_local, "
      "programme_id, contract) VALUES (?, ?, ?, ?, ?, ?)", &st->version);
  if (s.ok()) {
    s = Statement::Prepare(db,
        "INSERT INTO reference_slots (reference_id, slot, slot_start, quantity) "
        "VALUES (?, ?, ?, ?)", &st->slots);
  }
  return s;
}

// One version and its slots.
Status InsertVersion(VersionStatements& st, const ReferenceUpdate& u, std::int64_t programme_row,
                     std::int64_t* id) {
  Status s = st.version.BindAll(u.key.site, u.key.day.Iso(), FormatUtcIso(u.version.effective_at),
                                FormatLocalIso(u.version.effective_at), programme_row,
                                u.version.contract).Run();
  if (s.ok()) *id = st.version.LastInsertId();
  if (s.ok()) s = InsertHourly(st.slots, *id, u.key.day, u.version.values);
  return s;
}

Status InsertReferenceUpdates(sqlite3* db, const std::vector<ReferenceUpdate>& updates,
                              const IdsByProgramme& ids) {
  VersionStatements st;
  Status s = Prepare(db, &st);
  for (size_t i = 0; s.ok() && i < updates.size(); ++i) {
    const ReferenceUpdate& u = updates[i];
    auto it = ids.find(u.version.programme_id);
    if (it == ids.end()) {
      return Status::Internal("reference update of " + u.key.site + " " + u.key.day.Iso() +
                              " names programme \"" + u.version.programme_id +
                              "\", which this declaration did not integrate");
    }
    std::int64_t id = 0;
    s = InsertVersion(st, u, it->second, &id);
  }
  return s;
}

}  // namespace

Status InsertReferenceVersion(sqlite3* db, const ReferenceUpdate& u, std::int64_t programme_row,
                              std::int64_t* id) {
  VersionStatements st;
  Statement link;
  Status s = Prepare(db, &st);
  if (s.ok()) s = InsertVersion(st, u, programme_row, id);
  if (s.ok() && u.version.override_id != 0) {
    s = Statement::Prepare(db,
        "INSERT INTO override_versions (override_id, reference_id) VALUES (?, ?)", &link);
    if (s.ok()) s = link.BindAll(u.version.override_id, *id).Run();
  }
  return s;
}

Status WriteDeclaration(sqlite3* db, const DeclarationEnvelope& env,
                        const DeclarationResult& result, std::int64_t* declaration_id) {
  Status s = InsertDeclarationRow(db, env, result, declaration_id);
  if (s.ok()) s = InsertFiles(db, *declaration_id, env.files);
  if (s.ok()) s = InsertDiagnostics(db, *declaration_id, result);
  if (!s.ok() || result.outcome != Outcome::kIntegrated) return s;
  IdsByProgramme ids;
  s = InsertProgrammes(db, *declaration_id, result, &ids);
  if (s.ok()) s = InsertReferenceUpdates(db, result.updates, ids);
  return s;
}

Status InsertPublication(sqlite3* db, const Publication& p, std::int64_t* seq) {
  Statement st;
  Status s = Statement::Prepare(db,
      "INSERT INTO indicator_publications (mesh, indicator, status, published_at, "
      "published_at_local, applied_at, applied_at_local) VALUES (?, ?, ?, ?, ?, ?, ?)", &st);
  if (s.ok()) {
    s = st.BindAll(p.mesh, IndicatorName(p.kind), LightName(p.status),
                   FormatUtcIso(p.published_at), FormatLocalIso(p.published_at),
                   FormatUtcIso(p.applied_at), FormatLocalIso(p.applied_at)).Run();
  }
  if (s.ok()) *seq = st.LastInsertId();
  return s;
}

Status SetAppliedAt(sqlite3* db, std::int64_t seq, Instant applied_at) {
  Statement st;
  Status s = Statement::Prepare(db,
      "UPDATE indicator_publications SET applied_at = ?, applied_at_local = ? WHERE id = ?", &st);
  if (s.ok()) s = st.BindAll(FormatUtcIso(applied_at), FormatLocalIso(applied_at), seq).Run();
  return s;
}

Status InsertShortage(sqlite3* db, const Shortage& sh) {
  Statement st;
  Status s = Statement::Prepare(db,
      "INSERT INTO shortages (gas_day, mesh, declared_at, declared_at_local, cancels) "
      "VALUES (?, ?, ?, ?, ?)", &st);
  if (s.ok()) {
    s = st.BindAll(sh.gas_day.Iso(), TextOrNull(sh.mesh), FormatUtcIso(sh.declared_at),
                   FormatLocalIso(sh.declared_at), sh.cancels).Run();
  }
  return s;
}

}  // namespace flexmail::store
