// Diagnostic: one located error or warning about a declaration.
#pragma once

#include <string>

#include "rules/codes.h"

namespace flexmail {

struct Diagnostic {
  Code code = Code::BAD_FORMAT;
  Severity severity = Severity::kError;
  std::string message;  // French, says what was found and what was expected
  std::string file;     // attachment name; empty when not about a file
  int line = 0;         // 1-based physical line; 0 when not about a line
  int field = 0;        // 1-based field (column); 0 when not about a field
};

// "FILE:LINE: CODE: message", leaving out the parts that are absent (the
// message itself names the field). This is the text shown to operators.
std::string FormatDiagnostic(const Diagnostic& d);

}  // namespace flexmail
