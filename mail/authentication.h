// Sender authentication: whether a message really comes from the domain or
// the person its From names. One verdict type for every method, so the
// intake, the ledger, the JSON and the reply speak of them alike.
//
// Each method lives in its own file of the flexmail_auth target and is a
// function from the message's bytes (and what the method needs to trust) to
// an AuthVerdict; none of them reads the clock, the ledger or the config.
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

// The closed set of authentication outcomes.
enum class AuthResult {
  kPass,       // authenticated: `detail` names the domain or certificate
  kFail,       // not authenticated: `detail` says why (printable, no secret)
  kTempError,  // could not decide now (DNS down): try again later
  kNone,       // no authentication asked (mode "none")
};

// "pass", "fail", "temperror", "none": as stored and shown.
std::string_view AuthResultName(AuthResult r);

struct AuthVerdict {
  std::string method;  // "dkim" | "authentication-results" | "smime" | "none"
  AuthResult result = AuthResult::kNone;
  std::string detail;  // what passed (domain, certificate subject) or why not
};

}  // namespace flexmail
