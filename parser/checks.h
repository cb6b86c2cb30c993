// Checking the fields of one line. Each failed check adds exactly one
// BAD_FORMAT diagnostic located at (line, field), worded
//   "champ N (<label>) : attendu <what>, trouvé « <text> »"
// and the line is remembered as structurally invalid. Labels are built only
// when a check fails, so that valid lines cost no allocation here.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "parser/report.h"
#include "parser/values.h"
#include "rules/time.h"

namespace flexmail::parser {

enum class LineKind { kHeader, kProgramme };

// "jour gazier", "valeur horaire 07h00", "valeur horaire en trop n°25", …
std::string FieldLabel(LineKind kind, int field);

class FieldChecker {
 public:
  FieldChecker(Reporter* report, LineKind kind, int line, char sep)
      : report_(report), kind_(kind), line_(line), sep_(sep) {}

  // Adds "champ N (label) : <body>, trouvé <found>".
  void Fail(int field, std::string_view body, std::string_view found);
  // Adds any other diagnostic about this line.
  void LineError(Code code, int field, std::string message);

  // The three constant header tokens compare case-insensitively: shippers
  // type them by hand or with a spreadsheet that may change case, and the
  // words cannot be confused with anything else.
  bool Token(int field, std::string_view text, std::string_view token);
  std::optional<GasDay> Date(int field, std::string_view text);
  std::optional<std::chrono::milliseconds> Time(int field, std::string_view text);
  // A required quantity (qMin, qMax): nullopt, reported, when not a valid
  // number or empty.
  std::optional<double> Quantity(int field, std::string_view text);
  // Reports why `text` is not a quantity. REQUIRES: status is not kOk.
  void BadQuantity(int field, std::string_view text, NumberStatus status);

  bool ok() const { return ok_; }
  char sep() const { return sep_; }
  int line() const { return line_; }

 private:
  Reporter* report_;
  LineKind kind_;
  int line_;
  char sep_;
  bool ok_ = true;
};

}  // namespace flexmail::parser
