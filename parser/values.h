// The scalar syntaxes of the CSV files (RULES §7): quantities and times.
// Dates use GasDay::ParseFrench (strict DD/MM/YYYY, valid calendar date).
#pragma once

#include <chrono>
#include <string_view>

#include "rules/quantity.h"

namespace flexmail::parser {

enum class NumberStatus {
  kOk,
  kEmpty,       // nothing in the field
  kMalformed,   // not [0-9]+([.,][0-9]+)?
  kNegative,    // '-' followed by a well-formed number
  kOutOfRange,  // well-formed but kMaxQuantityKwh (10^12) or more
};

// A plain non-negative decimal: digits, optionally a decimal mark and more
// digits. The mark is '.', or also ',' when the separator is ';' (with ','
// as separator a comma can only appear inside quotes, and the contract's
// readers would take it for two fields). No sign, exponent, NaN, infinity,
// thousands separator, nor leading/trailing mark: what a spreadsheet writes
// for a quantity, and nothing that a locale could read differently.
// The value is kept to the thousandth (rounded half up on the fourth
// fractional digit), so that the rules compare it exactly
// (rules/quantity.h); *out is the double nearest to that decimal.
NumberStatus ParseQuantity(std::string_view s, char sep, double* out);

// "HHMMSS" followed by 0 to 5 fraction-of-second digits (the contract's
// "HHMMSSsmsms"), HH <= 23, MM and SS <= 59. The fraction is read as a
// decimal fraction of a second and kept to the millisecond (truncated).
bool ParseClockTime(std::string_view s, std::chrono::milliseconds* since_midnight);

}  // namespace flexmail::parser
