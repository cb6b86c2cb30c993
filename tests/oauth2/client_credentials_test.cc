// ClientCredentialsSource against a fake endpoint and fake clocks: the form
// it sends, when it reuses, renews and backs off, how Refused is limited,
// and that no message ever carries the token or a secret.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <thread>

#include "mail/curl_util.h"
#include "mail/oauth2.h"
#include "tests/oauth2/key_fixture.h"
#include "tests/oauth2/oauth2_test_util.h"

namespace flexmail {
namespace {

using std::chrono::seconds;
using test::EndpointScript;
using test::FakeClock;
using test::Json200;
using test::ParseForm;
using test::Reply;

constexpr char kSecret[] = "s3cr&t=+%x y";
constexpr char kTokenUrl[] = "https://login.example.com/tenant/oauth2/v2.0/token";

OAuth2Options SecretOptions() {
  OAuth2Options o;
  o.token_url = kTokenUrl;
  o.client_id = "app-id";
  o.scope = "https://outlook.office365.com/.default";
  o.client_secret = kSecret;
  return o;
}

OAuth2Options CertificateOptions(const std::string& algorithm = "RS256") {
  OAuth2Options o = SecretOptions();
  o.client_secret.clear();
  o.certificate_file = test::Keys().cert;
  o.private_key_file = test::Keys().key;
  o.assertion_algorithm = algorithm;
  return o;
}

// A source over a fake endpoint, with the script and the clock at hand.
struct Harness {
  std::shared_ptr<EndpointScript> script = std::make_shared<EndpointScript>();
  FakeClock clock;
  std::unique_ptr<ClientCredentialsSource> source;
  Status created;

