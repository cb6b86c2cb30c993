#include "rules/diagnostic.h"

namespace flexmail {

std::string FormatDiagnostic(const Diagnostic& d) {
  std::string out;
  if (!d.file.empty()) {
    out += d.file;
    if (d.line > 0) out += ":" + std::to_string(d.line);
    out += ": ";
  }
  out += CodeName(d.code);
  out += ": ";
  out += d.message;
  return out;
}

}  // namespace flexmail
