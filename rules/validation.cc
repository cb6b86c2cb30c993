#include "rules/validation.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

namespace flexmail {
namespace {

// Field numbers of a programme line (§19), for located diagnostics.
constexpr int kFieldId = 1, kFieldDay = 2, kFieldSite = 3, kFieldLabel = 4, kFieldQMin = 9,
              kFieldValues = 11;

class Checker {
 public:
  Checker(std::string_view sender, Instant t, const Referential& ref, const LedgerSnapshot& snap,
          ValidationResult* out)
      : sender_(sender), at_(SlotsOf(t)), ref_(ref), snap_(snap), out_(out) {}

  void CheckLine(const DeclarationFile& f, const ProgrammeLine& pl);

 private:
  void Add(Severity sev, Code code, const DeclarationFile& f, const ProgrammeLine& pl, int field,
           std::string message) {
    auto& list = sev == Severity::kError ? out_->errors : out_->warnings;
    list.push_back(Diagnostic{code, sev, std::move(message), f.name, pl.line, field});
  }
  void Error(Code code, const DeclarationFile& f, const ProgrammeLine& pl, int field,
             std::string message) {
    Add(Severity::kError, code, f, pl, field, std::move(message));
  }
  bool CheckIdentity(const DeclarationFile& f, const ProgrammeLine& pl, const Site** site);
  void CheckVersion(const DeclarationFile& f, const ProgrammeLine& pl);
  void CheckDays(const DeclarationFile& f, const ProgrammeLine& pl);
  void CheckValues(const DeclarationFile& f, const ProgrammeLine& pl, Hourly* values);
  void CheckBounds(const DeclarationFile& f, const ProgrammeLine& pl, const Hourly& values);

  // Whether the 23-hour day's 02:00 is missing from `day`, computed once per day.
  bool MissingDstHour(GasDay day);
  bool SenderMayDeclare(const std::string& site);

  std::string_view sender_;
  SlotsAt at_;
  std::map<GasDay, bool> missing_dst_hour_;
  std::map<std::string, bool> sender_may_declare_;
  const Referential& ref_;
  const LedgerSnapshot& snap_;
  ValidationResult* out_;
  // Views into the declaration being checked, which outlives the checker.
  std::set<std::tuple<std::string_view, GasDay, int>> seen_versions_;

