#include "tests/db/ledger_test_util.h"

#include "db/schema.h"

namespace flexmail::testing {

ProgrammeResult Programme(const std::string& site, GasDay day, int version, double base) {
  ProgrammeResult p;
  p.file = FileName(day);
  p.line = 1 + version;
  p.id = ProgrammeId{day, site, "CR_0042", version};
  p.raw_id = day.Compact() + "-" + site + "-CR_0042-" + std::to_string(version);
  p.site_label = "Quimper";
  p.mesh = "ME0005";
  p.created = LocalTime{date::local_days{date::year{2026} / 12 / 2}} + 11h + 5min + 7s + 250ms;
  p.tech_qmin = 100;
  p.tech_qmax = 500000;
  for (int i = 0; i < kSlotsPerDay; ++i) p.values[i] = base + i;
  p.accepted = true;
  p.path = FeasibilityPath::kChecked;
  p.comment = "Programme accepté";
  p.indicators.q_minus = AppliedLight{Light::kGreen, true, std::nullopt};
  p.indicators.q_plus = AppliedLight{Light::kGreen, true, std::nullopt};
  p.indicators.partial = AppliedLight{Light::kRed, false, std::nullopt};
  return p;
}

ProgrammeResult Refused(const std::string& site, GasDay day, int version) {
  ProgrammeResult p = Programme(site, day, version, 10);
  p.accepted = false;
  p.violations = {Violation{Code::HMS_PROFILE_NOT_RESPECT_Q0_DELAY, {8, 9}}};
  p.indicators.q_minus = AppliedLight{Light::kRed, true, std::nullopt};
  p.comment = "Pour les heures 14h00, 15h00 le programme baisse alors que l'indicateur est rouge";
  return p;
}

DeclarationResult Integrated(Instant t, std::vector<ProgrammeResult> programmes) {
  DeclarationResult r;
  r.outcome = Outcome::kIntegrated;
  r.received_at = t;
  for (const ProgrammeResult& p : programmes) {
    SiteDay key{p.id.site, p.id.day};
    if (p.accepted && !p.superseded) {
      r.updates.push_back(ReferenceUpdate{key, ReferenceVersion{t, 0, p.values, p.raw_id,
                                                                p.id.contract}});
    }
    r.touched.push_back(key);
  }
  r.programmes = std::move(programmes);
  return r;
}

DeclarationResult Rejected(Instant t) {
  DeclarationResult r;
  r.outcome = Outcome::kRejected;
  r.received_at = t;
  r.errors.push_back(Diagnostic{Code::BAD_FORMAT, Severity::kError,
                                "valeur \"12,5x\" illisible, nombre attendu", FileName(D()), 3,
                                14});
  r.warnings.push_back(Diagnostic{Code::SUBJECT_MISMATCH, Severity::kWarning,
                                  "objet inattendu", "", 0, 0});
  // A rejection stores no programme even if the result carries one.
  r.programmes.push_back(Programme("LI0001", D(), 1));
  return r;
}

DeclarationEnvelope Envelope(Instant t, GasDay day) {
  DeclarationEnvelope env;
  env.sender = "ops@quimper.example";
  env.received_at = t;
  env.source = "imap";
  env.files.push_back(RawFile{FileName(day), std::string("DECLARATIONS_CCG;\x00\xff;", 20)});
  return env;
}

SnapshotKeys KeysOf(const DeclarationResult& r) {
  SnapshotKeys keys;
  for (const ProgrammeResult& p : r.programmes) {
    keys.programme_ids.insert(p.raw_id);
    keys.site_days.insert(SiteDay{p.id.site, p.id.day});
    keys.meshes.insert(p.mesh);
    keys.days.insert(p.id.day);
  }
  return keys;
}

Publication Pub(const std::string& mesh, IndicatorKind kind, Light status, Instant at) {
  Publication p;
  p.mesh = mesh;
  p.kind = kind;
  p.status = status;
  p.published_at = at;
  return p;
}

RawDb::RawDb(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
  }
  sqlite3_busy_timeout(db_, 5000);
}

RawDb::~RawDb() { sqlite3_close(db_); }

std::vector<std::vector<std::string>> RawDb::Rows(const std::string& sql) const {
  std::vector<std::vector<std::string>> rows;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    return rows;
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const unsigned char* text = sqlite3_column_text(st, c);
      row.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  return rows;
}

std::string RawDb::One(const std::string& sql) const {
  auto rows = Rows(sql);
  if (rows.empty() || rows[0].empty()) {
    ADD_FAILURE() << "no row from " << sql;
    return "";
  }
  return rows[0][0];
}

void CreateLedgerAtVersion(const std::string& path, int version) {
  sqlite3* created = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &created), SQLITE_OK);
  sqlite3_close(created);
  RawDb raw(path);
  Status s = MigrateUpTo(raw.get(), version);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(raw.One("PRAGMA user_version"), std::to_string(version));
}

const char* const kAllTables[] = {
    "declarations",       "declaration_files", "diagnostics",     "programmes",
    "programme_slots",    "programme_violations", "reference_versions", "reference_slots",
    "indicator_publications", "shortages",     "messages",        "outbox",
    "polls",                  "canary_probes",  "tls_certificates", "overrides",
    "override_versions",      "annotations",    nullptr};

long TotalRows(const RawDb& raw) {
  long n = 0;
  for (const char* const* t = kAllTables; *t; ++t) n += raw.Count(*t);
  return n;
}

void LedgerTest::SetUp() {
  ASSERT_TRUE(dir_.ok());
  path_ = dir_.File("flexmail.db");
  Status s = Ledger::Open(path_, &ledger_);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

void LedgerTest::Reopen() {
  ledger_.reset();
  Status s = Ledger::Open(path_, &ledger_);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

Status LedgerTest::SubmitResult(const DeclarationResult& r, std::int64_t* id,
                                const Ledger::Extension& extend) {
  DeclarationResult out;
  std::int64_t ignored = 0;
  return ledger_->Submit(Envelope(r.received_at), KeysOf(r),
                         [&](const LedgerSnapshot&) { return r; }, &out, id ? id : &ignored,
                         extend);
}

}  // namespace flexmail::testing
