// A token service's answers, from a table: what is a token, what is worth
// retrying, and what the operator is told to check.
#include "mail/oauth2_response.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace flexmail {
namespace {

using Kind = Status::Kind;

constexpr std::int64_t kNow = 1'700'000'000;  // Tue, 14 Nov 2023 22:13:20 GMT
constexpr char kNowDate[] = "Tue, 14 Nov 2023 22:13:20 GMT";
constexpr char kToken[] = "eyJ0eXAi.tok-EN_123~";

HttpAnswer Answer(long status, std::string body, std::string date = kNowDate) {
  HttpAnswer a;
  a.status = status;
  a.body = std::move(body);
  a.date = std::move(date);
  return a;
}

struct AnswerCase {
  const char* name;
  HttpAnswer answer;
  CredentialKind credential;
  Kind kind;
  std::string expected;  // a substring of the message; for kOk, the expiry in seconds
};

std::vector<AnswerCase> Cases() {
  const auto secret = CredentialKind::kSecret, cert = CredentialKind::kCertificate;
  HttpAnswer overflow = Answer(200, std::string(kMaxTokenAnswer, 'x'));
  overflow.overflowed = true;
  HttpAnswer overflow_503 = Answer(503, std::string(kMaxTokenAnswer, '<'));
  overflow_503.overflowed = true;
  const std::string big_token(kMaxAccessToken + 1, 'a');
  return {
      {"good",
       Answer(200, R"({"token_type":"Bearer","expires_in":3599,"access_token":")" +
                       std::string(kToken) + "\"}"),
       secret, Kind::kOk, "3599"},
      {"numeric string expires_in",
       Answer(200, R"({"token_type":"bearer","expires_in":"3600","access_token":"t"})"), secret,
       Kind::kOk, "3600"},
      {"no expires_in", Answer(200, R"({"access_token":"t"})"), secret, Kind::kOk, "300"},
      {"short expires_in kept", Answer(200, R"({"access_token":"t","expires_in":5})"), secret,
       Kind::kOk, "5"},
      {"shorter expires_in clamped", Answer(200, R"({"access_token":"t","expires_in":0.2})"),
       secret, Kind::kOk, "2"},
      {"long expires_in clamped", Answer(200, R"({"access_token":"t","expires_in":9e9})"), secret,
       Kind::kOk, "86400"},
      {"no access_token", Answer(200, R"({"token_type":"Bearer"})"), secret, Kind::kPermanent,
       "the token service's answer is not a token: no access_token"},
      {"access_token not a string", Answer(200, R"({"access_token":42})"), secret, Kind::kPermanent,
       "access_token is not a string"},
      {"empty token", Answer(200, R"({"access_token":""})"), secret, Kind::kPermanent,
       "access_token is empty"},
      {"token with a space", Answer(200, R"({"access_token":"abc def"})"), secret, Kind::kPermanent,
       "access_token holds spaces"},
      {"token too long", Answer(200, R"({"access_token":")" + big_token + "\"}"), secret,
       Kind::kPermanent, "longer than 16 KiB"},
      {"token_type mac", Answer(200, R"({"access_token":"t","token_type":"mac"})"), secret,
       Kind::kPermanent, "token_type is \"mac\", expected Bearer"},
      {"not JSON", Answer(200, "access_token=t&expires_in=3600"), secret, Kind::kPermanent,
       "not a token: not JSON"},
      {"JSON array", Answer(200, R"(["access_token"])"), secret, Kind::kPermanent,
       "not a token: not a JSON object"},
      {"huge body", overflow, secret, Kind::kPermanent, "answer larger than 64 KiB"},
      {"huge 503", overflow_503, secret, Kind::kTransient, "larger than 64 KiB"},
      {"204", Answer(204, ""), secret, Kind::kPermanent, "HTTP 204 instead of 200"},
      {"500", Answer(500, "Internal Server Error"), secret, Kind::kTransient,
       "unavailable (HTTP 500, \"Internal Server Error\")"},
      {"503", Answer(503, ""), secret, Kind::kTransient, "unavailable (HTTP 503, empty answer)"},
      {"429", Answer(429, R"({"error":"slow_down"})"), secret, Kind::kTransient, "HTTP 429"},
      {"408", Answer(408, ""), secret, Kind::kTransient, "HTTP 408"},
      {"400 temporarily_unavailable", Answer(400, R"({"error":"temporarily_unavailable"})"), secret,
       Kind::kTransient, "temporarily_unavailable"},
      {"invalid_client with a secret",
       Answer(
           401,
           R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})"),
       secret, Kind::kPermanent,
       "(HTTP 401, invalid_client: \"AADSTS7000215: Invalid client secret provided.\"); check "
       "oauth2.client_id and oauth2.client_secret_file"},
      {"invalid_client with a certificate",
       Answer(
           401,
           R"({"error":"invalid_client","error_description":"AADSTS700027: Client assertion failed signature validation."})"),
       cert, Kind::kPermanent,
       "check oauth2.client_id, oauth2.certificate_file (is this certificate uploaded to the "
       "application?) and oauth2.private_key_file"},
      {"tenant not found",
       Answer(
           400,
           R"({"error":"invalid_request","error_description":"AADSTS90002: Tenant 'x' not found.","error_codes":[90002]})"),
       secret, Kind::kPermanent,
       "AADSTS90002: Tenant 'x' not found.\"); check oauth2.token_url (the tenant)"},
      {"invalid tenant",
       Answer(
           400,
           R"({"error":"invalid_request","error_description":"AADSTS900023: Specified tenant identifier is neither a valid DNS name, nor a valid external domain."})"),
       secret, Kind::kPermanent, "check oauth2.token_url (the tenant)"},
      {"application not found",
       Answer(
           400,
           R"({"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier 'x' was not found in the directory 'y'."})"),
       secret, Kind::kPermanent, "check oauth2.client_id and the tenant in oauth2.token_url"},
      {"assertion time",
       Answer(
           400,
           R"({"error":"invalid_client","error_description":"AADSTS700024: Client assertion is not within its valid time range."})"),
       cert, Kind::kPermanent, "check this machine's clock (NTP)"},
      {"invalid_scope",
       Answer(
           400,
           R"({"error":"invalid_scope","error_description":"AADSTS70011: The provided value for the input parameter 'scope' is not valid."})"),
       secret, Kind::kPermanent, "check oauth2.scope"},
      {"invalid_grant", Answer(400, R"({"error":"invalid_grant"})"), cert, Kind::kPermanent,
       "(HTTP 400, invalid_grant); check oauth2.client_id, oauth2.certificate_file"},
      {"unsupported_grant_type", Answer(400, R"({"error":"unsupported_grant_type"})"), secret,
       Kind::kPermanent, "check oauth2.token_url (this service does not offer"},
      {"invalid_request", Answer(400, R"({"error":"invalid_request"})"), secret, Kind::kPermanent,
       "check oauth2.token_url, oauth2.client_id and oauth2.scope"},
      {"401 with HTML", Answer(401, "<html><body>Unauthorized</body></html>"), secret,
       Kind::kPermanent,
       "(HTTP 401, not an OAuth2 error: \"<html><body>Unauthorized</body></html>\"); check "
       "oauth2.client_id and oauth2.client_secret_file"},
      {"404", Answer(404, "Not Found"), secret, Kind::kPermanent,
       "(HTTP 404, not an OAuth2 error: \"Not Found\"); check oauth2.token_url"},
      {"302", Answer(302, ""), secret, Kind::kPermanent, "HTTP 302"},
      {"long description cut",
       Answer(400, R"({"error":"invalid_client","error_description":")" + std::string(1000, 'd') +
                       "\"}"),
       secret, Kind::kPermanent, "ddd...\")"},
      {"control characters made printable",
       Answer(400,
              "{\"error\":\"invalid_client\",\"error_description\":\"a\\r\\nTrace ID: 1\\u0007\"}"),
       secret, Kind::kPermanent, "\"a  Trace ID: 1?\""},
  };
}

