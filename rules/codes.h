// The closed set of business codes flexmail reports, with their French texts.
//
// Technical codes reject a whole declaration (RULES §3); feasibility codes
// refuse one programme (§4); warning codes never reject anything.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flexmail {

enum class Severity { kError, kWarning };

enum class Code {
  // Technical validation: one of these anywhere rejects the declaration.
  NO_DECLARATION_FILE,
  BAD_FILE_NAME,
  BAD_FORMAT,
  UNKNOWN_HMS_SITE,
  CONTRACT_NOT_AUTHORIZED_FOR_SITE,
  SENDER_NOT_AUTHORIZED,
  HMS_PROFILE_ID_ALREADY_EXISTS,
  VERSION_NOT_INCREMENTED,
  HOURS_NOT_BETWEEN_START_END,
  PAST_GAS_DAY,
  GAS_DAY_TOO_FAR,
  BAD_NUMBER_QUANTITIES,
  BAD_QUANTITIES,
  EXEDED_QMIN_QMAX,
  INVALID_QMIN_QMAX,
  // Limits on what a message may hold (the email channel).
  MESSAGE_TOO_LARGE,
  TOO_MANY_ATTACHMENTS,
  ATTACHMENT_TOO_LARGE,
  MIME_TOO_DEEP,
  TOO_MANY_HEADER_LINES,
  MALFORMED_MESSAGE,
  SENDER_NOT_AUTHENTICATED,
  // Feasibility: refuses one programme.
  HMS_PROFILE_NOT_RESPECT_Q0_DELAY,
  HMS_PROFILE_NOT_RESPECT_QMAX_DELAY,
  HMS_PROFILE_NOT_RESPECT_GRAY_INDICATOR,
  HMS_PROFILE_NOT_RESPECT_FLEXIBILITY_TOLERANCE,
  // Warnings.
  OUTSIDE_TECHNICAL_QMIN_QMAX,
  SITE_LABEL_MISMATCH,
  NONEXISTENT_HOUR_ZEROED,
  UNKNOWN_INDICATOR,
  SUBJECT_MISMATCH,
  PROCESSED_OUT_OF_ORDER,
};

// "BAD_FORMAT" for Code::BAD_FORMAT.
std::string_view CodeName(Code c);
// Inverse of CodeName; false when `name` is not a code.
bool ParseCode(std::string_view name, Code* out);

// The French text of a code (contract §13.3/§13.6 wording where the contract
// has one). `hours` fills the "%s" of codes that list hours, formatted as
// "14h00, 15h00"; it is ignored by codes without hours.
std::string CodeText(Code c, std::string_view hours = {});

// "14h00, 15h00, 16h00" for slots {8, 9, 10}: slot i starts at local hour
// (6 + i) mod 24.
std::string FormatSlotHours(const std::vector<int>& slots);

}  // namespace flexmail
