// The "smime" method on real signatures: the keys and certificates are made
// here with OpenSSL's C API (so validity can lie in the past or the future),
// the messages are signed by the `openssl cms` command, as a mail client
// would, in a temporary directory removed afterwards.
#include "mail/smime.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "mail/message.h"
#include "tests/auth/smime_fixture.h"
#include "mail/openssl_ptr.h"
#include "mail/transfer_encoding.h"

namespace flexmail {
namespace {

using test::CertSpec;
using test::Identity;
using test::MakeIdentity;

Instant At(int y, unsigned m, unsigned d) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(date::sys_days(date::year(y) / m / d));
}

const Instant kReception = At(2026, 12, 4);
const char kFrom[] = "ops@engie.example";

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << "no « " << from << " » to replace";
  return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

std::string ToLf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != '\r') out.push_back(c);
  }
  return out;
}

std::string ToCrlf(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out.push_back('\r');
    out.push_back(s[i]);
  }
  return out;
}

// What a shipper sends: a text part and one CSV, LF line ends (openssl
// makes them CRLF before signing, as mail clients do).
const char kContent[] =
    "Content-Type: multipart/mixed; boundary=\"inner\"\n"
    "\n"
    "--inner\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Programme ci-joint.\n"
    "--inner\n"
    "Content-Type: text/csv; name=\"signed.csv\"\n"
    "Content-Disposition: attachment; filename=\"signed.csv\"\n"
    "Content-Transfer-Encoding: 7bit\n"
    "\n"
    "site;quantite\n"
    "LI0002;1000\n"
    "--inner--\n";

const char kHead[] = "From: ops@engie.example\nTo: declarations@flexmail.example\nSubject: programme\n";

class SmimeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    ids_.clear();
  }

  // Signs kContent as `signer` with `openssl cms -sign` and extra options;
  // the result is an entity starting with MIME-Version (no From yet).
  static std::string Sign(const std::string& signer, const std::string& options) {
    const Identity& id = ids_.at(signer);
    std::filesystem::path out = dir_ / "signed.eml";
    std::string command = "openssl cms -sign -md sha256 -in '" + (dir_ / "content.eml").string() + "' -signer '" +
                          id.cert_path.string() + "' -inkey '" + id.key_path.string() + "' " + options + " -out '" +
                          out.string() + "' 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return ReadFile(out);
  }

  static SmimeTrust Trust() { return SmimeTrust{{ids_.at("ca").cert_pem, ids_.at("pinned").cert_pem}}; }

  static inline std::filesystem::path dir_;
  static inline std::map<std::string, Identity> ids_;
  static inline std::map<std::string, std::string> messages_;  // complete messages, by case
};

