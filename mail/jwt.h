// RFC 7523 client assertions: the signed JWT with which a confidential
// client proves who it is to an OAuth2 token service instead of sending a
// secret (Microsoft Entra's "certificate credential").
//
// Choices the RFCs leave open, made here:
//  - the key is RSA of at least 2048 bits, in PEM, unencrypted (a daemon has
//    nobody to type a passphrase); the certificate is PEM, and the first
//    certificate of its file is the one the key must match;
//  - "RS256" is RSASSA-PKCS1-v1_5 with SHA-256; "PS256" is RSASSA-PSS with
//    SHA-256, MGF1-SHA-256 and a 32-byte salt; nothing else is offered;
//  - the header names the certificate by "x5t" (SHA-1 thumbprint, which
//    Entra still requires) and "x5t#S256"; the assertion lives 300 s.
//
// Loading reads files; making an assertion is a pure function of its
// arguments (the clock and the jti are passed in) apart from the random jti
// made when none is given. An AssertionKey is immutable after loading and
// may be shared between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rules/status.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace flexmail {

// RFC 4648 section 5, without padding.
std::string Base64UrlEncode(std::string_view bytes);
// Accepts base64url with or without padding; false on any other character.
bool Base64UrlDecode(std::string_view text, std::string* bytes);

// A random (version 4) UUID from OpenSSL's RAND_bytes, lower case.
std::string RandomUuid();

struct AssertionKey {
  std::shared_ptr<evp_pkey_st> key;  // RSA, >= 2048 bits, matches the certificate
  std::string algorithm;             // "RS256" or "PS256"
  std::string x5t;                   // base64url SHA-1 of the certificate's DER
  std::string x5t_s256;              // base64url SHA-256 of the certificate's DER
  std::int64_t not_after_unix = 0;   // the certificate's notAfter, for warnings
  // The key file's permissions let its group or others read it: it still
  // works, but whoever can read it can act as the application.
  bool key_readable_by_others = false;
  std::string certificate_file, private_key_file;  // as configured, for messages
};

// Loads and checks a certificate and its private key. Every error is
// kPermanent and names the configuration key at fault
// (oauth2.certificate_file, oauth2.private_key_file or
// oauth2.assertion_algorithm), the path, and what was expected.
Status LoadAssertionKey(const std::string& cert_file, const std::string& key_file,
                        const std::string& algorithm, AssertionKey* out);

// How long an assertion is valid; RFC 7523 services refuse long-lived ones
// (Entra: at most 10 minutes).
inline constexpr std::int64_t kAssertionLifetimeSeconds = 300;

// The signed assertion "header.claims.signature" for a client-credentials
// request: iss = sub = client_id, aud = audience (the token URL), iat = nbf
// = now_unix, exp = now_unix + 300, jti = `jti` or a fresh random UUID when
// empty. Returns "" when OpenSSL cannot sign (out of memory).
std::string MakeClientAssertion(const AssertionKey& key, const std::string& client_id,
                                const std::string& audience, std::int64_t now_unix,
                                const std::string& jti = "");

// The "exp" claim of something shaped like a JWT (three base64url parts,
// the second a JSON object with a numeric "exp"), read without verifying
// anything: only to know how long a token we were handed may be reused.
// False when `token` is not such a thing.
bool ReadJwtExpiry(const std::string& token, std::int64_t* exp_unix);

}  // namespace flexmail
