// CommandTokenSource: the token comes from a site's own program
// (oauth2.token_command), for identity providers or flows flexmail does not
// speak itself: the convention of mbsync's PassCmd and msmtp's passwordeval.
//
// The command runs through `/bin/sh -c` (run_command.h: stdin /dev/null,
// a deadline, output bounded). Its stdout, trimmed of surrounding
// whitespace, is the token: non-empty, at most 16 KiB, printable ASCII
// without inner spaces. Its stderr's first line is quoted in failures.
//
// Every failure (exit status, signal, deadline, no or bad output) is
// kTransient: the program may fail because its own provider is down, so
// it is retried with the backoff of token_cache.h rather than alerted on.
// A token shaped like a JWT with an "exp" claim is renewed at 80 % of its
// remaining life; any other token is reused for at most 300 s.
#pragma once

#include <chrono>
#include <string>

#include "mail/token_cache.h"

namespace flexmail {

struct TokenCommandOptions {
  std::string command;  // given to /bin/sh -c
  std::chrono::seconds timeout{30};
  RenewalPolicy renewal;
};

class CommandTokenSource : public CachingTokenSource {
 public:
  explicit CommandTokenSource(TokenCommandOptions options, TokenClocks clocks = {});

 protected:
  Status Fetch(FreshToken* out) override;

 private:
  Status Run(std::string* token);

  const TokenCommandOptions options_;
  const UnixNow unix_now_;
};

}  // namespace flexmail