void SmimeTest::SetUpTestSuite() {
  char tmpl[] = "/tmp/flexmail-smime-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  dir_ = tmpl;
  WriteFile(dir_ / "content.eml", kContent);
  auto make = [](const CertSpec& s) { ids_.emplace(s.name, MakeIdentity(s, dir_)); };
  make({"ca", 2015, 2045, nullptr, true, ""});
  make({"rogue-ca", 2015, 2045, nullptr, true, ""});
  make({"intermediate", 2015, 2045, &ids_.at("ca"), true, ""});
  make({"shipper", 2025, 2028, &ids_.at("ca"), false, "Ops@Engie.example"});
  make({"shipper-via-intermediate", 2025, 2028, &ids_.at("intermediate"), false, kFrom});
  make({"other-shipper", 2025, 2028, &ids_.at("ca"), false, "ops@totalenergies.example"});
  make({"unregistered", 2025, 2028, &ids_.at("rogue-ca"), false, kFrom});
  make({"expired", 2020, 2021, &ids_.at("ca"), false, kFrom});
  make({"not-yet-valid", 2030, 2031, &ids_.at("ca"), false, kFrom});
  make({"pinned", 2025, 2028, nullptr, false, ""});

  std::map<std::string, std::string> signed_parts = {
      {"detached", Sign("shipper", "")},
      {"opaque", Sign("shipper", "-nodetach")},
      {"pinned", Sign("pinned", "")},
      {"pinned-nocerts", Sign("pinned", "-nocerts -nodetach")},
      {"other-shipper", Sign("other-shipper", "")},
      {"unregistered", Sign("unregistered", "")},
      {"expired", Sign("expired", "")},
      {"not-yet-valid", Sign("not-yet-valid", "")},
      {"via-intermediate", Sign("shipper-via-intermediate", "")},
      {"with-intermediate",
       Sign("shipper-via-intermediate", "-certfile '" + ids_.at("intermediate").cert_path.string() + "'")},
  };
  for (const auto& [name, entity] : signed_parts) messages_[name] = kHead + entity;

  const std::string& detached = messages_["detached"];
  const std::string& opaque = messages_["opaque"];
  messages_["tampered"] = Replace(detached, "LI0002;1000", "LI0002;1001");
  messages_["lf-delivered"] = ToLf(detached);
  messages_["crlf-delivered"] = ToCrlf(detached);
  messages_["x-pkcs7-signature"] =
      Replace(Replace(detached, "protocol=\"application/pkcs7-signature\"", "protocol=\"application/x-pkcs7-signature\""),
              "Content-Type: application/pkcs7-signature", "Content-Type: application/x-pkcs7-signature");
  messages_["x-pkcs7-mime-p7m"] = Replace(Replace(opaque, "application/pkcs7-mime", "application/x-pkcs7-mime"),
                                          "smime-type=signed-data; ", "");
  messages_["enveloped"] = Replace(opaque, "smime-type=signed-data", "smime-type=enveloped-data");
  messages_["pgp-protocol"] = Replace(detached, "application/pkcs7-signature\"", "application/pgp-signature\"");
  messages_["unsigned"] = kHead + std::string("MIME-Version: 1.0\n") + kContent;

  // The signature part, replaced by hostile bodies.
  size_t sig = detached.find("\n\n", detached.find("filename=\"smime.p7s\"")) + 2;
  size_t sig_end = detached.find("\n------", sig);
  std::string sig_b64 = detached.substr(sig, sig_end - sig);
  auto with_signature = [&](const std::string& body) {
    return std::string(detached).replace(sig, sig_end - sig, body);
  };
  std::string noise;
  for (int i = 0; i < 600; ++i) noise.push_back(static_cast<char>((i * 7919 + 13) % 251));
  messages_["garbage-base64"] = with_signature("!!!! ceci n'est pas du base64 @@@@\n");
  messages_["garbage-der"] = with_signature(EncodeBase64(noise));
  messages_["truncated-der"] = with_signature(sig_b64.substr(0, sig_b64.size() / 2 / 65 * 65));
  messages_["huge-signature"] = with_signature(EncodeBase64(std::string(kMaxSmimeSignatureBytes + 1, 'A')));
  // The digest of the signed-data's algorithm list made one OpenSSL does
  // not know (2.16.840.1.101.3.4.2.127); the signer's own entry still names
  // SHA-256. OpenSSL 3.0's CMS_verify leaked memory on it (seen by the
  // smime fuzz target's leak check, which replays this case from its corpus).
  const std::string sha256_oid = "\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01";
  std::string der = DecodeBase64(sig_b64);
  der[der.find(sha256_oid) + sha256_oid.size() - 1] = '\x7f';
  messages_["unknown-digest"] = with_signature(EncodeBase64(der));
  messages_["opaque-garbage"] =
      opaque.substr(0, opaque.find("\n\n", opaque.find("smime.p7m")) + 2) + EncodeBase64(noise);

  // A gateway's wrapper: the signed message first, then a part of its own
  // (here a CSV the signature does not cover).
  const std::string unsigned_csv =
      "--wrap\nContent-Type: text/csv; name=\"unsigned.csv\"\n"
      "Content-Disposition: attachment; filename=\"unsigned.csv\"\n\nsite;quantite\nLI0002;999999\n--wrap--\n";
  const std::string wrap_head = kHead + std::string("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"wrap\"\n\n");
  messages_["wrapped"] = wrap_head + "--wrap\n" + signed_parts["detached"] + "\n" + unsigned_csv;
  messages_["wrapped-opaque"] = wrap_head + "--wrap\n" + signed_parts["opaque"] + "\n" + unsigned_csv;
  // A signed message attached as message/rfc822 is someone else's mail.
  messages_["attached-rfc822"] = wrap_head + "--wrap\nContent-Type: message/rfc822\n\n" + detached + "\n--wrap--\n";
  // A third part between the content and the signature.
  size_t b = detached.find("boundary=\"") + 10;
  const std::string delimiter = "\n--" + detached.substr(b, detached.find('"', b) - b) + "\n";
  messages_["three-parts"] = std::string(detached).insert(
      detached.find(delimiter, detached.find(delimiter) + 1), delimiter + "Content-Type: text/plain\n\nextra");
}

struct Case {
  const char* message;
  Instant at;
  const char* from;
  AuthResult result;
  const char* detail;  // a part of the expected detail
};

