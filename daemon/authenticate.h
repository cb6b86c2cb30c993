// The intake's sender-authentication step: which method applies to a
// message's shipper(s), and its verdict. The methods themselves live in
// mail/ (flexmail_auth); this file only chooses and feeds them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "mail/authentication.h"
#include "mail/org_domain.h"
#include "mail/message.h"
#include "rules/status.h"
#include "rules/time.h"

namespace flexmail {

struct Authentication {
  AuthVerdict verdict;
  std::string shipper;  // the first shipper that lists the From address
  // smime: the signed MIME entity; the declaration's CSV files are read from
  // it alone (anything outside the signature does not count).
  std::optional<std::string> signed_entity;
};

class Authenticator {
 public:
  // Reads what the configured methods trust (certificate files). A file
  // that cannot be read is an error naming it: the daemon refuses to start
  // rather than reject genuine mail.
  static Status Load(const Config& config, Authenticator* out);

  // The verdict for a message whose From is listed by at least one shipper
  // (the intake ignores strangers before). When several shippers list the
  // address, the message must pass the method of every one of them: a forged
  // From must not pass under the weakest.
  Authentication Verify(std::string_view raw, const ParsedMessage& m, Instant received_at) const;

 private:
  AuthVerdict VerifyWith(AuthMode mode, std::string_view raw, const ParsedMessage& m,
                         const std::vector<const Shipper*>& shippers, Instant received_at,
                         std::optional<std::string>* signed_entity) const;

  const Config* config_ = nullptr;
  std::map<std::string, std::vector<std::string>> certificates_;  // shipper -> PEM texts
  std::optional<PublicSuffixList> psl_;  // loaded when a shipper uses dkim
};

}  // namespace flexmail
