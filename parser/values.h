// The scalar syntaxes of the CSV files (RULES §7): quantities and times.
// Dates use GasDay::ParseFrench (strict DD/MM/YYYY, valid calendar date).
#pragma once

#include <chrono>
#include <string_view>

#include "rules/quantity.h"

namespace flexmail::parser {

enum class NumberStatus {
  kOk,
  kEmpty,         // nothing in the field
  kMalformed,     // not a number as described below
  kBadGrouping,   // a number once the spaces standing alone between its
                  // digits are taken out: ordinary ones, or no-break ones
                  // not between groups of three
  kNegative,      // '-' followed by a well-formed number that is not zero
  kOutOfRange,    // well-formed but kMaxQuantityKwh (10^12) or more
};

// A non-negative decimal as a spreadsheet may write it (RULES §7):
//
//   [-] integer [mark [digits]] [(e|E) [+|-] digits]
//
// - integer: digits, or 1 to 3 digits followed by groups of exactly three
//   digits each led by a no-break space, U+00A0 or U+202F (French
//   spreadsheets' thousands separators; a Windows-1252 file's 0xA0 reaches
//   here as U+00A0): "1<U+00A0>234<U+00A0>567,5". An ordinary space is no
//   separator (it could join two values whose separator was lost), nor is
//   '.' or ','; the fraction and the exponent are never grouped.
// - mark: '.', or also ',' when the separator is ';' (with ',' as separator
//   a comma can only appear inside quotes, and the contract's readers would
//   take it for two fields). One at most; it may end the mantissa ("100.")
//   but not begin it (".5").
// - exponent: "1E+05", "1,5e5", "2.5e-3".
// - '-' only before a zero as written ("-0", "-0,000", "-0e3"): read as 0,
//   a quantity like any other; before anything else kNegative, even when
//   it rounds to 0 ("-0,0001").
// No '+' sign, NaN, infinity, hexadecimal, nor anything around the number
// (the field splitter has trimmed ASCII blanks outside quotes).
// The value is kept to the thousandth (rounded half up on the fourth
// fractional digit, exponent applied), so that the rules compare it exactly
// (rules/quantity.h); *out is the double nearest to that decimal.
NumberStatus ParseQuantity(std::string_view s, char sep, double* out);

// "HHMMSS" followed by 0 to 5 fraction-of-second digits (the contract's
// "HHMMSSsmsms"), HH <= 23, MM and SS <= 59. The fraction is read as a
// decimal fraction of a second and kept to the millisecond (truncated).
bool ParseClockTime(std::string_view s, std::chrono::milliseconds* since_midnight);

}  // namespace flexmail::parser
