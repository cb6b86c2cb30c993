// Reading stored programmes back into ProgrammeResult, verdict included.
#include <array>
#include <optional>

#include "db/codec.h"
#include "db/reader.h"
#include "db/sqlite.h"

namespace flexmail {

const StoredProgramme* LastDeclared(const std::vector<StoredProgramme>& same_day) {
  const StoredProgramme* last = nullptr;
  for (const auto& p : same_day) {
    if (!last || last->result.id.version < p.result.id.version) last = &p;
  }
  return last;
}

}  // namespace flexmail

namespace flexmail::store {
namespace {

using sql::Statement;

constexpr std::string_view kSelectProgrammes = R"sql(
SELECT p.id, p.declaration_id, d.sender, p.received_at, p.file, p.line, p.hms_profile_id,
       p.site, p.gas_day, p.contract, p.version, p.site_label, p.mesh, p.created_local,
       p.tech_qmin, p.tech_qmax, p.status, p.superseded, p.path, p.comment,
       p.q_minus, p.q_minus_known, p.q_minus_publication,
       p.q_plus, p.q_plus_known, p.q_plus_publication,
       p.partial, p.partial_known, p.partial_publication,
       coalesce(d.judged_at, p.received_at)
  FROM programmes p
  JOIN declarations d ON d.id = p.declaration_id)sql";

// Columns of kSelectProgrammes; the three indicators follow kFirstIndicator
// in kAllIndicators order, three columns each (status, known, publication).
enum Column {
  kId, kDeclaration, kSender, kReceived, kFile, kLine, kRawId, kSite, kDay, kContract,
  kVersion, kLabel, kMesh, kCreated, kQmin, kQmax, kStatus, kSuperseded, kPath, kComment,
  kFirstIndicator,
  kJudged = kFirstIndicator + 9,
};

// The publications a programme's indicators came from, to load after the row.
using SourceIds = std::array<std::optional<std::int64_t>, 3>;

Status ReadIdentity(const Statement& st, StoredProgramme* out) {
  ProgrammeResult& p = out->result;
  out->declaration_id = st.Int(kDeclaration);
  out->sender = st.Text(kSender);
  Status s = ReadInstant("programmes.received_at", st.Text(kReceived), &out->received_at);
  if (s.ok()) s = ReadInstant("declarations.judged_at", st.Text(kJudged), &out->judged_at);
  p.file = st.Text(kFile);
  p.line = static_cast<int>(st.Int(kLine));
  p.raw_id = st.Text(kRawId);
  p.id.site = st.Text(kSite);
  if (s.ok()) s = ReadGasDay("programmes.gas_day", st.Text(kDay), &p.id.day);
  p.id.contract = st.Text(kContract);
  p.id.version = static_cast<int>(st.Int(kVersion));
  p.site_label = st.Text(kLabel);
  p.mesh = st.Text(kMesh);
  if (s.ok() && !st.IsNull(kCreated)) {
    LocalTime created;
    if (!ParseLocalText(st.Text(kCreated), &created)) {
      return Corrupt("programmes.created_local", st.Text(kCreated));
    }
    p.created = created;
  }
  return s;
}

Status ReadVerdict(const Statement& st, ProgrammeResult* p, SourceIds* sources) {
  p->tech_qmin = st.Double(kQmin);
  p->tech_qmax = st.Double(kQmax);
  p->accepted = st.Text(kStatus) == "ACCEPTED";
  p->superseded = st.Int(kSuperseded) != 0;
  if (!ParsePath(st.Text(kPath), &p->path)) return Corrupt("programmes.path", st.Text(kPath));
  p->comment = st.Text(kComment);
  int col = kFirstIndicator;
  for (size_t k = 0; k < std::size(kAllIndicators); ++k, col += 3) {
    AppliedLight& light = p->indicators.Get(kAllIndicators[k]);
    if (!ParseLight(st.Text(col), &light.status)) return Corrupt("programmes indicator", st.Text(col));
    light.known = st.Int(col + 1) != 0;
    if (!st.IsNull(col + 2)) (*sources)[k] = st.Int(col + 2);
  }
  return Status::Ok();
}

struct DetailStatements {
  Statement slots, violations, overrides;
};

constexpr std::string_view kSelectOverrides = R"sql(
SELECT o.id, o.status, o.reason, o.decided_by, o.effective_at, o.recorded_at,
       (SELECT v.reference_id FROM override_versions v WHERE v.override_id = o.id)
  FROM overrides o
 WHERE o.programme_id = ?
 ORDER BY o.id)sql";

