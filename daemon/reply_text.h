// Pieces of the French reply text, shared by the reply and its tests.
#pragma once

#include <optional>
#include <string>

#include "rules/declaration.h"

namespace flexmail {

// "400 000" or "12 345,5": French digit grouping and decimal comma.
std::string FrenchQuantity(const std::optional<double>& v);
// "03/12/2026 à 12h20" in Paris time.
std::string FrenchInstant(Instant t);

}  // namespace flexmail
