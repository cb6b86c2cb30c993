// Shared builders for the rules tests: instants written with explicit UTC
// offsets (so expectations never go through the code under test), hourly
// programmes named by wall-clock hours, a referential, declarations as the
// parser would hand them over, and a ledger that records what each step
// produces.
#pragma once

#include <date/date.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rules/declaration.h"
#include "rules/indicators.h"
#include "rules/programme.h"
#include "rules/reference.h"
#include "rules/referential.h"
#include "rules/time.h"

namespace flexmail::test {

// The instant of a wall-clock time at a fixed UTC offset (hours).
inline Instant AtOffset(int y, unsigned mo, unsigned d, int h, int mi, int offset_h, int s = 0,
                        int ms = 0) {
  date::sys_days day{date::year{y} / date::month{mo} / date::day{d}};
  return Instant{day.time_since_epoch()} + std::chrono::hours{h - offset_h} +
         std::chrono::minutes{mi} + std::chrono::seconds{s} + std::chrono::milliseconds{ms};
}
// Winter (CET, UTC+1), summer (CEST, UTC+2) and UTC wall clocks.
inline Instant Cet(int y, unsigned mo, unsigned d, int h, int mi, int s = 0, int ms = 0) {
  return AtOffset(y, mo, d, h, mi, 1, s, ms);
}
inline Instant Cest(int y, unsigned mo, unsigned d, int h, int mi, int s = 0, int ms = 0) {
  return AtOffset(y, mo, d, h, mi, 2, s, ms);
}
inline Instant Utc(int y, unsigned mo, unsigned d, int h, int mi, int s = 0, int ms = 0) {
  return AtOffset(y, mo, d, h, mi, 0, s, ms);
}

inline GasDay Day(int y, unsigned m, unsigned d) {
  return GasDay(date::sys_days{date::year{y} / date::month{m} / date::day{d}});
}

// The gas day of EXAMPLES.md and its neighbours (CET, no DST change).
inline GasDay D() { return Day(2026, 12, 3); }
// Wall-clock instants on D−1 (Dec 2), D (Dec 3) and D+1 (Dec 4), CET.
inline Instant Dm1(int h, int mi, int s = 0, int ms = 0) { return Cet(2026, 12, 2, h, mi, s, ms); }
inline Instant OnD(int h, int mi, int s = 0, int ms = 0) { return Cet(2026, 12, 3, h, mi, s, ms); }
inline Instant Dp1(int h, int mi, int s = 0, int ms = 0) { return Cet(2026, 12, 4, h, mi, s, ms); }

// Slot index of the hour starting at wall-clock hour `hour` (6 -> 0, 5 -> 23).
inline int SlotOfHour(int hour) { return (hour + 18) % 24; }

inline Hourly Flat(double v) {
  Hourly h;
  h.fill(v);
  return h;
}
// Sets hours from_hour..to_hour (wall clock, inclusive, may wrap past
// midnight) to v.
inline Hourly With(Hourly h, int from_hour, int to_hour, double v) {
  for (int s = SlotOfHour(from_hour);; s = (s + 1) % 24) {
    h[s] = v;
    if (s == SlotOfHour(to_hour)) break;
  }
  return h;
}
// Slot indices for hours from_hour..to_hour (wall clock, inclusive).
inline std::vector<int> Slots(int from_hour, int to_hour) {
  std::vector<int> out;
  for (int s = SlotOfHour(from_hour);; s = (s + 1) % 24) {
    out.push_back(s);
    if (s == SlotOfHour(to_hour)) break;
  }
  return out;
}

inline std::vector<std::optional<double>> ValuesOf(const Hourly& h) {
  return std::vector<std::optional<double>>(h.begin(), h.end());
}

// ---------------------------------------------------------------- referential

constexpr const char* kQuimperSender = "ops@quimper.example";
constexpr const char* kMartiguesSender = "dispatch@martigues.example";

// Quimper (EXAMPLES A–D, F–I) and Martigues (E), plus a third site on
// another contract for negative cases.
inline Referential ExamplesReferential(RuleSettings settings = {}, double quimper_qmin = 0,
                                       double quimper_tol_pct = 0) {
  std::vector<Mesh> meshes = {{"ME0005", "Bretagne"}, {"ME0008", "Provence"}};
  std::vector<Site> sites = {
      {"LI0001", "Quimper", "ME0005", "ENGIE", 1},
      {"LI0002", "Martigues", "ME0008", "EDF", 2},
      {"LI0003", "Cycofos", "ME0008", "ENGIE", 1},
  };
  std::vector<Contract> contracts = {
      {"GFQUIMP01", {{"LI0001", quimper_qmin, 1000000, quimper_tol_pct}}},
      {"GFMART01", {{"LI0002", 0, 2000000, 0}}},
      {"GFCYCO01", {{"LI0003", 0, 1000000, 0}}},
  };
  std::vector<Shipper> shippers = {
      {"Quimper Energie", {kQuimperSender}, {"LI0001"}, {}},
      {"EDF Martigues", {"@martigues.example"}, {"LI0002"}, {}},
      {"ENGIE Fos", {"ops@fos.example"}, {"LI0003"}, {}},
  };
  return Referential(std::move(meshes), std::move(sites), std::move(contracts), std::move(shippers),
                     settings);
}

// ---------------------------------------------------------------- declarations

// "20261203" for D.
inline std::string YyyyMmDd(GasDay day) {
  date::year_month_day ymd{day.days()};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

inline std::string IdText(GasDay day, const std::string& site, const std::string& contract,
                          int version) {
  return YyyyMmDd(day) + "-" + site + "-" + contract + "-" + std::to_string(version);
}

inline std::string FileNameFor(GasDay day) {
  return "Export_DECLARATIONS_CCG-UPLOAD-" + YyyyMmDd(day) + "_20261202150000.csv";
}

// One programme line as the parser produces it for a well-formed line.
struct LineSpec {
  GasDay day = D();
  std::string site = "LI0001";
  std::string label = "Quimper";
  std::string contract = "GFQUIMP01";
  int version = 1;
  Hourly values = Flat(0);
  std::optional<double> tech_qmin = 0.0;
  std::optional<double> tech_qmax = 2000000.0;
};

inline ProgrammeLine MakeLine(const LineSpec& s, int line_no = 2) {
  ProgrammeLine pl;
  pl.line = line_no;
  pl.raw_id = IdText(s.day, s.site, s.contract, s.version);
  pl.id = ProgrammeId{s.day, s.site, s.contract, s.version};
  pl.gas_day = s.day;
  pl.site_id = s.site;
  pl.site_label = s.label;
  pl.created = LocalTime{date::local_days{date::year{2026} / 12 / 2} + std::chrono::hours{15}};
  pl.tech_qmin = s.tech_qmin;
  pl.tech_qmax = s.tech_qmax;
  for (const auto& v : s.values) pl.values.push_back(HourlyField{v, false});
  pl.structurally_valid = true;
  return pl;
}

// One CSV file for `day` holding the given lines (line numbers 2, 3, ...).
inline DeclarationFile MakeFile(GasDay day, const std::vector<LineSpec>& lines) {
  DeclarationFile f;
  f.name = FileNameFor(day);
  f.name_day = day;
  f.header_day = day;
  int n = 2;
  for (const auto& s : lines) f.programmes.push_back(MakeLine(s, n++));
  return f;
}

inline ParsedDeclaration MakeDeclaration(std::vector<DeclarationFile> files) {
  ParsedDeclaration d;
  d.files = std::move(files);
  return d;
}
// The common case: one file, one programme line.
inline ParsedDeclaration Single(const LineSpec& s) {
  return MakeDeclaration({MakeFile(s.day, {s})});
}

// ---------------------------------------------------------------- ledger

// Keeps a LedgerSnapshot the way the ledger would: every programme of an
// integrated declaration consumes its id and version; every reference
// update is appended with an increasing sequence number.
class FakeLedger {
 public:
  void Publish(const std::string& mesh, IndicatorKind kind, Light status, Instant at) {
    Publication p;
    p.mesh = mesh;
    p.kind = kind;
    p.status = status;
    p.published_at = at;
    p.seq = next_seq_++;
    snap_.publications.push_back(p);
  }
  void PublishAll(const std::string& mesh, Light status, Instant at) {
    for (IndicatorKind k : kAllIndicators) Publish(mesh, k, status, at);
  }
  void DeclareShortage(GasDay day, const std::string& mesh, Instant at) {
    snap_.shortages.push_back(Shortage{day, mesh, at});
  }

  void Record(const DeclarationResult& r) {
    if (r.outcome != Outcome::kIntegrated) return;
    for (const auto& p : r.programmes) {
      snap_.existing_ids.insert(p.raw_id);
      int& mv = snap_.max_version[SiteDay{p.id.site, p.id.day}];
      mv = std::max(mv, p.id.version);
      Instant& latest = snap_.latest_judged[SiteDay{p.id.site, p.id.day}];
      latest = std::max(latest, JudgedAt(r));
    }
    for (const auto& u : r.updates) {
      ReferenceVersion v = u.version;
      v.seq = next_seq_++;
      snap_.references[u.key].Add(std::move(v));
    }
  }

  // Evaluates a declaration against the current state, then records it.
  DeclarationResult Submit(const ParsedDeclaration& d, Instant at, const Referential& ref,
                           const std::string& sender = kQuimperSender) {
    return SubmitProcessed(d, at, at, ref, sender);
  }
  // Received at `at`, processed at `processed_at` (RULES §9).
  DeclarationResult SubmitProcessed(const ParsedDeclaration& d, Instant at, Instant processed_at,
                                    const Referential& ref,
                                    const std::string& sender = kQuimperSender) {
    DeclarationResult r = EvaluateDeclaration(d, sender, at, processed_at, ref, snap_);
    Record(r);
    return r;
  }

  // The reference of (site, day) in force at t; nullptr when none.
  const ReferenceVersion* RefAt(const std::string& site, GasDay day, Instant t) const {
    auto it = snap_.references.find(SiteDay{site, day});
    return it == snap_.references.end() ? nullptr : it->second.InForceAt(t);
  }

  LedgerSnapshot& snap() { return snap_; }
  const LedgerSnapshot& snap() const { return snap_; }

 private:
  LedgerSnapshot snap_;
  std::int64_t next_seq_ = 1;
};

// Codes of a list of diagnostics, in order.
inline std::vector<Code> CodesOf(const std::vector<Diagnostic>& ds) {
  std::vector<Code> out;
  for (const auto& d : ds) out.push_back(d.code);
  return out;
}
inline std::vector<Code> CodesOf(const std::vector<Violation>& vs) {
  std::vector<Code> out;
  for (const auto& v : vs) out.push_back(v.code);
  return out;
}

// Values of an hourly programme, -1 standing for an empty hour.
inline std::vector<double> Vals(const Hourly& h) {
  std::vector<double> out;
  for (const auto& v : h) out.push_back(v ? *v : -1);
  return out;
}

// A programme line of Quimper (EXAMPLES A–D) or Martigues (E).
inline LineSpec Quimper(int version, const Hourly& values, GasDay day = D()) {
  LineSpec s;
  s.day = day;
  s.version = version;
  s.values = values;
  return s;
}

inline LineSpec Martigues(int version, const Hourly& values) {
  LineSpec s = Quimper(version, values);
  s.site = "LI0002";
  s.label = "Martigues";
  s.contract = "GFMART01";
  return s;
}

}  // namespace flexmail::test