Status Prepare(sqlite3* db, DetailStatements* st) {
  Status s = Statement::Prepare(db,
      "SELECT slot, quantity FROM programme_slots WHERE programme_id = ? ORDER BY slot",
      &st->slots);
  if (s.ok()) {
    s = Statement::Prepare(db,
        "SELECT code, slots FROM programme_violations WHERE programme_id = ? ORDER BY ordinal",
        &st->violations);
  }
  if (s.ok()) s = Statement::Prepare(db, kSelectOverrides, &st->overrides);
  return s;
}

Status ReadSlots(Statement& st, std::int64_t id, Hourly* values) {
  return st.Bind(1, id).ForEach([&] {
    std::int64_t slot = st.Int(0);
    if (slot < 0 || slot >= kSlotsPerDay) return Corrupt("programme_slots.slot", st.Text(0));
    (*values)[slot] = st.OptDouble(1);
    return Status::Ok();
  });
}

Status ReadViolations(Statement& st, std::int64_t id, std::vector<Violation>* out) {
  return st.Bind(1, id).ForEach([&] {
    Violation v;
    if (!ParseCode(st.Text(0), &v.code)) return Corrupt("programme_violations.code", st.Text(0));
    if (!ParseSlots(st.Text(1), &v.slots)) {
      return Corrupt("programme_violations.slots", st.Text(1));
    }
    out->push_back(std::move(v));
    return Status::Ok();
  });
}

Status ReadOverrides(Statement& st, const StoredProgramme& p, std::vector<OverrideRecord>* out) {
  return st.Bind(1, p.row_id).ForEach([&] {
    OverrideRecord o;
    o.id = st.Int(0);
    o.programme_row = p.row_id;
    o.programme_id = p.result.raw_id;
    o.accepted = st.Text(1) == "ACCEPTED";
    o.reason = st.Text(2);
    o.decided_by = st.Text(3);
    Status s = ReadInstant("overrides.effective_at", st.Text(4), &o.effective_at);
    if (s.ok()) s = ReadInstant("overrides.recorded_at", st.Text(5), &o.recorded_at);
    o.reference_seq = st.IsNull(6) ? 0 : st.Int(6);
    if (s.ok()) out->push_back(std::move(o));
    return s;
  });
}

Status ReadSources(sqlite3* db, const SourceIds& ids, AppliedIndicators* out) {
  Status s;
  for (size_t k = 0; s.ok() && k < ids.size(); ++k) {
    if (!ids[k]) continue;
    Publication p;
    s = ReadPublication(db, *ids[k], &p);
    if (s.ok()) out->Get(kAllIndicators[k]).source = std::move(p);
  }
  return s;
}

// Appends the programmes selected by `tail` (WHERE/ORDER BY), with their
// slots, violations and the publications their indicators came from.
template <typename... Params>
Status SelectProgrammes(sqlite3* db, std::string_view tail, std::vector<StoredProgramme>* out,
                        const Params&... params) {
  Statement st;
  DetailStatements detail;
  Status s = Statement::Prepare(db, std::string(kSelectProgrammes) + std::string(tail), &st);
  if (s.ok()) s = Prepare(db, &detail);
  if (!s.ok()) return s;
  return st.BindAll(params...).ForEach([&] {
    StoredProgramme sp;
    SourceIds sources;
    std::int64_t id = st.Int(kId);
    sp.row_id = id;
    Status r = ReadIdentity(st, &sp);
    if (r.ok()) r = ReadVerdict(st, &sp.result, &sources);
    if (r.ok()) r = ReadSlots(detail.slots, id, &sp.result.values);
    if (r.ok()) r = ReadViolations(detail.violations, id, &sp.result.violations);
    if (r.ok()) r = ReadSources(db, sources, &sp.result.indicators);
    if (r.ok()) r = ReadOverrides(detail.overrides, sp, &sp.overrides);
    if (r.ok()) out->push_back(std::move(sp));
    return r;
  });
}

}  // namespace

Status ReadProgrammes(sqlite3* db, const SiteDay& key, std::vector<StoredProgramme>* out) {
  return SelectProgrammes(db, " WHERE p.site = ? AND p.gas_day = ? ORDER BY p.version, p.id", out,
                          key.site, key.day.Iso());
}

Status ReadProgrammeByProfileId(sqlite3* db, const std::string& hms_profile_id,
                                std::vector<StoredProgramme>* out) {
  return SelectProgrammes(db, " WHERE p.hms_profile_id = ?", out, hms_profile_id);
}

Status ReadProgrammesOf(sqlite3* db, std::int64_t id, std::vector<StoredProgramme>* out) {
  return SelectProgrammes(db, " WHERE p.declaration_id = ? ORDER BY p.id", out, id);
}

}  // namespace flexmail::store
