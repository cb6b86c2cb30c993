#include "parser/file_name.h"

#include <string>

#include "parser/csv.h"

namespace flexmail {
namespace parser {
namespace {

constexpr std::string_view kPrefix = "export_declarations_ccg-upload-";
constexpr std::string_view kSuffix = ".csv";
constexpr size_t kDateDigits = 8;
constexpr size_t kMinStampDigits = 14;
constexpr size_t kMaxStampDigits = 17;

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWithIgnoreCase(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i) {
    if (Lower(s[i]) != lower_prefix[i]) return false;
  }
  return true;
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

FileNameCheck CheckFileName(std::string_view name, GasDay* day) {
  if (!StartsWithIgnoreCase(name, kPrefix)) return FileNameCheck::kBadPattern;
  name.remove_prefix(kPrefix.size());
  if (name.size() < kSuffix.size() ||
      !StartsWithIgnoreCase(name.substr(name.size() - kSuffix.size()), kSuffix)) {
    return FileNameCheck::kBadPattern;
  }
  name.remove_suffix(kSuffix.size());
  // Now "YYYYMMDD_<digits>".
  if (name.size() <= kDateDigits || name[kDateDigits] != '_') return FileNameCheck::kBadPattern;
  std::string_view date = name.substr(0, kDateDigits);
  std::string_view stamp = name.substr(kDateDigits + 1);
  if (!AllDigits(date) || !AllDigits(stamp) || stamp.size() < kMinStampDigits ||
      stamp.size() > kMaxStampDigits) {
    return FileNameCheck::kBadPattern;
  }
  auto parsed = GasDay::ParseCompact(date);
  if (!parsed) return FileNameCheck::kBadDate;
  if (day) *day = *parsed;
  return FileNameCheck::kOk;
}

std::optional<GasDay> ReadFileName(std::string_view name, Reporter* report) {
  GasDay day;
  FileNameCheck check = CheckFileName(name, &day);
  if (check == FileNameCheck::kOk) return day;
  std::string m = "nom de fichier « " + Printable(name, kFileNameChars) + " » : ";
  if (check == FileNameCheck::kBadDate) {
    m += "la date " + std::string(name.substr(kPrefix.size(), kDateDigits)) +
         " n'existe pas, attendu une date AAAAMMJJ valide";
  } else {
    m += "attendu Export_DECLARATIONS_CCG-UPLOAD-AAAAMMJJ_<14 à 17 chiffres>.csv";
  }
  report->Add(Code::BAD_FILE_NAME, 0, 0, std::move(m));
  return std::nullopt;
}

}  // namespace parser

bool ParseDeclarationFileName(std::string_view name, GasDay* day) {
  return parser::CheckFileName(name, day) == parser::FileNameCheck::kOk;
}

}  // namespace flexmail
