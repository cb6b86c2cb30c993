#include "mail/oauth2.h"

#include <algorithm>

#include "mail/curl_util.h"
#include "mail/oauth2_response.h"

namespace flexmail {

namespace {

constexpr std::int64_t kCertificateWarningDays = 30;
constexpr std::int64_t kDay = 24 * 3600;

std::string Join(std::string text, const std::string& more) {
  if (more.empty()) return text;
  return text.empty() ? more : text + "; " + more;
}

// A secret file written by `echo` ends with a line break that is not part
// of the secret; any other control character is a mistake worth saying.
Status NormaliseSecret(std::string* secret) {
  while (!secret->empty() && (secret->back() == '\n' || secret->back() == '\r')) {
    secret->pop_back();
  }
  const bool control = std::any_of(secret->begin(), secret->end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (!control) return Status::Ok();
  return Status::Permanent(
      "oauth2.client_secret_file holds a line break or control character inside the secret: "
      "expected the secret alone on one line");
}

Status CheckOptions(const OAuth2Options& o) {
  if (o.token_url.empty()) return Status::Permanent("oauth2.token_url is not set");
  if (o.client_id.empty()) return Status::Permanent("oauth2.client_id is not set");
  const bool secret = !o.client_secret.empty();
  const bool certificate = !o.certificate_file.empty() || !o.private_key_file.empty();
  if (secret && certificate) {
    return Status::Permanent(
        "oauth2.client_secret_file and oauth2.certificate_file/oauth2.private_key_file are "
        "both set: expected one credential, a secret or a certificate");
  }
  if (!secret && !certificate) {
    return Status::Permanent(
        "no client credential: set oauth2.client_secret_file, or oauth2.certificate_file and "
        "oauth2.private_key_file, or oauth2.token_command");
  }
  return Status::Ok();
}

std::string Field(const char* name, std::string_view value) {
  return std::string(name) + "=" + PercentEncode(value);
}

}  // namespace

Status ClientCredentialsSource::Create(const OAuth2Options& options,
                                       std::unique_ptr<TokenEndpoint> endpoint, TokenClocks clocks,
                                       std::unique_ptr<ClientCredentialsSource>* out) {
  OAuth2Options o = options;
  Status s = CheckOptions(o);
  if (s.ok()) s = NormaliseSecret(&o.client_secret);
  std::optional<AssertionKey> key;
  if (s.ok() && o.client_secret.empty()) {
    key.emplace();
    s = LoadAssertionKey(o.certificate_file, o.private_key_file, o.assertion_algorithm, &*key);
  }
  if (!s.ok()) return s;
  if (!endpoint) return Status::Internal("no token endpoint given");
  out->reset(new ClientCredentialsSource(std::move(o), std::move(key), std::move(endpoint),
                                         std::move(clocks)));
  return Status::Ok();
}

ClientCredentialsSource::ClientCredentialsSource(OAuth2Options options,
                                                 std::optional<AssertionKey> key,
                                                 std::unique_ptr<TokenEndpoint> endpoint,
                                                 TokenClocks clocks)
    : CachingTokenSource(RenewalPolicy{options.backoff_initial, options.backoff_max,
                                       options.forced_renewal_interval},
                         std::move(clocks.steady)),
      options_(std::move(options)),
      key_(std::move(key)),
      endpoint_(std::move(endpoint)),
      unix_now_(clocks.unix_now ? std::move(clocks.unix_now) : UnixNow(&RealUnixNow)) {
  // Known before any request: the daemon can warn at start-up.
  set_warning(CredentialWarnings(unix_now_()));
}

std::string ClientCredentialsSource::FormBody(std::int64_t now_unix, std::string* assertion) const {
  std::string body =
      Field("grant_type", "client_credentials") + "&" + Field("client_id", options_.client_id);
  if (!options_.scope.empty()) body += "&" + Field("scope", options_.scope);
  if (!key_) return body + "&" + Field("client_secret", options_.client_secret);
  *assertion = MakeClientAssertion(*key_, options_.client_id, options_.token_url, now_unix);
  return body + "&" +
         Field("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
         "&" + Field("client_assertion", *assertion);
}

std::string ClientCredentialsSource::CredentialWarnings(std::int64_t now_unix) const {
  if (!key_) return "";
  std::string warning;
  const std::string cert = "oauth2.certificate_file " + PrintableText(key_->certificate_file);
  const std::int64_t left = key_->not_after_unix - now_unix;
  if (left <= 0) {
    warning = cert + " expired " + std::to_string(-left / kDay) + " days ago";
  } else if (left < kCertificateWarningDays * kDay) {
    warning = cert + " expires in " + std::to_string(left / kDay) + " days";
  }
  if (key_->key_readable_by_others) {
    warning = Join(warning, "oauth2.private_key_file " + PrintableText(key_->private_key_file) +
                                " is readable by its group or others (chmod 600)");
  }
  return warning;
}

Status ClientCredentialsSource::Fetch(FreshToken* out) {
  const std::int64_t now = unix_now_();
  std::string assertion;
  const std::string body = FormBody(now, &assertion);
  if (key_ && assertion.empty()) {
    return Status::Internal("cannot sign a client assertion with oauth2.private_key_file " +
                            PrintableText(key_->private_key_file));
  }
  const HttpAnswer answer = endpoint_->Post(body);
  if (!answer.transport.ok()) return answer.transport;
  AnswerContext context;
  context.credential = key_ ? CredentialKind::kCertificate : CredentialKind::kSecret;
  context.now_unix = now;
  context.never_quote = {options_.client_secret, PercentEncode(options_.client_secret), assertion};
  TokenGrant grant;
  Status s = ParseTokenAnswer(answer, context, &grant);
  if (!s.ok()) return s;
  out->token = std::move(grant.access_token);
  out->valid_for = grant.expires_in;
  out->renew_after = grant.expires_in * 4 / 5;
  out->warning = Join(grant.warning, CredentialWarnings(now));
  return Status::Ok();
}

Status MakeTokenSource(const OAuth2Options& o, const std::string& token_command,
                       std::shared_ptr<CachingTokenSource>* out) {
  if (!token_command.empty()) {
    if (!o.client_secret.empty() || !o.certificate_file.empty() || !o.private_key_file.empty()) {
      return Status::Permanent(
          "oauth2.token_command is set together with oauth2.client_secret_file or "
          "oauth2.certificate_file/oauth2.private_key_file: expected one way to get tokens");
    }
    RenewalPolicy renewal{o.backoff_initial, o.backoff_max, o.forced_renewal_interval};
    *out = std::make_shared<CommandTokenSource>(
        TokenCommandOptions{token_command, o.request_timeout, renewal});
    return Status::Ok();
  }
  std::unique_ptr<TokenEndpoint> endpoint;
  Status s = CheckOptions(o);
  if (s.ok()) {
    s = CurlTokenEndpoint::Create({o.token_url, o.ca_file, o.connect_timeout, o.request_timeout},
                                  &endpoint);
  }
  std::unique_ptr<ClientCredentialsSource> source;
  if (s.ok()) s = ClientCredentialsSource::Create(o, std::move(endpoint), {}, &source);
  if (s.ok()) *out = std::move(source);
  return s;
}

Status MakeTokenSource(const OAuth2Options& options, const std::string& token_command,
                       std::shared_ptr<TokenSource>* out) {
  std::shared_ptr<CachingTokenSource> source;
  Status s = MakeTokenSource(options, token_command, &source);
  if (s.ok()) *out = std::move(source);
  return s;
}

}  // namespace flexmail
