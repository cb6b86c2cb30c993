// DKIM (RFC 6376) verification through libopendkim, with DMARC relaxed
// alignment (RFC 7489 §3.1.1) to the From domain.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mail/authentication.h"
#include "mail/org_domain.h"

namespace flexmail {

// Where the public keys come from.
struct DkimKeySource {
  // Closed networks and tests: a file of "selector._domainkey.domain KEY"
  // lines (libopendkim's DKIM_QUERY_FILE format), KEY being the TXT record
  // without blanks, e.g. "v=DKIM1;k=rsa;p=MIIB...". Used when non-empty.
  std::string key_file;
  // Otherwise DNS TXT records through these servers ("127.0.0.1",
  // "127.0.0.1:5353"; IPv4, at most 3), or /etc/resolv.conf when empty.
  std::vector<std::string> nameservers;
  int timeout_seconds = 5;  // per DNS query and server
};

// The verdict (method "dkim") on the message's DKIM signatures:
//  - kPass when one signature verifies (valid b=, body hash intact, no l=
//    shorter than the body, not expired, From listed in h=) and its d= has
//    the organisational domain of `from_address`'s domain. Detail
//    "d=engie.example s=sel1".
//  - kTempError when no signature passed and a key could not be fetched for
//    a reason that may go away (DNS timeout, SERVFAIL, no server). The caller
//    retries later.
//  - kFail otherwise, with the reason per signature, printable and short. A
//    key that does not exist (NXDOMAIN, no TXT) is a failure.
// Only the first 5 DKIM-Signature fields whose d= is aligned are verified
// (the others could not pass anyway; this bounds key lookups); they are
// removed from what libopendkim sees, which only matters to a signature that
// signs other DKIM-Signature fields. Never throws.
AuthVerdict VerifyDkim(std::string_view raw_message, std::string_view from_address,
                       const DkimKeySource& keys, const PublicSuffixList& psl);

}  // namespace flexmail
