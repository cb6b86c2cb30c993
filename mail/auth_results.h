// The "authentication-results" method: flexmail believes the DMARC verdict
// that the operator's own receiving MTA wrote in an Authentication-Results
// field (RFC 8601), instead of checking signatures itself.
//
// Anyone can write such a field, so only one is believed: the topmost field
// whose authserv-id is the operator's. The MTA prepends its field, so that is
// the one it added; every lower copy, and every field of another server, is
// ignored whatever it says. This is only safe when the boundary MTA removes
// incoming copies of its own authserv-id (RFC 8601 §5; see the README).
#pragma once

#include <string_view>

#include "mail/authentication.h"

namespace flexmail {

// The `authserv_id` that selects Microsoft 365 (Exchange Online), which
// writes its field without any authserv-id.
inline constexpr std::string_view kMicrosoft365AuthservId = "microsoft365";

// Judges `raw_message` (the bytes as received; only its header section is
// read, within fixed bounds) for the From address `from_address` (as the
// message parser extracted it: "local@domain").
//
// kPass when the topmost Authentication-Results field of `authserv_id`
// (compared case-insensitively, as a domain) holds exactly one dmarc result,
// "pass", whose header.from is the From address's domain (no subdomain or
// parent domain). kTempError for dmarc=temperror. Anything else is kFail,
// with the reason in French in `detail`.
//
// With kMicrosoft365AuthservId, the field believed is the topmost one
// without authserv-id, and its compauth result must not contradict DMARC
// (see auth_results.cc).
//
// method is always "authentication-results". Never throws.
AuthVerdict CheckAuthenticationResults(std::string_view raw_message, std::string_view authserv_id,
                                       std::string_view from_address);

}  // namespace flexmail
