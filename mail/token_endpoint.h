// TokenEndpoint: the one outside system a client-credentials source talks
// to, an OAuth2 token service's URL, reduced to "POST this form, give me the
// answer". The real one goes through libcurl (only token_endpoint.cc sees
// it); tests use a fake that records the forms and answers from a script.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "mail/oauth2_response.h"
#include "rules/status.h"

namespace flexmail {

class TokenEndpoint {
 public:
  virtual ~TokenEndpoint() = default;
  // POSTs `form_body` (application/x-www-form-urlencoded). Never fails
  // otherwise than through HttpAnswer::transport. Called by one thread at a
  // time.
  virtual HttpAnswer Post(const std::string& form_body) = 0;
};

struct CurlTokenEndpointOptions {
  std::string token_url;  // https:// only
  std::string ca_file;    // empty: the system CA bundle
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds request_timeout{30};
};

// The token service over HTTPS. TLS is always verified (curl_util.h); no
// proxy from the environment, no redirect followed; the answer is capped at
// 64 KiB and its Date header kept for the clock check. Transport failures:
// TLS trust (the CA) and a URL curl cannot use are kPermanent, naming
// oauth2.ca_file or oauth2.token_url; anything else (refused, DNS, timeout,
// reset) is kTransient "token service unreachable: ...".
class CurlTokenEndpoint : public TokenEndpoint {
 public:
  // Refuses (kPermanent, naming oauth2.token_url) a URL that is not https://
  // or that carries credentials or a fragment.
  static Status Create(const CurlTokenEndpointOptions& options,
                       std::unique_ptr<TokenEndpoint>* out);
  ~CurlTokenEndpoint() override;

  HttpAnswer Post(const std::string& form_body) override;

 private:
  struct Impl;
  explicit CurlTokenEndpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace flexmail