// Every case of the method on one table: what each message earns at an instant.
TEST_F(SmimeTest, Verdicts) {
  const Case cases[] = {
      {"detached", kReception, kFrom, AuthResult::kPass, "CN=shipper,O=Test"},
      {"opaque", kReception, kFrom, AuthResult::kPass, "CN=shipper,O=Test"},
      {"pinned", kReception, kFrom, AuthResult::kPass, "certificat enregistré « CN=pinned,O=Test » (SHA-256 "},
      {"pinned", kReception, "someone@else.example", AuthResult::kPass, "CN=pinned"},  // pinning binds no address
      {"pinned-nocerts", kReception, kFrom, AuthResult::kPass, "CN=pinned"},
      {"pinned", At(2029, 6, 1), kFrom, AuthResult::kFail, "expiré à la réception (valide jusqu'au 2028-01-01 00:00:00 UTC)"},
      {"via-intermediate", kReception, kFrom, AuthResult::kFail, "non enregistré"},  // chain incomplete
      {"with-intermediate", kReception, kFrom, AuthResult::kPass, "émis par « CN=intermediate,O=Test »"},
      {"detached", kReception, "OPS@ENGIE.EXAMPLE", AuthResult::kPass, "CN=shipper"},
      {"detached", kReception, "ops@totalenergies.example", AuthResult::kFail, "pas émis pour l'adresse"},
      {"detached", kReception, "", AuthResult::kFail, "pas émis pour l'adresse"},
      {"other-shipper", kReception, kFrom, AuthResult::kFail, "pas émis pour l'adresse de l'expéditeur « ops@engie.example »"},
      {"unregistered", kReception, kFrom, AuthResult::kFail, "non enregistré : « CN=unregistered,O=Test »"},
      {"expired", kReception, kFrom, AuthResult::kFail, "expiré à la réception"},
      {"expired", At(2020, 6, 1), kFrom, AuthResult::kPass, "CN=expired"},  // the instant is `at`, not now
      {"not-yet-valid", kReception, kFrom, AuthResult::kFail, "pas encore valide à la réception"},
      {"not-yet-valid", At(2030, 6, 1), kFrom, AuthResult::kPass, "CN=not-yet-valid"},
      {"tampered", kReception, kFrom, AuthResult::kFail, "signature invalide : le contenu signé a été modifié"},
      {"lf-delivered", kReception, kFrom, AuthResult::kPass, "CN=shipper"},
      {"crlf-delivered", kReception, kFrom, AuthResult::kPass, "CN=shipper"},
      {"x-pkcs7-signature", kReception, kFrom, AuthResult::kPass, "CN=shipper"},
      {"x-pkcs7-mime-p7m", kReception, kFrom, AuthResult::kPass, "CN=shipper"},
      {"wrapped", kReception, kFrom, AuthResult::kPass, "CN=shipper"},
      {"wrapped-opaque", kReception, kFrom, AuthResult::kPass, "CN=shipper"},
      {"unsigned", kReception, kFrom, AuthResult::kFail, "message non signé"},
      {"attached-rfc822", kReception, kFrom, AuthResult::kFail, "message non signé"},
      {"pgp-protocol", kReception, kFrom, AuthResult::kFail,
       "multipart/signed de protocole « application/pgp-signature » non pris en charge"},
      {"enveloped", kReception, kFrom, AuthResult::kFail, "smime-type « enveloped-data » non pris en charge"},
      {"three-parts", kReception, kFrom, AuthResult::kFail, "multipart/signed en 3 parties, deux attendues"},
      {"garbage-base64", kReception, kFrom, AuthResult::kFail, "signature"},
      {"garbage-der", kReception, kFrom, AuthResult::kFail, "signature illisible (DER malformé)"},
      {"truncated-der", kReception, kFrom, AuthResult::kFail, "signature illisible (DER malformé)"},
      {"opaque-garbage", kReception, kFrom, AuthResult::kFail, "signature illisible (DER malformé)"},
      {"huge-signature", kReception, kFrom, AuthResult::kFail, "au plus 262144"},
      {"unknown-digest", kReception, kFrom, AuthResult::kFail, "signature invalide"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.message) + " from " + c.from);
    std::string entity = "left over";
    AuthVerdict v = VerifySmime(messages_.at(c.message), Trust(), c.from, c.at, &entity);
    EXPECT_EQ(v.method, "smime");
    EXPECT_EQ(AuthResultName(v.result), AuthResultName(c.result)) << v.detail;
    EXPECT_NE(v.detail.find(c.detail), std::string::npos) << v.detail;
    EXPECT_EQ(entity.empty(), c.result != AuthResult::kPass);
  }
}

// Registered certificates may come several to a PEM text; a registered
// intermediate CA is an anchor of its own (partial chain).
TEST_F(SmimeTest, TrustForms) {
  const struct {
    SmimeTrust trust;
    const char* message;
    AuthResult result;
  } cases[] = {
      {{{ids_.at("ca").cert_pem + ids_.at("pinned").cert_pem}}, "pinned", AuthResult::kPass},
      {{{ids_.at("ca").cert_pem + ids_.at("pinned").cert_pem}}, "detached", AuthResult::kPass},
      {{{ids_.at("intermediate").cert_pem}}, "via-intermediate", AuthResult::kPass},
      {{{ids_.at("intermediate").cert_pem}}, "detached", AuthResult::kFail},
      {{}, "detached", AuthResult::kFail},
      {{{"not a certificate"}}, "pinned", AuthResult::kFail},
      // A pinned leaf is not a CA: it vouches for itself only.
      {{{ids_.at("pinned").cert_pem}}, "detached", AuthResult::kFail},
      {{{ids_.at("shipper").cert_pem}}, "detached", AuthResult::kPass},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    AuthVerdict v = VerifySmime(messages_.at(c.message), c.trust, kFrom, kReception, nullptr);
    EXPECT_EQ(AuthResultName(v.result), AuthResultName(c.result)) << v.detail;
  }
}

