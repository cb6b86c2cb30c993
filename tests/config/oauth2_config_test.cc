// [oauth2] and auth = "oauth2" in [inbox] and [smtp]: what a good section
// gives, and the one located message each mistake gets.
#include <string>

#include <gtest/gtest.h>

#include "config/config.h"
#include "tests/config/good_config.h"

namespace flexmail {
namespace {

// kGoodConfig with both servers on OAuth2 and a certificate credential.
std::string OAuth2Config() {
  std::string text(kGoodConfig);
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  };
  replace(R"(password_file = "secrets/imap.pass")", R"(auth = "oauth2")");
  replace(R"(password_file = "secrets/smtp.pass")", "auth = \"oauth2\"\nsasl_mechanism = \"XOAUTH2\"");
  text += R"(
[oauth2]
token_url = "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token"
client_id = "6731de76-14a6-49ae-97bc-6eba6914391e"
scope = "https://outlook.office365.com/.default"
certificate_file = "certs/app.pem"
private_key_file = "secrets/app.key"
assertion_algorithm = "PS256"
ca_file = "certs/entra-ca.pem"
)";
  return text;
}

// The line of `needle` (first occurrence) in `text`, counted from 1.
int LineOf(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  return at == std::string::npos ? -1 : 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

TEST(OAuth2Config, ReadsEveryKey) {
  // Given both servers on oauth2 and a certificate credential, every key should be read and its paths resolved.
  Config c;
  Status s = ParseConfig(OAuth2Config(), "flexmail.toml", "/etc/flexmail", &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.inbox.auth, MailLogin::kOAuth2);
  EXPECT_EQ(c.inbox.sasl_mechanism, "");
  EXPECT_EQ(c.inbox.password_file, "");
  EXPECT_EQ(c.smtp.auth, MailLogin::kOAuth2);
  EXPECT_EQ(c.smtp.sasl_mechanism, "XOAUTH2");
  EXPECT_TRUE(c.oauth2.configured);
  EXPECT_EQ(c.oauth2.token_url,
            "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token");
  EXPECT_EQ(c.oauth2.client_id, "6731de76-14a6-49ae-97bc-6eba6914391e");
  EXPECT_EQ(c.oauth2.scope, "https://outlook.office365.com/.default");
  EXPECT_EQ(c.oauth2.certificate_file, "/etc/flexmail/certs/app.pem");
  EXPECT_EQ(c.oauth2.private_key_file, "/etc/flexmail/secrets/app.key");
  EXPECT_EQ(c.oauth2.assertion_algorithm, "PS256");
  EXPECT_EQ(c.oauth2.ca_file, "/etc/flexmail/certs/entra-ca.pem");
  EXPECT_EQ(c.oauth2.client_secret_file, "");
  EXPECT_EQ(c.oauth2.token_command, "");
}

TEST(OAuth2Config, PasswordIsTheDefaultLogin) {
  // Given the usual configuration without auth keys, both servers should log in with their password and [oauth2] be absent.
  Config c;
  ASSERT_TRUE(ParseConfig(std::string(kGoodConfig), "flexmail.toml", "", &c).ok());
  EXPECT_EQ(c.inbox.auth, MailLogin::kPassword);
  EXPECT_EQ(c.smtp.auth, MailLogin::kPassword);
  EXPECT_FALSE(c.oauth2.configured);
}

TEST(OAuth2Config, TokenCommandAlone) {
  // Given token_command as the only [oauth2] key, the configuration should load with nothing else required.
  std::string text(kGoodConfig);
  text.replace(text.find(R"(password_file = "secrets/imap.pass")"), 35, R"(auth = "oauth2")");
  text += "\n[oauth2]\ntoken_command = \"/usr/local/bin/mailbox-token --tenant contoso\"\n";
  Config c;
  Status s = ParseConfig(text, "flexmail.toml", "", &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.oauth2.token_command, "/usr/local/bin/mailbox-token --tenant contoso");
  EXPECT_EQ(c.inbox.auth, MailLogin::kOAuth2);
  EXPECT_EQ(c.smtp.auth, MailLogin::kPassword);
}

struct BadCase {
  const char* name;
  const char* from;  // occurs once in OAuth2Config()
  const char* to;
  const char* line_of;  // the text of the line the message names ("" = the section's line)
  std::string message;  // after "flexmail.toml:<line>: "
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

const BadCase kCases[] = {
    {"UnknownLogin", "auth = \"oauth2\"\nca_file", "auth = \"kerberos\"\nca_file",
     R"(auth = "kerberos")",
     R"(inbox.auth = "kerberos": expected password or oauth2)"},
    {"UnknownMechanism", R"(sasl_mechanism = "XOAUTH2")", R"(sasl_mechanism = "PLAIN")",
     R"(sasl_mechanism = "PLAIN")",
     R"(smtp.sasl_mechanism = "PLAIN": expected XOAUTH2 or OAUTHBEARER)"},
    {"PasswordFileWithOAuth2", "auth = \"oauth2\"\nca_file",
     "auth = \"oauth2\"\npassword_file = \"imap.pass\"\nca_file", R"(password_file = "imap.pass")",
     R"(inbox.password_file = "imap.pass": not used with auth = "oauth2" (the token comes from [oauth2]))"},
    {"MechanismWithPassword", "auth = \"oauth2\"\nsasl_mechanism = \"XOAUTH2\"",
     "password_file = \"smtp.pass\"\nsasl_mechanism = \"XOAUTH2\"", R"(sasl_mechanism = "XOAUTH2")",
     R"(smtp.sasl_mechanism = "XOAUTH2": only used with auth = "oauth2")"},
    {"OAuth2SectionNeeded", "[oauth2]", "[unused_after_this]", "",
     ""},  // replaced below: the whole section is removed
    {"TokenUrlIsHttps",
     R"(token_url = "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token")",
     R"(token_url = "http://login.example/token")", R"(token_url = "http://login.example/token")",
     R"(oauth2.token_url = "http://login.example/token": must start with https://)"},
    {"NoCredential", "certificate_file = \"certs/app.pem\"\nprivate_key_file = \"secrets/app.key\"\n"
                     "assertion_algorithm = \"PS256\"\n",
     "", "[oauth2]",
     "oauth2: expected exactly one credential: client_secret_file, certificate_file with "
     "private_key_file, or token_command"},
    {"TwoCredentials", R"(certificate_file = "certs/app.pem")",
     "certificate_file = \"certs/app.pem\"\nclient_secret_file = \"secrets/app.secret\"",
     "[oauth2]",
     "oauth2: expected exactly one credential: client_secret_file, certificate_file with "
     "private_key_file, or token_command"},
    {"CertificateWithoutKey", "private_key_file = \"secrets/app.key\"\n", "", "[oauth2]",
     "oauth2.private_key_file: required key is missing (certificate_file and private_key_file go "
     "together)"},
    {"NoScope", "scope = \"https://outlook.office365.com/.default\"\n", "", "[oauth2]",
     "oauth2.scope: required key is missing (needed unless token_command is used)"},
    {"AlgorithmIsRsa", R"(assertion_algorithm = "PS256")", R"(assertion_algorithm = "HS256")",
     R"(assertion_algorithm = "HS256")",
     R"(oauth2.assertion_algorithm = "HS256": expected RS256 or PS256)"},
    {"SecretNeverInTheFile", R"(ca_file = "certs/entra-ca.pem")",
     "ca_file = \"certs/entra-ca.pem\"\nclient_secret = \"Xy~8Q\"", R"(client_secret = "Xy~8Q")",
     "oauth2.client_secret: secrets and tokens go in the file named by client_secret_file (or "
     "come from token_command), never in the configuration"},
    {"TokenNeverInTheFile", R"(ca_file = "certs/entra-ca.pem")",
     "ca_file = \"certs/entra-ca.pem\"\naccess_token = \"eyJ0eX\"", R"(access_token = "eyJ0eX")",
     "oauth2.access_token: secrets and tokens go in the file named by client_secret_file (or "
     "come from token_command), never in the configuration"},
    {"TokenCommandNeedsNothingElse", R"(ca_file = "certs/entra-ca.pem")",
     "ca_file = \"certs/entra-ca.pem\"\ntoken_command = \"get-token\"", "[oauth2]",
     "oauth2: expected exactly one credential: client_secret_file, certificate_file with "
     "private_key_file, or token_command"},
    {"SmtpOAuth2NeedsAuth", "require_auth = true", "require_auth = false",
     R"(auth = "oauth2")",  // the first one is [inbox]'s; fixed up below
     ""},
};

class OAuth2ConfigErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(OAuth2ConfigErrors, GivesExactlyThisMessage) {
  // Given the OAuth2 configuration with one edit, loading should fail with exactly the case's located message.
  const BadCase& c = GetParam();
  std::string text = OAuth2Config();
  std::string expected = c.message;
  int line = 0;
  if (std::string(c.name) == "OAuth2SectionNeeded") {
    text.erase(text.find("\n[oauth2]"));
    line = LineOf(text, "auth = \"oauth2\"");
    expected = "inbox.auth = \"oauth2\": needs an [oauth2] section (where the tokens come from)";
  } else {
    const auto at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    ASSERT_EQ(text.find(c.from, at + 1), std::string::npos) << c.from << " occurs twice";
    text.replace(at, std::string(c.from).size(), c.to);
    line = LineOf(text, c.line_of);
    if (std::string(c.name) == "SmtpOAuth2NeedsAuth") {
      line = LineOf(text.substr(0), "auth = \"oauth2\"\nsasl_mechanism");
      expected = "smtp.auth = \"oauth2\": oauth2 needs require_auth = true";
    }
  }
  Config config;
  Status s = ParseConfig(text, "flexmail.toml", "", &config);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), "flexmail.toml:" + std::to_string(line) + ": " + expected);
}

INSTANTIATE_TEST_SUITE_P(Table, OAuth2ConfigErrors, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<BadCase>& i) { return i.param.name; });

}  // namespace
}  // namespace flexmail
