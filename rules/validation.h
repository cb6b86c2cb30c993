// Technical validation of a declaration (RULES §3): every check on every
// line, all errors collected. Used by EvaluateDeclaration.
#pragma once

#include <string_view>
#include <vector>

#include "rules/declaration.h"

namespace flexmail {

// A programme line that passed its own checks, with the values it will be
// stored with (the nonexistent DST hour zeroed).
struct ValidProgramme {
  const DeclarationFile* file = nullptr;
  const ProgrammeLine* line = nullptr;
  ProgrammeId id;
  const Site* site = nullptr;
  Hourly values{};
};

struct ValidationResult {
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
  std::vector<ValidProgramme> programmes;  // meaningful only without errors
};

ValidationResult ValidateDeclaration(const ParsedDeclaration& d, std::string_view sender,
                                     Instant received_at, const Referential& ref,
                                     const LedgerSnapshot& snap);

}  // namespace flexmail
