// What a token service's HTTP answer means: a bearer token and how long it
// lives, or a failure classified for the operator. Pure: the answer, the
// credential kind and the clock are passed in.
//
// Choices the OAuth2 RFCs (6749 section 5) leave open, made here:
//  - a token is a non-empty string of printable ASCII without spaces, at
//    most 16 KiB; "token_type", when present, must be "Bearer" (any case);
//  - "expires_in" may be a number or a numeric string (some services quote
//    it); it is clamped to [2 s, 24 h]; absent or unusable, 300 s;
//  - 408, 429 and 5xx are transient whatever the body says; an "error" of
//    RFC 6749 (invalid_client, invalid_grant, ...) or any other 4xx is
//    permanent, except "temporarily_unavailable" and "server_error";
//  - each permanent message says what the service said and which
//    configuration key to check; Microsoft Entra's AADSTS codes inside
//    "error_description" refine the key (tenant, application, clock);
//  - a Date header more than 120 s away from our clock is reported in every
//    message (and as a warning on success): clock skew makes signed
//    assertions and tokens fail in ways that look like wrong credentials;
//  - the body of a 200 answer is never quoted (it holds the token), nor any
//    body containing one of the `never_quote` strings (a service or proxy
//    echoing our request would echo the secret); quoted text is printable
//    and at most 200 bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/status.h"

namespace flexmail {

// The answers of token services are small; more than this is refused.
inline constexpr std::size_t kMaxTokenAnswer = 64 * 1024;
inline constexpr std::size_t kMaxAccessToken = 16 * 1024;

// One exchange with a token service, as the endpoint saw it.
struct HttpAnswer {
  // Not ok when no HTTP answer came (unreachable: kTransient; TLS trust or
  // a URL that cannot work: kPermanent); its message is then the whole story.
  Status transport;
  long status = 0;          // the HTTP status code
  std::string body;         // at most kMaxTokenAnswer bytes
  bool overflowed = false;  // the body was longer and was cut
  std::string date;         // the Date header's value, "" when absent
};

// How we proved who we are: it decides which keys an invalid_client names.
enum class CredentialKind { kSecret, kCertificate };

struct AnswerContext {
  CredentialKind credential = CredentialKind::kSecret;
  std::int64_t now_unix = 0;             // our clock, for the Date header
  std::vector<std::string> never_quote;  // secrets we sent; non-empty strings
};

struct TokenGrant {
  std::string access_token;
  std::chrono::seconds expires_in{300};
  std::string warning;  // "" or what the operator should know (clock skew)
};

// A usable bearer token: printable ASCII without spaces (RFC 6750's b64token
// and then some), 1 to kMaxAccessToken bytes.
bool IsTokenText(std::string_view token);

// REQUIRES: answer.transport.ok().
Status ParseTokenAnswer(const HttpAnswer& answer, const AnswerContext& context, TokenGrant* out);

// An RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") as Unix time;
// false for anything else.
bool ParseHttpDate(const std::string& text, std::int64_t* unix_time);

// "" when `date` is absent, unreadable or within 120 s of now_unix, else
// "the token service's clock is N s ahead of ours (check NTP)" (or behind).
std::string DescribeClockSkew(const std::string& date, std::int64_t now_unix);

}  // namespace flexmail