  explicit Harness(const OAuth2Options& o) {
    created = ClientCredentialsSource::Create(o, std::make_unique<test::FakeEndpoint>(script),
                                              clock.Clocks(), &source);
  }
  void Answer(HttpAnswer a) { script->answers.push_back(std::move(a)); }
  std::string Get(Status* s = nullptr) {
    std::string token;
    Status st = source->Get(&token);
    if (s != nullptr) *s = st;
    return st.ok() ? token : "<" + st.message() + ">";
  }
};

nlohmann::json AssertionClaims(const std::string& jwt) {
  const size_t a = jwt.find('.'), b = jwt.find('.', a + 1);
  std::string claims;
  EXPECT_TRUE(Base64UrlDecode(jwt.substr(a + 1, b - a - 1), &claims));
  return nlohmann::json::parse(claims);
}

// With a secret: the four fields, every value percent-encoded, no assertion.
TEST(ClientCredentialsSource, SecretForm) {
  Harness h(SecretOptions());
  ASSERT_TRUE(h.created.ok()) << h.created.ToString();
  h.Answer(Json200("tokA", 3600));
  EXPECT_EQ(h.Get(), "tokA");
  ASSERT_EQ(h.script->forms.size(), 1u);
  const std::string& body = h.script->forms[0];
  EXPECT_EQ(body,
            "grant_type=client_credentials&client_id=app-id"
            "&scope=https%3A%2F%2Foutlook.office365.com%2F.default"
            "&client_secret=s3cr%26t%3D%2B%25x%20y");
  auto form = ParseForm(body);
  EXPECT_EQ(form["client_secret"], kSecret);
  EXPECT_EQ(form.count("client_assertion"), 0u);
}

// A secret file's trailing line break is not part of the secret.
TEST(ClientCredentialsSource, DropsTheSecretFilesLineBreak) {
  OAuth2Options o = SecretOptions();
  o.client_secret = "abc\r\n";
  Harness h(o);
  ASSERT_TRUE(h.created.ok()) << h.created.ToString();
  h.Answer(Json200("tokA", 3600));
  h.Get();
  EXPECT_EQ(ParseForm(h.script->forms.at(0))["client_secret"], "abc");
}

// With a certificate: an assertion that verifies with it, dated by the
// Unix clock, new for every request, and no client_secret.
TEST(ClientCredentialsSource, CertificateForm) {
  Harness h(CertificateOptions("PS256"));
  ASSERT_TRUE(h.created.ok()) << h.created.ToString();
  h.Answer(Json200("tokA", 100));
  h.Answer(Json200("tokB", 100));
  EXPECT_EQ(h.Get(), "tokA");
  h.clock.Advance(seconds(90));
  EXPECT_EQ(h.Get(), "tokB");
  ASSERT_EQ(h.script->forms.size(), 2u);
  auto first = ParseForm(h.script->forms[0]), second = ParseForm(h.script->forms[1]);
  EXPECT_EQ(first["grant_type"], "client_credentials");
  EXPECT_EQ(first["client_id"], "app-id");
  EXPECT_EQ(first["client_assertion_type"],
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_EQ(first.count("client_secret"), 0u);
  const std::string jwt = first["client_assertion"];
  const size_t last_dot = jwt.rfind('.');
  std::string signature;
  ASSERT_TRUE(Base64UrlDecode(jwt.substr(last_dot + 1), &signature));
  EXPECT_TRUE(test::VerifyWithCertificate(test::Keys().cert_pem, "PS256", jwt.substr(0, last_dot),
                                          signature));
  auto claims = AssertionClaims(jwt);
  EXPECT_EQ(claims["aud"], kTokenUrl);
  EXPECT_EQ(claims["iat"], 1'700'000'000);
  EXPECT_EQ(AssertionClaims(second["client_assertion"])["iat"], 1'700'000'090);
  EXPECT_NE(claims["jti"], AssertionClaims(second["client_assertion"])["jti"]);
}

// A token lasting 100 s is reused for 80 s, then renewed.
TEST(ClientCredentialsSource, ReusesUntilEightyPercent) {
  Harness h(SecretOptions());
  h.Answer(Json200("tokA", 100));
  h.Answer(Json200("tokB", 100));
  EXPECT_EQ(h.Get(), "tokA");
  h.clock.Advance(seconds(79));
  EXPECT_EQ(h.Get(), "tokA");
  EXPECT_EQ(h.source->requests(), 1u);
  h.clock.Advance(seconds(1));
  EXPECT_EQ(h.Get(), "tokB");
  EXPECT_EQ(h.source->requests(), 2u);
}

// After each failure Get fails at once until the backoff ends: 5 s,
// doubling, at most 300 s; a success starts again from 5 s.
TEST(ClientCredentialsSource, BackoffDoublesToItsCapAndResets) {
  Harness h(SecretOptions());
  const std::string failure = "the token service is unavailable (HTTP 503, empty answer)";
  Status s;
  EXPECT_EQ(h.Get(&s), "<" + failure + " (next try in 5 s)>");
  EXPECT_EQ(s.kind(), Status::Kind::kTransient);
  h.clock.Advance(seconds(4));
  EXPECT_EQ(h.Get(&s), "<" + failure + " (next try in 1 s)>");
  EXPECT_EQ(s.kind(), Status::Kind::kTransient);
  EXPECT_EQ(h.source->requests(), 1u);
  h.clock.Advance(seconds(1));
  for (int expected : {10, 20, 40, 80, 160, 300, 300}) {
    EXPECT_EQ(h.Get(), "<" + failure + " (next try in " + std::to_string(expected) + " s)>");
    h.clock.Advance(seconds(expected));
  }
  EXPECT_EQ(h.source->requests(), 8u);
  h.Answer(Json200("tokA", 30));
  EXPECT_EQ(h.Get(), "tokA");
  h.clock.Advance(seconds(24));  // 80 % of 30 s: renewal, which fails
  EXPECT_EQ(h.Get(), "<" + failure + " (next try in 5 s)>");
}

// A refusal of our credentials backs off too, and keeps its kind.
TEST(ClientCredentialsSource, PermanentFailureBacksOff) {
  Harness h(SecretOptions());
  h.script->otherwise = Reply(401, R"({"error":"invalid_client"})");
  Status s;
  h.Get(&s);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  h.clock.Advance(seconds(3));
  h.Get(&s);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_NE(
      s.message().find("check oauth2.client_id and oauth2.client_secret_file (next try in 2 s)"),
      std::string::npos)
      << s.message();
  EXPECT_EQ(h.source->requests(), 1u);
}

// Refused drops the token in hand once; a second refusal within 30 s keeps
// the new one; after 30 s a refusal drops again. Other tokens are ignored.
TEST(ClientCredentialsSource, RefusedForcesAtMostOneRenewalPerInterval) {
  Harness h(SecretOptions());
  for (const char* t : {"tokA", "tokB", "tokC"}) h.Answer(Json200(t, 3600));
  EXPECT_EQ(h.Get(), "tokA");
  h.source->Refused("not-the-token");
  EXPECT_EQ(h.Get(), "tokA");
  h.source->Refused("tokA");
  EXPECT_EQ(h.Get(), "tokB");
  h.clock.Advance(seconds(10));
  h.source->Refused("tokB");
  EXPECT_EQ(h.Get(), "tokB");
  EXPECT_EQ(h.source->requests(), 2u);
  h.clock.Advance(seconds(20));
  h.source->Refused("tokB");
  EXPECT_EQ(h.Get(), "tokC");
  EXPECT_EQ(h.source->requests(), 3u);
}

// When renewal fails while the token in hand still has more than 30 s to
// live, that token keeps being handed out, with the failure as warning.
TEST(ClientCredentialsSource, KeepsAValidTokenDuringAnOutage) {
  Harness h(SecretOptions());
  h.Answer(Json200("tokA", 1000));
  EXPECT_EQ(h.Get(), "tokA");
  h.clock.Advance(seconds(800));
  EXPECT_EQ(h.Get(), "tokA");
  EXPECT_EQ(h.source->requests(), 2u);
  EXPECT_NE(h.source->last_warning().find("could not renew the token (the token service is "
                                          "unavailable (HTTP 503, empty answer))"),
            std::string::npos)
      << h.source->last_warning();
  h.clock.Advance(seconds(169));  // 969 s: still 31 s left
  EXPECT_EQ(h.Get(), "tokA");
  h.clock.Advance(seconds(1));
  Status s;
  h.Get(&s);
  EXPECT_EQ(s.kind(), Status::Kind::kTransient);
}

// Several threads asking at once share one request.
TEST(ClientCredentialsSource, ConcurrentGetsShareOneRequest) {
  Harness h(SecretOptions());
  h.Answer(Json200("tokA", 3600));
  std::vector<std::thread> threads;
  std::vector<std::string> got(4);
  for (int i = 0; i < 4; ++i) threads.emplace_back([&, i] { got[i] = h.Get(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(h.source->requests(), 1u);
  for (const auto& g : got) EXPECT_EQ(g, "tokA");
}

// Whatever the service answers, and even when it echoes our request, no
// message carries the secret (raw or encoded), the assertion or a token.
TEST(ClientCredentialsSource, NoMessageCarriesASecretOrAToken) {
  const std::string token = "TOKEN-abcdef";
  // Each answer may quote the form it answers (FORM) or the token.
  const std::vector<std::pair<long, std::string>> answers = {
      {200, R"({"access_token":"TOKEN-abcdef","token_type":"mac"})"},
      {200, R"({"access_token":"TOKEN-abcdef x"})"},
      {200, "TOKEN-abcdef"},
      {200, R"(["TOKEN-abcdef"])"},
      {200, R"({"access_token":"TOKEN-abcdef","echo":"FORM","token_type":"mac"})"},
      {400, R"({"error":"invalid_request","error_description":"got FORM"})"},
      {400, R"({"error":"invalid_client","error_description":"FORM"})"},
      {500, "echo: FORM"},
      {401, "<html>FORM</html>"},
      {404, "no FORM here"},
      {302, ""},
      {429, ""},
  };
  for (const auto& [status, body] : answers) {
    for (bool certificate : {false, true}) {
      Harness h(certificate ? CertificateOptions() : SecretOptions());
      h.script->respond = [status = status, body = body](const std::string& form) {
        std::string text = body;
        const size_t at = text.find("FORM");
        if (at != std::string::npos) text.replace(at, 4, form);
        return Reply(status, text);
      };
      Status s;
      h.Get(&s);
      ASSERT_FALSE(s.ok()) << body;
      const std::string& m = s.message();
      auto form = ParseForm(h.script->forms.at(0));
      std::vector<std::string> never = {token};
      if (certificate) {
        never.push_back(form["client_assertion"].substr(0, 40));
      } else {
        never.push_back(kSecret);
        never.push_back(PercentEncode(kSecret));
      }
      for (const std::string& secret : never) {
        EXPECT_EQ(m.find(secret), std::string::npos) << secret << " in: " << m;
      }
    }
  }
}

// Nor does a transport failure, nor the fallback warning.
TEST(ClientCredentialsSource, TransportFailuresAndWarningsCarryNoSecret) {
  Harness h(SecretOptions());
  h.Answer(Json200("TOKEN-abcdef", 1000));
  HttpAnswer unreachable;
  unreachable.transport = Status::Transient("token service unreachable: Connection refused");
  h.script->otherwise = unreachable;
  EXPECT_EQ(h.Get(), "TOKEN-abcdef");
  h.clock.Advance(seconds(900));
  EXPECT_EQ(h.Get(), "TOKEN-abcdef");
  EXPECT_EQ(h.source->last_warning(),
            "could not renew the token (token service unreachable: Connection refused); using "
            "the current one until it expires");
  h.clock.Advance(seconds(90));  // 30 s left: too close to the end to be handed out
  Status s;
  h.Get(&s);
  EXPECT_EQ(s.message(), "token service unreachable: Connection refused (next try in 10 s)");
  EXPECT_EQ(h.source->requests(), 3u);
}

// What an operator should hear about without a failure: an expiring
// certificate and a key file others can read (at once), clock skew (after
// an answer).
TEST(ClientCredentialsSource, Warnings) {
  {
    Harness h(CertificateOptions());
    EXPECT_EQ(h.source->last_warning(), "");
  }
  {
    FakeClock clock;
    clock.unix_now = test::Keys().not_after_unix - 10 * 24 * 3600 - 60;
    std::unique_ptr<ClientCredentialsSource> source;
    OAuth2Options o = CertificateOptions();
    o.private_key_file = test::Keys().open_key;
    ASSERT_TRUE(ClientCredentialsSource::Create(
                    o, std::make_unique<test::FakeEndpoint>(std::make_shared<EndpointScript>()),
                    clock.Clocks(), &source)
                    .ok());
    EXPECT_EQ(source->last_warning(), "oauth2.certificate_file " + test::Keys().cert.string() +
                                          " expires in 10 days; oauth2.private_key_file " +
                                          test::Keys().open_key.string() +
                                          " is readable by its group or others (chmod 600)");
  }
  {
    Harness h(SecretOptions());
    HttpAnswer a = Json200("tokA", 3600);
    a.date = "Tue, 14 Nov 2023 22:23:20 GMT";  // our clock + 600 s
    h.Answer(a);
    EXPECT_EQ(h.Get(), "tokA");
    EXPECT_EQ(h.source->last_warning(),
              "the token service's clock is 600 s ahead of ours (check NTP)");
  }
}

struct OptionsCase {
  const char* name;
  OAuth2Options options;
  std::string expected;
};

// Configurations that cannot work are refused at creation, naming the key.
TEST(ClientCredentialsSource, RefusesUnworkableOptions) {
  auto with = [](OAuth2Options o, auto change) {
    change(o);
    return o;
  };
  const std::vector<OptionsCase> cases = {
      {"no client_id", with(SecretOptions(), [](auto& o) { o.client_id.clear(); }),
       "oauth2.client_id is not set"},
      {"no token_url", with(SecretOptions(), [](auto& o) { o.token_url.clear(); }),
       "oauth2.token_url is not set"},
      {"no credential", with(SecretOptions(), [](auto& o) { o.client_secret.clear(); }),
       "no client credential: set oauth2.client_secret_file, or oauth2.certificate_file"},
      {"two credentials", with(CertificateOptions(), [](auto& o) { o.client_secret = "x"; }),
       "are both set: expected one credential"},
      {"key without certificate",
       with(CertificateOptions(), [](auto& o) { o.certificate_file.clear(); }),
       "oauth2.certificate_file is not set"},
      {"EC key",
       with(CertificateOptions(),
            [](auto& o) {
              o.certificate_file = test::Keys().ec_cert;
              o.private_key_file = test::Keys().ec_key;
            }),
       "expected an RSA key"},
      {"bad algorithm", with(CertificateOptions("HS256"), [](auto&) {}),
       "oauth2.assertion_algorithm is \"HS256\""},
      {"two-line secret", with(SecretOptions(), [](auto& o) { o.client_secret = "a\nb\n"; }),
       "oauth2.client_secret_file holds a line break"},
  };
  for (const OptionsCase& c : cases) {
    Harness h(c.options);
    EXPECT_EQ(h.created.kind(), Status::Kind::kPermanent) << c.name;
    EXPECT_NE(h.created.message().find(c.expected), std::string::npos)
        << c.name << ": " << h.created.message();
    EXPECT_EQ(h.source, nullptr) << c.name;
  }
}

}  // namespace
}  // namespace flexmail
