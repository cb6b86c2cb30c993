#include "parser/report.h"

#include <algorithm>
#include <utility>

#include "parser/encoding.h"

namespace flexmail::parser {
namespace {

// Characters that would break a one-line message or reorder what a reader
// sees: C0/C1 controls, DEL, line and paragraph separators, bidi controls.
bool IsUnsafe(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

}  // namespace

std::string Printable(std::string_view s, size_t max_chars) {
  std::string out;
  out.reserve(std::min(s.size(), max_chars * 4) + 3);
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++chars) {
    if (chars == max_chars) {
      out += "…";
      break;
    }
    size_t len;
    char32_t cp = DecodeUtf8At(s, i, &len);
    if (len == 0 || IsUnsafe(cp)) {
      out.push_back('?');
      i += len == 0 ? 1 : len;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string Found(std::string_view field) {
  if (field.empty()) return "un champ vide";
  return "« " + Printable(field, kQuoteChars) + " »";
}

std::string Count(long n, std::string_view singular, std::string_view plural) {
  std::string out = std::to_string(n);
  out += ' ';
  out += (n == 0 || n == 1 || n == -1) ? singular : plural;
  return out;
}

Reporter::Reporter(std::string_view file_name, std::vector<Diagnostic>* out, int max_errors)
    : file_(Printable(file_name, kFileNameChars)), out_(out), max_errors_(max_errors) {}

void Reporter::Add(Code code, int line, int field, std::string message) {
  if (stopped_) return;
  Diagnostic d;
  d.code = code;
  d.severity = Severity::kError;
  d.file = file_;
  d.line = line;
  if (count_ < max_errors_) {
    d.message = std::move(message);
    d.field = field;
    ++count_;
  } else {
    d.code = Code::BAD_FORMAT;
    d.message = "plus de " + std::to_string(max_errors_) +
                " erreurs dans ce fichier : lecture arrêtée, la suite n'est pas vérifiée";
    stopped_ = true;
  }
  out_->push_back(std::move(d));
}

}  // namespace flexmail::parser
