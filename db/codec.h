// How the ledger spells the model's values as SQL text, both ways. The
// spellings are part of the schema (CHECK constraints and views use them):
// change them only with a migration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/codes.h"
#include "rules/declaration.h"
#include "rules/feasibility.h"
#include "rules/status.h"
#include "rules/time.h"

namespace flexmail::store {

std::string_view OutcomeText(Outcome o);  // INTEGRATED, REJECTED, IGNORED
bool ParseOutcome(std::string_view s, Outcome* out);
std::string_view SeverityText(Severity s);  // ERROR, WARNING
bool ParseSeverity(std::string_view s, Severity* out);
std::string_view PathText(FeasibilityPath p);  // EARLY, SHORTAGE, EMPTY_WINDOW, CHECKED
bool ParsePath(std::string_view s, FeasibilityPath* out);

// Slot indices as "8,9,10" ("" for none).
std::string SlotsText(const std::vector<int>& slots);
bool ParseSlots(std::string_view s, std::vector<int>* out);

// A Paris wall-clock time without offset: "2026-12-03T05:43:12.000".
std::string LocalText(LocalTime t);
bool ParseLocalText(std::string_view s, LocalTime* out);

// Readers of stored text. The ledger wrote these values itself, so a value
// that does not parse means the file was damaged or edited by hand: the
// Status is kInternal and names the column and the value.
Status ReadInstant(std::string_view column, const std::string& text, Instant* out);
Status ReadGasDay(std::string_view column, const std::string& text, GasDay* out);
Status Corrupt(std::string_view column, std::string_view text);

// Absent values are stored as NULL, so the views show nothing rather than
// "" or 0: empty text, and a line number or row id that is not positive.
std::optional<std::string_view> TextOrNull(const std::string& s);
std::optional<std::int64_t> PositiveOrNull(std::int64_t v);

// Outside text quoted in an error message: printable, at most 80
// characters, between double quotes.
std::string Quoted(std::string_view s);

}  // namespace flexmail::store
