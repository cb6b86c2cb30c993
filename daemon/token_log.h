// The daemon's view of its OAuth2 tokens: one log line when a new token is
// in hand, one when tokens cannot be had (again only when the reason
// changes: a poll every second must not repeat it every second), one when
// they can again; and what the source warns about (clock skew, an expiring
// certificate, a key file others can read), once per new warning. The token
// itself is never logged, nor kept here.
#pragma once

#include <memory>
#include <string>

#include "mail/token_cache.h"

namespace flexmail {

// `source` with its events logged; `from` names where tokens come from
// (the token URL, or "token_command") in those lines.
std::shared_ptr<TokenSource> LogTokens(std::shared_ptr<CachingTokenSource> source,
                                       std::string from);

}  // namespace flexmail
