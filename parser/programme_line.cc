#include <string>

#include "parser/lines.h"

namespace flexmail::parser {

namespace {

constexpr int kMinReadableFields = kValueFieldOffset + 1;

void ReadIdentity(const std::vector<Field>& f, FieldChecker* check, ProgrammeLine* out) {
  std::string expected;
  out->id = ParseProgrammeId(f[0].text, &expected);
  if (!out->id) {
    if (expected.empty()) expected = "un identifiant AAAAMMJJ-LIxxxx-<contrat>-<version>";
    check->Fail(1, "attendu " + expected, f[0].text);
  }
  out->gas_day = check->Date(2, f[1].text);
  if (IsSiteId(f[2].text)) {
    out->site_id.assign(f[2].text);
  } else {
    check->Fail(3, "attendu un code site LI suivi de 4 chiffres", f[2].text);
  }
  out->site_label.assign(f[3].text);
}

void ReadCreation(const std::vector<Field>& f, FieldChecker* check, ProgrammeLine* out) {
  auto day = check->Date(5, f[4].text);
  auto time = check->Time(6, f[5].text);
  if (day && time) {
    out->created = LocalTime{date::local_days{day->days().time_since_epoch()} + *time};
  }
  check->Date(7, f[6].text);
  check->Time(8, f[7].text);
}

// An empty hourly value is allowed here: whether that hour may be left
// empty depends on the reception time, which is for the rules to judge.
void ReadValues(const std::vector<Field>& f, FieldChecker* check, ProgrammeLine* out) {
  out->tech_qmin = check->Quantity(9, f[8].text);
  out->tech_qmax = check->Quantity(10, f[9].text);
  out->values.resize(f.size() - kValueFieldOffset);
  for (size_t i = kValueFieldOffset; i < f.size(); ++i) {
    HourlyField& v = out->values[i - kValueFieldOffset];
    double x;
    NumberStatus st = ParseQuantity(f[i].text, check->sep(), &x);
    if (st == NumberStatus::kOk) {
      v.value = x;
    } else if (st != NumberStatus::kEmpty) {
      v.malformed = true;
      check->BadQuantity(static_cast<int>(i) + 1, f[i].text, st);
    }
  }
}

// Too few fields to know which is which: one diagnostic, nothing read.
// Between that and 34, or above, the first ten fields are still where they
// should be, so the line is read and only the number of values is wrong.
bool CheckFieldCount(size_t n, FieldChecker* check) {
  if (n < kMinReadableFields) {
    check->LineError(Code::BAD_FORMAT, 0,
                     "ligne de programme : " +
                         Count(static_cast<long>(n), "champ trouvé", "champs trouvés") +
                         ", 34 attendus" + SeparatorNote(check->sep()));
    return false;
  }
  if (n != kProgrammeFields) {
    long values = static_cast<long>(n) - kValueFieldOffset;
    check->LineError(Code::BAD_NUMBER_QUANTITIES, 0,
                     "ligne de programme : " +
                         Count(values, "valeur horaire trouvée", "valeurs horaires trouvées") +
                         ", 24 attendues");
  }
  return true;
}

}  // namespace

void ParseProgrammeLine(char* text, size_t len, FieldChecker* check, std::vector<Field>* fields,
                        ProgrammeLine* out) {
  out->line = check->line();
  out->structurally_valid = false;
  if (!SplitLine(text, len, check, fields)) return;
  DropTolerableTrailingField(fields, kProgrammeFields);
  const std::vector<Field>& f = *fields;
  if (!f.empty()) out->raw_id.assign(f[0].text);
  if (!CheckFieldCount(f.size(), check)) return;
  ReadIdentity(f, check, out);
  ReadCreation(f, check, out);
  ReadValues(f, check, out);
  out->structurally_valid = check->ok();
}

}  // namespace flexmail::parser