// Every row of the table: its kind and the words the operator sees.
TEST(ParseTokenAnswer, Table) {
  for (const AnswerCase& c : Cases()) {
    AnswerContext context{c.credential, kNow, {}};
    TokenGrant grant;
    Status s = ParseTokenAnswer(c.answer, context, &grant);
    EXPECT_EQ(s.kind(), c.kind) << c.name << ": " << s.ToString();
    if (c.kind == Kind::kOk) {
      EXPECT_EQ(std::to_string(grant.expires_in.count()), c.expected) << c.name;
      EXPECT_FALSE(grant.access_token.empty()) << c.name;
      EXPECT_EQ(grant.warning, "") << c.name;
    } else {
      EXPECT_NE(s.message().find(c.expected), std::string::npos)
          << c.name << ": \"" << c.expected << "\" not in: " << s.message();
      EXPECT_LE(s.message().size(), 600u) << c.name;
    }
  }
}

// The token handed back is the one in the answer, byte for byte.
TEST(ParseTokenAnswer, ReturnsTheToken) {
  TokenGrant grant;
  ASSERT_TRUE(ParseTokenAnswer(Answer(200, std::string(R"({"access_token":")") + kToken + "\"}"),
                               {CredentialKind::kSecret, kNow, {}}, &grant)
                  .ok());
  EXPECT_EQ(grant.access_token, kToken);
}

