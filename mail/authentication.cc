#include "mail/authentication.h"

namespace flexmail {

std::string_view AuthResultName(AuthResult r) {
  switch (r) {
    case AuthResult::kPass: return "pass";
    case AuthResult::kFail: return "fail";
    case AuthResult::kTempError: return "temperror";
    case AuthResult::kNone: break;
  }
  return "none";
}

}  // namespace flexmail
