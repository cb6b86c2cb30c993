// CachingTokenSource: the reuse, backoff and forced-renewal rules every
// TokenSource of oauth2.h shares, around one "ask the provider" step that
// each kind implements (a token service request, a site's token program).
//
// The rules, and why:
//  - a token is reused until `renew_after` (80 % of its life, so a login
//    never starts with a token about to expire), then renewed;
//  - when renewal fails and the token in hand is still valid for more than
//    30 s, it is handed out meanwhile (and the failure is the warning): a
//    provider outage shorter than the token's remaining life costs nothing;
//  - after a failure Get fails at once, with the same message and the time
//    of the next try, until a backoff ends (initial, doubling, capped; reset
//    by a success): a broken provider is not asked at every poll;
//  - Refused drops the token in hand, but at most once per
//    forced_renewal_interval: a mail server that refuses every token must
//    not make us hammer the identity provider; its refusal is what the
//    operator then sees.
//
// Thread safe. One Get at a time asks the provider; the others wait for it
// and then share its token (or its failure).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "mail/token_source.h"

namespace flexmail {

using SteadyTime = std::chrono::steady_clock::time_point;
// The clock renewal and backoff are measured with; tests pass a fake one.
using SteadyNow = std::function<SteadyTime()>;
// Seconds since the Unix epoch: what assertions and JWTs are dated with.
using UnixNow = std::function<std::int64_t()>;

// The sources' clocks; an empty function means the real one.
struct TokenClocks {
  SteadyNow steady;
  UnixNow unix_now;
};

// The system clock, as UnixNow's default.
std::int64_t RealUnixNow();

struct RenewalPolicy {
  std::chrono::seconds backoff_initial{5};  // at least 1 s
  std::chrono::seconds backoff_max{300};
  std::chrono::seconds forced_renewal_interval{30};
};

// What one successful request to the provider gave.
struct FreshToken {
  std::string token;
  std::chrono::seconds renew_after{0};  // reuse it this long; 0: never reuse
  std::chrono::seconds valid_for{0};    // how long it works; 0: unknown
  std::string warning;                  // "" or what the operator should know
};

class CachingTokenSource : public TokenSource {
 public:
  Status Get(std::string* token) final;
  void Refused(const std::string& token) final;

  // Requests made to the provider so far.
  std::uint64_t requests() const { return requests_.load(); }
  // What the operator should know about the last request or the credential
  // ("" when nothing): clock skew, an expiring certificate, a key file
  // others can read, a renewal that failed while the old token still works.
  std::string last_warning() const;

 protected:
  CachingTokenSource(RenewalPolicy policy, SteadyNow steady_now);
  // Asks the provider once. Called with the source's lock held. Messages
  // must not carry the token or a secret.
  virtual Status Fetch(FreshToken* out) = 0;
  void set_warning(std::string warning);

 private:
  Status FetchAndKeep(SteadyTime now, std::string* token);
  // The token in hand when still valid enough to use while renewal fails,
  // else `failure` with the time of the next try.
  Status FallBack(SteadyTime now, std::string* token);

  const RenewalPolicy policy_;
  const SteadyNow now_;
  std::atomic<std::uint64_t> requests_{0};

  std::mutex mu_;  // guards what follows, and serialises Fetch
  std::optional<std::string> held_;
  SteadyTime renew_at_{}, expires_at_{};
  bool expiry_known_ = false;
  Status failure_;  // the last failure while its backoff runs
  SteadyTime next_try_{};
  std::chrono::seconds backoff_;
  std::optional<SteadyTime> last_forced_;

  mutable std::mutex warning_mu_;  // apart, so diagnostics never wait for a request
  std::string warning_;
};

}  // namespace flexmail
