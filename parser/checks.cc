#include "parser/checks.h"

#include <cstdio>


namespace flexmail::parser {
namespace {

constexpr std::string_view kHeaderLabels[] = {
    "type de fichier", "date de création", "heure de création", "type d'envoi",
    "environnement",   "jour gazier",      "seconde date",
};

constexpr std::string_view kProgrammeLabels[] = {
    "identifiant du programme",
    "jour gazier",
    "code du site",
    "nom du site",
    "date de création",
    "heure de création",
    "seconde date de création",
    "seconde heure de création",
    "débit horaire minimal technique",
    "débit horaire maximal technique",
};

constexpr int kFirstHourlyField = 11;

std::string HourlyLabel(int field) {
  int index = field - kFirstHourlyField;  // 0-based hourly value
  char buf[48];
  if (index < kSlotsPerDay) {
    std::snprintf(buf, sizeof buf, "valeur horaire %02dh00", (6 + index) % 24);
  } else {
    std::snprintf(buf, sizeof buf, "valeur horaire en trop n°%d", index + 1);
  }
  return buf;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::string FieldLabel(LineKind kind, int field) {
  if (kind == LineKind::kHeader) {
    if (field >= 1 && field <= 7) return std::string(kHeaderLabels[field - 1]);
    return "champ en trop";
  }
  if (field >= 1 && field < kFirstHourlyField) return std::string(kProgrammeLabels[field - 1]);
  return HourlyLabel(field);
}

void FieldChecker::Fail(int field, std::string_view body, std::string_view found) {
  std::string m = "champ " + std::to_string(field) + " (" + FieldLabel(kind_, field) + ") : ";
  m += body;
  m += ", trouvé ";
  m += Found(found);
  LineError(Code::BAD_FORMAT, field, std::move(m));
}

void FieldChecker::LineError(Code code, int field, std::string message) {
  ok_ = false;
  report_->Add(code, line_, field, std::move(message));
}

bool FieldChecker::Token(int field, std::string_view text, std::string_view token) {
  if (EqualsIgnoreCase(text, token)) return true;
  Fail(field, "attendu « " + std::string(token) + " »", text);
  return false;
}

std::optional<GasDay> FieldChecker::Date(int field, std::string_view text) {
  auto day = GasDay::ParseFrench(text);
  if (!day) Fail(field, "attendu une date JJ/MM/AAAA valide", text);
  return day;
}

std::optional<std::chrono::milliseconds> FieldChecker::Time(int field, std::string_view text) {
  std::chrono::milliseconds t;
  if (ParseClockTime(text, &t)) return t;
  Fail(field, "attendu une heure HHMMSS suivie de 0 à 5 chiffres", text);
  return std::nullopt;
}

std::optional<double> FieldChecker::Quantity(int field, std::string_view text) {
  double v = 0;
  NumberStatus st = ParseQuantity(text, sep_, &v);
  if (st == NumberStatus::kOk) return v;
  BadQuantity(field, text, st);
  return std::nullopt;
}

void FieldChecker::BadQuantity(int field, std::string_view text, NumberStatus status) {
  switch (status) {
    case NumberStatus::kNegative:
      Fail(field, "valeur négative interdite, attendu un nombre positif ou nul", text);
      return;
    case NumberStatus::kOutOfRange:
      Fail(field, "nombre trop grand, attendu un nombre inférieur à 1 000 000 000 000 kWh", text);
      return;
    case NumberStatus::kBadGrouping:
      Fail(field,
           "attendu des milliers séparés par une espace insécable (U+00A0 ou U+202F), par "
           "groupes de 3 chiffres",
           text);
      return;
    case NumberStatus::kOk:
    case NumberStatus::kEmpty:
    case NumberStatus::kMalformed:
      break;
  }
  Fail(field,
       sep_ == ';' ? "attendu un nombre décimal positif ou nul"
                   : "attendu un nombre décimal positif ou nul, avec « . » comme séparateur "
                     "décimal",
       text);
}

}  // namespace flexmail::parser
