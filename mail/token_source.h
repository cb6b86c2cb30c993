// TokenSource: where IMAP and SMTP get the OAuth2 bearer token they log in
// with (SASL XOAUTH2 or OAUTHBEARER), when a mail service accepts nothing
// else. The implementations (client-credentials grant with a secret or a
// certificate, or a site's own token program) are in mail/oauth2.h; the
// transports only see this interface.
//
// Tokens live in memory only: no implementation logs, stores or quotes one,
// and no message of theirs carries a secret. Implementations are thread
// safe: the poll and the reply sender share one source.
#pragma once

#include <string>

#include "rules/status.h"

namespace flexmail {

class TokenSource {
 public:
  virtual ~TokenSource() = default;

  // A token to log in with now: the one in hand while it is young enough,
  // else a fresh one. Errors:
  //  - kTransient: the identity provider could not be reached, timed out or
  //    answered 5xx/429 (or such a failure is recent and its backoff not
  //    over): mail waits and nothing is lost;
  //  - kPermanent: the provider refused our credentials, or the
  //    configuration cannot work (the message names the [oauth2] key at
  //    fault): an operator must act.
  virtual Status Get(std::string* token) = 0;

  // A mail server refused `token`: the next Get fetches a fresh one. A token
  // other than the one in hand (already replaced) is ignored.
  virtual void Refused(const std::string& token) = 0;
};

}  // namespace flexmail
