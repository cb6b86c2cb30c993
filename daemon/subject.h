// The subject a shipper's email should carry (contract ch. 6):
// "[<site name>] Prévisions SFM : <dd/mm/yyyy> – <dd/mm/yyyy>".
// Informative only: a mismatch is a warning, never a rejection.
#pragma once

#include <optional>
#include <string>

#include "rules/diagnostic.h"
#include "rules/referential.h"

namespace flexmail {

// Nothing when the subject has the expected form (after "Re:", "TR:",
// "Fwd:"… prefixes, with any dash and spacing, "Previsions" without accent
// too) and names a site of the referential; otherwise a SUBJECT_MISMATCH
// warning quoting what was found.
std::optional<Diagnostic> CheckSubject(const std::string& subject, const Referential& ref);

}  // namespace flexmail