// The signed entity is exactly the first part as sent (line ends included),
// and its CSV is readable with ParseMessage.
TEST_F(SmimeTest, SignedEntityOfEachStructure) {
  const struct {
    const char* message;
    bool detached;  // the entity is then bytes of the message itself
  } cases[] = {{"detached", true}, {"lf-delivered", true}, {"opaque", false}, {"x-pkcs7-mime-p7m", false}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    std::string entity;
    AuthVerdict v = VerifySmime(messages_.at(c.message), Trust(), kFrom, kReception, &entity);
    ASSERT_EQ(v.result, AuthResult::kPass) << v.detail;
    EXPECT_TRUE(entity.starts_with("Content-Type: multipart/mixed; boundary=\"inner\""));
    EXPECT_EQ(messages_.at(c.message).find(entity) != std::string::npos, c.detached);
    ParsedMessage m;
    ASSERT_TRUE(ParseMessage(entity, MailLimits(), &m).ok());
    ASSERT_EQ(m.csv_attachments.size(), 1u);
    EXPECT_EQ(m.csv_attachments[0].filename, "signed.csv");
    EXPECT_EQ(ToLf(m.csv_attachments[0].content), "site;quantite\nLI0002;1000");  // the last line break belongs to the delimiter
  }
  std::string entity;
  VerifySmime(messages_.at("lf-delivered"), Trust(), kFrom, kReception, &entity);
  EXPECT_EQ(entity.find('\r'), std::string::npos);  // as sent: LF stays LF
}

// A CSV outside the signed part is in the message but not in the signed
// entity, the only place the caller reads declarations from.
TEST_F(SmimeTest, CsvOutsideTheSignatureDoesNotCount) {
  for (const char* name : {"wrapped", "wrapped-opaque"}) {
    SCOPED_TRACE(name);
    ParsedMessage whole;
    ASSERT_TRUE(ParseMessage(messages_.at(name), MailLimits(), &whole).ok());
    std::string entity;
    AuthVerdict v = VerifySmime(messages_.at(name), Trust(), kFrom, kReception, &entity);
    ASSERT_EQ(v.result, AuthResult::kPass) << v.detail;
    ParsedMessage m;
    ASSERT_TRUE(ParseMessage(entity, MailLimits(), &m).ok());
    ASSERT_EQ(m.csv_attachments.size(), 1u);
    EXPECT_EQ(m.csv_attachments[0].filename, "signed.csv");
    EXPECT_EQ(entity.find("unsigned.csv"), std::string::npos);
  }
  ParsedMessage whole;
  ASSERT_TRUE(ParseMessage(messages_.at("wrapped"), MailLimits(), &whole).ok());
  ASSERT_EQ(whole.csv_attachments.size(), 2u);  // what a reader of the whole message would see
  EXPECT_EQ(whole.csv_attachments[1].filename, "unsigned.csv");
}

// Any byte changed inside the signed part fails; cutting the message
// anywhere never crashes. Hostile input stays fast.
TEST_F(SmimeTest, MutationsNeverCrash) {
  const std::string& base = messages_.at("detached");
  const size_t first = base.find("Content-Type: multipart/mixed; boundary=\"inner\"");
  const size_t last = base.find("--inner--") + 9;
  auto start = std::chrono::steady_clock::now();
  for (size_t i = first; i < last; i += 7) {
    std::string m = base;
    m[i] = static_cast<char>(m[i] ^ 1);
    AuthVerdict v = VerifySmime(m, Trust(), kFrom, kReception, nullptr);
    EXPECT_EQ(v.result, AuthResult::kFail) << "byte " << i << ": " << v.detail;
  }
  for (const char* name : {"detached", "opaque", "wrapped"}) {
    const std::string& raw = messages_.at(name);
    for (size_t cut = 0; cut < raw.size(); cut += 13) {
      VerifySmime(std::string_view(raw).substr(0, cut), Trust(), kFrom, kReception, nullptr);
      std::string flipped = raw;
      flipped[cut] = static_cast<char>(~flipped[cut]);
      VerifySmime(flipped, Trust(), kFrom, kReception, nullptr);
    }
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace flexmail