 public:
  // Lines that could not be judged; each must carry an error (see Finish).
  std::vector<std::pair<const DeclarationFile*, const ProgrammeLine*>> unjudged;
  void Finish();
};

std::string Quoted(std::string_view s) { return "« " + std::string(s) + " »"; }

bool SameLabel(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Site, contract and sender (§3: UNKNOWN_HMS_SITE, CONTRACT_NOT_AUTHORIZED_
// FOR_SITE, SENDER_NOT_AUTHORIZED). Returns false when the site is unknown.
bool Checker::CheckIdentity(const DeclarationFile& f, const ProgrammeLine& pl, const Site** site) {
  const ProgrammeId& id = *pl.id;
  if (!pl.site_id.empty() && pl.site_id != id.site) {
    Error(Code::BAD_FORMAT, f, pl, kFieldSite,
          "champ 3 (code site) : attendu " + Quoted(id.site) + " comme dans l'identifiant du "
          "programme, trouvé " + Quoted(pl.site_id));
  }
  *site = ref_.FindSite(id.site);
  if (!*site) {
    Error(Code::UNKNOWN_HMS_SITE, f, pl, kFieldSite,
          CodeText(Code::UNKNOWN_HMS_SITE) + " : " + Quoted(id.site));
    return false;
  }
  if (!ref_.FindContractSite(id.contract, id.site)) {
    Error(Code::CONTRACT_NOT_AUTHORIZED_FOR_SITE, f, pl, kFieldId,
          CodeText(Code::CONTRACT_NOT_AUTHORIZED_FOR_SITE) + " : contrat " + Quoted(id.contract) +
              ", site " + Quoted(id.site));
  }
  if (!SenderMayDeclare(id.site)) {
    Error(Code::SENDER_NOT_AUTHORIZED, f, pl, kFieldSite,
          CodeText(Code::SENDER_NOT_AUTHORIZED) + " : " + Quoted(sender_) + " pour " +
              Quoted(id.site));
  }
  if (!pl.site_label.empty() && !SameLabel(pl.site_label, (*site)->label)) {
    Add(Severity::kWarning, Code::SITE_LABEL_MISMATCH, f, pl, kFieldLabel,
        CodeText(Code::SITE_LABEL_MISMATCH) + " : trouvé " + Quoted(pl.site_label) +
            ", attendu " + Quoted((*site)->label));
  }
  return true;
}

// §2.2: an id already integrated, or a version that does not increase.
void Checker::CheckVersion(const DeclarationFile& f, const ProgrammeLine& pl) {
  const ProgrammeId& id = *pl.id;
  if (snap_.existing_ids.count(pl.raw_id)) {
    Error(Code::HMS_PROFILE_ID_ALREADY_EXISTS, f, pl, kFieldId,
          CodeText(Code::HMS_PROFILE_ID_ALREADY_EXISTS) + " : " + Quoted(pl.raw_id));
    return;
  }
  auto it = snap_.max_version.find(SiteDay{id.site, id.day});
  if (it != snap_.max_version.end() && id.version <= it->second) {
    Error(Code::VERSION_NOT_INCREMENTED, f, pl, kFieldId,
          CodeText(Code::VERSION_NOT_INCREMENTED) + " : version " + std::to_string(id.version) +
              ", attendu une version supérieure à " + std::to_string(it->second));
    return;
  }
  if (!seen_versions_.emplace(id.site, id.day, id.version).second) {
    Error(Code::VERSION_NOT_INCREMENTED, f, pl, kFieldId,
          CodeText(Code::VERSION_NOT_INCREMENTED) + " : la version " +
              std::to_string(id.version) + " de ce site et de cette JG figure deux fois dans "
              "la déclaration");
  }
}

// GAS_DAY_TOO_FAR: the contract's files are sent on D-1 for D, D+1 and D+2
// (chapter 6), so a day further ahead than the horizon is a mistake (a
// wrong year or month), not an early declaration to accept unchecked.
// Counted in gas days from the one in progress at the judgement instant:
// `day` is allowed iff day - today <= max_days_ahead.
std::optional<std::string> BeyondHorizon(GasDay day, GasDay today, int max_days_ahead) {
  const GasDay last(today.days() + date::days{max_days_ahead});
  if (day <= last) return std::nullopt;
  return CodeText(Code::GAS_DAY_TOO_FAR) + " : JG " + day.French() + ", au plus " +
         std::to_string(max_days_ahead) + (max_days_ahead == 1 ? " jour" : " jours") +
         " après la JG en cours (" + today.French() + "), soit jusqu'au " + last.French();
}

// §2.5, PAST_GAS_DAY and GAS_DAY_TOO_FAR: every date of the line names the
// same gas day, that day is not over, and it is within the horizon.
void Checker::CheckDays(const DeclarationFile& f, const ProgrammeLine& pl) {
  const GasDay day = pl.id->day;
  std::string found;
  auto compare = [&](const std::optional<GasDay>& d, const char* where) {
    if (d && *d != day) found += std::string(found.empty() ? "" : ", ") + where + " " + d->French();
  };
  compare(f.name_day, "nom du fichier");
  compare(f.header_day, "en-tête");
  compare(pl.gas_day, "champ 2");
  if (!found.empty()) {
    Error(Code::HOURS_NOT_BETWEEN_START_END, f, pl, kFieldDay,
          CodeText(Code::HOURS_NOT_BETWEEN_START_END) + " : identifiant " + day.French() +
              ", " + found);
  }
  // t >= D+1 06:00: 06:00 is never moved by a DST change, hour slots suffice.
  if (at_.hour >= AbsSlotOf(day.Next(), 0)) {
    Error(Code::PAST_GAS_DAY, f, pl, kFieldDay,
          CodeText(Code::PAST_GAS_DAY) + " : JG " + day.French() + " terminée le " +
              FormatLocalIso(GasDayEnd(day)));
  }
  if (auto beyond = BeyondHorizon(day, DayOfAbsSlot(at_.hour), ref_.settings().max_days_ahead)) {
    Error(Code::GAS_DAY_TOO_FAR, f, pl, kFieldDay, std::move(*beyond));
  }
}


// Hours whose value lies outside `band`. The nonexistent 02:00 of the
// 23-hour day is 0 by decision and is never judged against bounds.
std::vector<int> SlotsOutside(bool missing_dst_hour, const Hourly& values, const Band& band) {
  std::vector<int> out;
  for (int i = 0; i < kSlotsPerDay; ++i) {
    if (i == kNonexistentDstSlot && missing_dst_hour) continue;
    if (values[i] && !band.Contains(ToMilli(*values[i]))) out.push_back(i);
  }
  return out;
}

// Empty future hours (BAD_QUANTITIES), the nonexistent DST hour, declared
// technical bounds (INVALID_QMIN_QMAX, warning outside them).
void Checker::CheckValues(const DeclarationFile& f, const ProgrammeLine& pl, Hourly* values) {
  const GasDay day = pl.id->day;
  for (int i = 0; i < kSlotsPerDay; ++i) (*values)[i] = pl.values[i].value;
  if (MissingDstHour(day)) {
    auto& v = (*values)[kNonexistentDstSlot];
    if (v && *v != 0) {
      Add(Severity::kWarning, Code::NONEXISTENT_HOUR_ZEROED, f, pl,
          kFieldValues + kNonexistentDstSlot, CodeText(Code::NONEXISTENT_HOUR_ZEROED));
    }
    v = 0.0;
  }
  std::vector<int> missing;
  const AbsSlot current = at_.current;
  for (int i = 0; i < kSlotsPerDay; ++i) {
    if (!(*values)[i] && !pl.values[i].malformed && AbsSlotOf(day, i) >= current)
      missing.push_back(i);
  }
  if (!missing.empty()) {
    Error(Code::BAD_QUANTITIES, f, pl, kFieldValues + missing.front(),
          CodeText(Code::BAD_QUANTITIES) + " : heures " + FormatSlotHours(missing));
  }
  if (!pl.tech_qmin || !pl.tech_qmax) return;
  if (ToMilli(*pl.tech_qmin) > ToMilli(*pl.tech_qmax)) {
    Error(Code::INVALID_QMIN_QMAX, f, pl, kFieldQMin, CodeText(Code::INVALID_QMIN_QMAX));
    return;
  }
  auto outside = SlotsOutside(MissingDstHour(day), *values,
                              Band::Between(*pl.tech_qmin, *pl.tech_qmax));
  if (!outside.empty()) {
    Add(Severity::kWarning, Code::OUTSIDE_TECHNICAL_QMIN_QMAX, f, pl,
        kFieldValues + outside.front(),
        CodeText(Code::OUTSIDE_TECHNICAL_QMIN_QMAX, FormatSlotHours(outside)));
  }
}

// §2.4: contractual bounds widened by the tolerance, exactly (a value equal
// to qmax × (1 + t) is inside).
void Checker::CheckBounds(const DeclarationFile& f, const ProgrammeLine& pl,
                          const Hourly& values) {
  const ContractSite* terms = ref_.FindContractSite(pl.id->contract, pl.id->site);
  if (!terms) return;
  auto outside = SlotsOutside(MissingDstHour(pl.id->day), values, ContractBand(*terms));
  if (!outside.empty()) {
    Error(Code::EXEDED_QMIN_QMAX, f, pl, kFieldValues + outside.front(),
          CodeText(Code::EXEDED_QMIN_QMAX, FormatSlotHours(outside)));
  }
}

bool Checker::MissingDstHour(GasDay day) {
  auto it = missing_dst_hour_.find(day);
  if (it == missing_dst_hour_.end())
    it = missing_dst_hour_.emplace(day, SlotIsNonexistent(day, kNonexistentDstSlot)).first;
  return it->second;
}

bool Checker::SenderMayDeclare(const std::string& site) {
  auto it = sender_may_declare_.find(site);
  if (it == sender_may_declare_.end())
    it = sender_may_declare_.emplace(site, ref_.SenderMayDeclare(sender_, site)).first;
  return it->second;
}

void Checker::CheckLine(const DeclarationFile& f, const ProgrammeLine& pl) {
  if (!pl.id) {  // the parser reported the malformed id
    unjudged.emplace_back(&f, &pl);
    return;
  }
  const Site* site = nullptr;
  bool known = CheckIdentity(f, pl, &site);
  CheckVersion(f, pl);
  CheckDays(f, pl);
  if (pl.values.size() != kSlotsPerDay) {  // BAD_NUMBER_QUANTITIES already
    unjudged.emplace_back(&f, &pl);
    return;
  }
  ValidProgramme vp{&f, &pl, *pl.id, site, {}};
  CheckValues(f, pl, &vp.values);
  CheckBounds(f, pl, vp.values);
  if (known && pl.structurally_valid) {
    out_->programmes.push_back(std::move(vp));
  } else if (known) {
    unjudged.emplace_back(&f, &pl);
  }
}

// A line left out of the verdict must never pass silently: the parser
// promises an error for each, and this keeps the promise if it did not.
void Checker::Finish() {
  if (!out_->errors.empty()) return;
  for (const auto& [f, pl] : unjudged) {
    Error(Code::BAD_FORMAT, *f, *pl, 0, "ligne de programme illisible");
  }
}

}  // namespace

ValidationResult ValidateDeclaration(const ParsedDeclaration& d, std::string_view sender,
                                     Instant received_at, const Referential& ref,
                                     const LedgerSnapshot& snap) {
  ValidationResult out;
  for (const auto& diag : d.diagnostics) {
    (diag.severity == Severity::kError ? out.errors : out.warnings).push_back(diag);
  }
  // A message over a limit may have lost its files: the limit says it all.
  if (d.files.empty() && out.errors.empty()) {
    out.errors.push_back(Diagnostic{Code::NO_DECLARATION_FILE, Severity::kError,
                                    CodeText(Code::NO_DECLARATION_FILE), "", 0, 0});
  }
  Checker checker(sender, received_at, ref, snap, &out);
  size_t lines = 0;
  for (const auto& f : d.files) lines += f.programmes.size();
  out.programmes.reserve(lines);
  for (const auto& f : d.files) {
    for (const auto& pl : f.programmes) checker.CheckLine(f, pl);
  }
  checker.Finish();
  return out;
}

}  // namespace flexmail
