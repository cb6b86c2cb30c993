// OAuth2 token sources for SASL XOAUTH2/OAUTHBEARER (token_source.h):
//  - ClientCredentialsSource: the RFC 6749 client-credentials grant against
//    a token service, the client authenticated by a secret
//    (client_secret_post) or by a certificate (an RFC 7523 assertion, jwt.h);
//  - CommandTokenSource (token_command.h): a site's own program prints it.
// Both reuse, renew and back off as token_cache.h describes.
// MakeTokenSource builds the one the configuration asks for, loading keys
// at once so that configuration errors show at start-up.
//
// The form sent is application/x-www-form-urlencoded with every value
// percent-encoded: grant_type=client_credentials, client_id, scope (left
// out when empty), and client_secret, or client_assertion_type and a fresh
// client_assertion (new jti, dated by the Unix clock) per request.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mail/jwt.h"
#include "mail/token_cache.h"
#include "mail/token_command.h"
#include "mail/token_endpoint.h"
#include "mail/token_source.h"

namespace flexmail {

struct OAuth2Options {
  std::string token_url;  // https://login.microsoftonline.com/TENANT/oauth2/v2.0/token
  std::string client_id;
  std::string scope;  // e.g. https://outlook.office365.com/.default
  // The secret itself (the caller read oauth2.client_secret_file; one
  // trailing line break is dropped). Exactly one credential: this, or
  // certificate_file + private_key_file.
  std::string client_secret;
  std::string certificate_file;
  std::string private_key_file;
  std::string assertion_algorithm = "RS256";
  std::string ca_file;  // empty: the system CA bundle
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds request_timeout{30};  // also token_command's deadline
  std::chrono::seconds backoff_initial{5};
  std::chrono::seconds backoff_max{300};
  std::chrono::seconds forced_renewal_interval{30};
};


class ClientCredentialsSource : public CachingTokenSource {
 public:
  // Checks the options (client_id, token_url, exactly one credential) and
  // loads the certificate and key; errors are kPermanent and name the key.
  // `endpoint` is where the form is POSTed (CurlTokenEndpoint for real).
  static Status Create(const OAuth2Options& options, std::unique_ptr<TokenEndpoint> endpoint,
                       TokenClocks clocks, std::unique_ptr<ClientCredentialsSource>* out);

 protected:
  Status Fetch(FreshToken* out) override;

 private:
  ClientCredentialsSource(OAuth2Options options, std::optional<AssertionKey> key,
                          std::unique_ptr<TokenEndpoint> endpoint, TokenClocks clocks);
  // The form for one request; `assertion` gets the JWT in it ("" for a secret).
  std::string FormBody(std::int64_t now_unix, std::string* assertion) const;
  // What stays true between requests: an expiring certificate, a key file
  // others can read.
  std::string CredentialWarnings(std::int64_t now_unix) const;

  const OAuth2Options options_;
  const std::optional<AssertionKey> key_;  // set: certificate credential
  const std::unique_ptr<TokenEndpoint> endpoint_;
  const UnixNow unix_now_;
};

// The source the configuration describes: CommandTokenSource when
// `token_command` is not empty (no other credential may then be set), else
// ClientCredentialsSource through a CurlTokenEndpoint. kPermanent, naming
// the [oauth2] key, when the configuration cannot work.
Status MakeTokenSource(const OAuth2Options& options, const std::string& token_command,
                       std::shared_ptr<CachingTokenSource>* out);
Status MakeTokenSource(const OAuth2Options& options, const std::string& token_command,
                       std::shared_ptr<TokenSource>* out);

}  // namespace flexmail