// No message of the table quotes the token of a 200 answer: a bad answer
// of 200 may still hold a real token.
TEST(ParseTokenAnswer, NeverQuotesATwoHundredBody) {
  const std::string secret_token = "SECRET-TOKEN-VALUE";
  const std::vector<std::string> bodies = {
      R"({"access_token":"SECRET-TOKEN-VALUE","token_type":"mac"})",
      R"({"access_token":"SECRET-TOKEN-VALUE x"})",
      "SECRET-TOKEN-VALUE",
      R"(["SECRET-TOKEN-VALUE"])",
  };
  for (const std::string& body : bodies) {
    TokenGrant grant;
    Status s = ParseTokenAnswer(Answer(200, body), {CredentialKind::kSecret, kNow, {}}, &grant);
    EXPECT_FALSE(s.ok()) << body;
    EXPECT_EQ(s.message().find(secret_token), std::string::npos) << s.message();
  }
}

// An error answer that repeats what we sent (the secret) is not quoted.
TEST(ParseTokenAnswer, DoesNotQuoteAnAnswerEchoingTheSecret) {
  const std::string body =
      R"({"error":"invalid_request","error_description":"bad form: client_secret=s3cr%26t"})";
  TokenGrant grant;
  Status s = ParseTokenAnswer(Answer(400, body),
                              {CredentialKind::kSecret, kNow, {"s3cr&t", "s3cr%26t"}}, &grant);
  EXPECT_EQ(s.kind(), Kind::kPermanent);
  EXPECT_EQ(s.message().find("s3cr"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("repeats our request; not quoted"), std::string::npos) << s.message();
}

struct SkewCase {
  const char* date;
  std::string expected;  // "" = no clock remark
};

// A Date header far from our clock is named in the warning of a success
// and in the message of a failure, with its direction.
TEST(ParseTokenAnswer, ReportsClockSkew) {
  const std::vector<SkewCase> cases = {
      {"Tue, 14 Nov 2023 22:15:20 GMT", ""},  // 120 s: tolerated
      {"Tue, 14 Nov 2023 22:18:20 GMT",
       "the token service's clock is 300 s ahead of ours (check NTP)"},
      {"Tue, 14 Nov 2023 21:13:20 GMT",
       "the token service's clock is 3600 s behind ours (check NTP)"},
      {"Tuesday, 14-Nov-23 21:13:20 GMT", ""},  // RFC 850 form: not read
      {"", ""},
  };
  for (const SkewCase& c : cases) {
    TokenGrant grant;
    ASSERT_TRUE(ParseTokenAnswer(Answer(200, R"({"access_token":"t"})", c.date),
                                 {CredentialKind::kSecret, kNow, {}}, &grant)
                    .ok());
    EXPECT_EQ(grant.warning, c.expected) << c.date;
    Status s = ParseTokenAnswer(Answer(401, R"({"error":"invalid_client"})", c.date),
                                {CredentialKind::kCertificate, kNow, {}}, &grant);
    if (c.expected.empty()) {
      EXPECT_EQ(s.message().find("clock"), std::string::npos) << s.message();
    } else {
      EXPECT_NE(s.message().find(c.expected), std::string::npos) << s.message();
    }
  }
}

// IMF-fixdate only, with its fields checked.
TEST(ParseHttpDate, Table) {
  struct Case {
    const char* text;
    bool ok;
    std::int64_t unix_time;
  };
  const Case cases[] = {
      {"Sun, 06 Nov 1994 08:49:37 GMT", true, 784111777},
      {"Tue, 14 Nov 2023 22:13:20 GMT", true, kNow},
      {"Thu, 29 Feb 2024 00:00:00 GMT", true, 1709164800},
      {"Fri, 30 Feb 2024 00:00:00 GMT", false, 0},
      {"Sun, 06 Nov 1994 24:49:37 GMT", false, 0},
      {"Sun, 06 Foo 1994 08:49:37 GMT", false, 0},
      {"Sun, 06 Nov 1994 08:49:37 UTC", false, 0},
      {"Sun Nov  6 08:49:37 1994", false, 0},
      {"", false, 0},
  };
  for (const Case& c : cases) {
    std::int64_t t = 0;
    EXPECT_EQ(ParseHttpDate(c.text, &t), c.ok) << c.text;
    if (c.ok) {
      EXPECT_EQ(t, c.unix_time) << c.text;
    }
  }
}

}  // namespace
}  // namespace flexmail
