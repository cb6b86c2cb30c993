// Cost of OAuth2 on flexmail's side, on one core:
//   - BM_ClientAssertion/RS256, /PS256: one signed RFC 7523 assertion (RSA
//     3072, the key size the README's Microsoft 365 steps make), paid once
//     per token request, i.e. about once per 48 minutes with Entra's tokens;
//   - BM_ParseTokenAnswer: reading an Entra-sized answer (a 2 KiB token);
//   - BM_CachedToken: what every IMAP or SMTP login pays while the token in
//     hand is young (ClientCredentialsSource::Get without a request).
// The certificate and key are made once at start-up by the openssl command
// in a temporary directory removed at exit; without openssl every benchmark
// fails with the reason.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "mail/jwt.h"
#include "mail/oauth2.h"
#include "mail/oauth2_response.h"

namespace flexmail::bench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTokenUrl = "https://login.microsoftonline.com/contoso/oauth2/v2.0/token";

struct Keys {
  fs::path dir, cert, key;
  std::string error;
  Keys() {
    char templ[] = "/tmp/flexmail-oauth2-bench-XXXXXX";
    if (!mkdtemp(templ)) {
      error = "mkdtemp failed";
      return;
    }
    dir = templ;
    cert = dir / "app.pem";
    key = dir / "app.key";
    const std::string cmd = "openssl req -x509 -newkey rsa:3072 -sha256 -days 30 -nodes "
                            "-subj /CN=flexmail-bench -keyout " + key.string() + " -out " +
                            cert.string() + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) error = "openssl could not make a certificate";
  }
  ~Keys() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

const Keys& TheKeys() {
  static const Keys keys;
  return keys;
}

void Assertion(benchmark::State& state, const char* algorithm) {
  AssertionKey key;
  if (!TheKeys().error.empty()) return state.SkipWithError(TheKeys().error.c_str());
  Status s = LoadAssertionKey(TheKeys().cert.string(), TheKeys().key.string(), algorithm, &key);
  if (!s.ok()) return state.SkipWithError(s.ToString().c_str());
  std::int64_t now = 1796371200;
  for (auto _ : state) {
    std::string jwt = MakeClientAssertion(key, "6731de76-14a6-49ae-97bc-6eba6914391e", kTokenUrl,
                                          now++);
    if (jwt.empty()) return state.SkipWithError("signing failed");
    benchmark::DoNotOptimize(jwt);
  }
}
void BM_ClientAssertionRS256(benchmark::State& state) { Assertion(state, "RS256"); }
void BM_ClientAssertionPS256(benchmark::State& state) { Assertion(state, "PS256"); }
BENCHMARK(BM_ClientAssertionRS256)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ClientAssertionPS256)->Unit(benchmark::kMicrosecond);

HttpAnswer EntraAnswer() {
  HttpAnswer a;
  a.status = 200;
  a.body = R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":")" +
           std::string(2048, 'x') + "\"}";
  a.date = "Fri, 04 Dec 2026 08:00:00 GMT";
  return a;
}

void BM_ParseTokenAnswer(benchmark::State& state) {
  const HttpAnswer answer = EntraAnswer();
  AnswerContext context{CredentialKind::kCertificate, 1796371200, {}};
  for (auto _ : state) {
    TokenGrant grant;
    Status s = ParseTokenAnswer(answer, context, &grant);
    if (!s.ok()) return state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(grant);
  }
}
BENCHMARK(BM_ParseTokenAnswer);

class FixedEndpoint final : public TokenEndpoint {
 public:
  HttpAnswer Post(const std::string&) override { return EntraAnswer(); }
};

void BM_CachedToken(benchmark::State& state) {
  OAuth2Options o;
  o.token_url = kTokenUrl;
  o.client_id = "6731de76-14a6-49ae-97bc-6eba6914391e";
  o.scope = "https://outlook.office365.com/.default";
  o.client_secret = "bench-secret";
  std::unique_ptr<ClientCredentialsSource> source;
  Status s = ClientCredentialsSource::Create(o, std::make_unique<FixedEndpoint>(), {}, &source);
  if (!s.ok()) return state.SkipWithError(s.ToString().c_str());
  std::string token;
  for (auto _ : state) {
    s = source->Get(&token);
    if (!s.ok()) return state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(token);
  }
  state.counters["requests"] = static_cast<double>(source->requests());
}
BENCHMARK(BM_CachedToken);

}  // namespace
}  // namespace flexmail::bench

BENCHMARK_MAIN();
