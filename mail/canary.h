// The canary's probe header: proof that a message was sent by this flexmail
// to itself, and when.
//
//   X-Flexmail-Canary: <probe id>; t=<sent, Unix ms>; mac=<HMAC-SHA256 hex>
//
// The MAC is HMAC-SHA256, keyed by the canary secret, over
// "flexmail-canary-v1\n<probe id>\n<t>": neither the id nor the time can be
// changed without the secret. Choices the reader makes:
//  - the probe id is 8..64 characters of [0-9a-z-]; t is 1..15 decimal
//    digits without sign; mac is 64 hex digits, either case;
//  - blanks (space, tab) around ';', '=' and the whole value are allowed
//    (folding and relays may add them), nowhere else;
//  - the three parts come in this order, once each; anything more is refused;
//  - a value longer than kMaxCanaryHeader is refused before any work;
//  - the MAC is compared in constant time (CRYPTO_memcmp).
// Pure functions: no clock, no file, no randomness. Thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace flexmail {

inline constexpr std::string_view kCanaryHeaderName = "X-Flexmail-Canary";
inline constexpr std::size_t kMaxCanaryHeader = 256;

struct CanaryProbe {
  std::string id;
  std::int64_t sent_unix_ms = 0;
};

// The header's value for `probe`. REQUIRES: a valid id, sent_unix_ms >= 0,
// a non-empty secret.
std::string MakeCanaryHeader(const CanaryProbe& probe, std::string_view secret);

// True, with *out filled, only when `value` is a well-formed header whose
// MAC is the one `secret` gives. An empty secret verifies nothing.
bool VerifyCanaryHeader(std::string_view value, std::string_view secret, CanaryProbe* out);

// The probe in the top-level header of message `raw`: true only when it has
// exactly one X-Flexmail-Canary field and VerifyCanaryHeader accepts it.
// Reads at most the first 1000 header lines.
bool FindCanaryProbe(std::string_view raw, std::string_view secret, CanaryProbe* out);

// Whether `id` is usable as a probe id (see above).
bool IsCanaryProbeId(std::string_view id);

}  // namespace flexmail
