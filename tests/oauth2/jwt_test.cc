// RFC 7523 client assertions: what LoadAssertionKey accepts and how it
// refuses (each refusal naming the configuration key), and assertions
// decoded and verified with OpenSSL independently of the code under test.
#include "mail/jwt.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include <vector>

#include "tests/oauth2/key_fixture.h"

namespace flexmail {
namespace {

using test::Keys;

constexpr std::int64_t kNow = 1'700'000'000;
constexpr char kClient[] = "0b9d6f1e-1111-2222-3333-444455556666";
constexpr char kTokenUrl[] = "https://login.example.com/tenant/oauth2/v2.0/token";

// Standard base64 through OpenSSL, then the URL alphabet: a second opinion
// on Base64UrlEncode.
std::string IndependentBase64Url(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::string Hash(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

struct Parts {
  std::string header_b64, claims_b64, signature_b64;
  nlohmann::json header, claims;
  std::string signature;
};

Parts Split(const std::string& jwt) {
  Parts p;
  const size_t a = jwt.find('.'), b = jwt.find('.', a + 1);
  EXPECT_NE(b, std::string::npos) << "not three parts";
  if (b == std::string::npos) return p;
  p.header_b64 = jwt.substr(0, a);
  p.claims_b64 = jwt.substr(a + 1, b - a - 1);
  p.signature_b64 = jwt.substr(b + 1);
  std::string header, claims;
  EXPECT_TRUE(Base64UrlDecode(p.header_b64, &header));
  EXPECT_TRUE(Base64UrlDecode(p.claims_b64, &claims));
  EXPECT_TRUE(Base64UrlDecode(p.signature_b64, &p.signature));
  p.header = nlohmann::json::parse(header);
  p.claims = nlohmann::json::parse(claims);
  return p;
}

AssertionKey Load(const std::string& alg) {
  AssertionKey key;
  Status s = LoadAssertionKey(Keys().cert, Keys().key, alg, &key);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return key;
}

// Encoding matches OpenSSL's base64 in the URL alphabet, without padding,
// and decoding gives the bytes back, for every remainder length.
TEST(Base64Url, RoundTripsAgainstOpenSsl) {
  const std::vector<std::string> inputs = {
      "", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\xfb\xff\xfe\x00\x3e", 5)};
  for (const std::string& in : inputs) {
    const std::string encoded = Base64UrlEncode(in);
    EXPECT_EQ(encoded, IndependentBase64Url(in)) << in;
    std::string back;
    ASSERT_TRUE(Base64UrlDecode(encoded, &back)) << encoded;
    EXPECT_EQ(back, in);
  }
  std::string ignored;
  EXPECT_FALSE(Base64UrlDecode("ab+c", &ignored));   // the standard alphabet is not base64url
  EXPECT_FALSE(Base64UrlDecode("abcde", &ignored));  // no byte count gives 5 characters
  EXPECT_TRUE(Base64UrlDecode("Zm8=", &ignored));    // padding is tolerated
  EXPECT_EQ(ignored, "fo");
}

// A random UUID is version 4, RFC 4122 variant, and not repeated.
TEST(RandomUuid, IsVersionFourAndFresh) {
  const std::string a = RandomUuid(), b = RandomUuid();
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos) << a;
  EXPECT_NE(a, b);
}

// The test key pair loads, with its thumbprints, its notAfter and whether
// others may read the key file.
TEST(LoadAssertionKey, AcceptsAMatchingRsaPair) {
  AssertionKey key = Load("RS256");
  EXPECT_EQ(key.algorithm, "RS256");
  EXPECT_EQ(key.x5t, IndependentBase64Url(Hash(EVP_sha1(), Keys().cert_der)));
  EXPECT_EQ(key.x5t_s256, IndependentBase64Url(Hash(EVP_sha256(), Keys().cert_der)));
  EXPECT_EQ(key.not_after_unix, Keys().not_after_unix);
  EXPECT_FALSE(key.key_readable_by_others);

  AssertionKey open;
  ASSERT_TRUE(LoadAssertionKey(Keys().cert, Keys().open_key, "PS256", &open).ok());
  EXPECT_TRUE(open.key_readable_by_others);
}

struct KeyErrorCase {
  const char* name;
  std::string cert, key, algorithm;
  std::vector<std::string> expected;  // substrings of the message
};

// Each configuration mistake is refused as permanent, naming the key at
// fault, the path and what was expected.
TEST(LoadAssertionKey, RefusesEachMistakeNamingTheKey) {
  const auto& k = Keys();
  const std::string missing = (k.dir / "missing.pem").string();
  const std::vector<KeyErrorCase> cases = {
      {"unknown algorithm",
       k.cert,
       k.key,
       "ES256",
       {"oauth2.assertion_algorithm", "\"ES256\"", "expected RS256 or PS256"}},
      {"missing certificate",
       missing,
       k.key,
       "RS256",
       {"oauth2.certificate_file " + missing, "cannot be read", "No such file"}},
      {"certificate not PEM",
       k.not_pem,
       k.key,
       "RS256",
       {"oauth2.certificate_file " + k.not_pem.string(), "no PEM certificate",
        "BEGIN CERTIFICATE"}},
      {"missing key",
       k.cert,
       missing,
       "RS256",
       {"oauth2.private_key_file " + missing, "cannot be read"}},
      {"key not PEM",
       k.cert,
       k.not_pem,
       "RS256",
       {"oauth2.private_key_file " + k.not_pem.string(), "no PEM private key"}},
      {"key not set", k.cert, "", "RS256", {"oauth2.private_key_file is not set"}},
      {"EC key",
       k.ec_cert,
       k.ec_key,
       "RS256",
       {"oauth2.private_key_file " + k.ec_key.string(), "key of type EC", "expected an RSA key"}},
      {"small RSA key",
       k.small_cert,
       k.small_key,
       "PS256",
       {"oauth2.private_key_file", "1024-bit", "at least 2048 bits"}},
      {"key of another certificate",
       k.cert,
       k.other_key,
       "RS256",
       {"oauth2.private_key_file " + k.other_key.string(),
        "not the key of the certificate in oauth2.certificate_file " + k.cert.string()}},
      {"encrypted key",
       k.cert,
       k.encrypted_key,
       "RS256",
       {"oauth2.private_key_file " + k.encrypted_key.string(), "is encrypted"}},
  };
  for (const KeyErrorCase& c : cases) {
    AssertionKey key;
    Status s = LoadAssertionKey(c.cert, c.key, c.algorithm, &key);
    EXPECT_EQ(s.kind(), Status::Kind::kPermanent) << c.name;
    for (const std::string& part : c.expected) {
      EXPECT_NE(s.message().find(part), std::string::npos)
          << c.name << ": \"" << part << "\" not in: " << s.message();
    }
    EXPECT_FALSE(key.key) << c.name;
  }
}

// Header and claims carry exactly what RFC 7523 and Entra ask for.
TEST(MakeClientAssertion, HeaderAndClaims) {
  AssertionKey key = Load("RS256");
  const std::string jwt = MakeClientAssertion(key, kClient, kTokenUrl, kNow, "jti-1");
  Parts p = Split(jwt);
  EXPECT_EQ(
      p.header,
      nlohmann::json({{"alg", "RS256"},
                      {"typ", "JWT"},
                      {"x5t", IndependentBase64Url(Hash(EVP_sha1(), Keys().cert_der))},
                      {"x5t#S256", IndependentBase64Url(Hash(EVP_sha256(), Keys().cert_der))}}));
  EXPECT_EQ(p.claims, nlohmann::json({{"iss", kClient},
                                      {"sub", kClient},
                                      {"aud", kTokenUrl},
                                      {"jti", "jti-1"},
                                      {"iat", kNow},
                                      {"nbf", kNow},
                                      {"exp", kNow + 300}}));
  EXPECT_LE(p.claims["exp"].get<std::int64_t>() - p.claims["nbf"].get<std::int64_t>(), 600);
  EXPECT_EQ(jwt.find('='), std::string::npos);  // no padding anywhere
}

// For both algorithms the signature verifies with the certificate's public
// key under that algorithm's padding, and fails once the claims change.
TEST(MakeClientAssertion, SignatureVerifiesWithTheCertificate) {
  for (const std::string alg : {"RS256", "PS256"}) {
    AssertionKey key = Load(alg);
    Parts p = Split(MakeClientAssertion(key, kClient, kTokenUrl, kNow));
    EXPECT_EQ(p.header["alg"], alg);
    const std::string input = p.header_b64 + "." + p.claims_b64;
    EXPECT_TRUE(test::VerifyWithCertificate(Keys().cert_pem, alg, input, p.signature)) << alg;
    const std::string other_alg = alg == "RS256" ? "PS256" : "RS256";
    EXPECT_FALSE(test::VerifyWithCertificate(Keys().cert_pem, other_alg, input, p.signature))
        << alg << " verified as " << other_alg;

    nlohmann::json forged = p.claims;
    forged["sub"] = "someone-else";
    const std::string forged_input = p.header_b64 + "." + Base64UrlEncode(forged.dump());
    EXPECT_FALSE(test::VerifyWithCertificate(Keys().cert_pem, alg, forged_input, p.signature))
        << alg;
  }
}

// Without a jti from the caller each assertion gets its own random one:
// services refuse a replayed jti.
TEST(MakeClientAssertion, FreshJtiEachTime) {
  AssertionKey key = Load("PS256");
  Parts a = Split(MakeClientAssertion(key, kClient, kTokenUrl, kNow));
  Parts b = Split(MakeClientAssertion(key, kClient, kTokenUrl, kNow));
  ASSERT_TRUE(a.claims["jti"].is_string());
  EXPECT_EQ(a.claims["jti"].get<std::string>().size(), 36u);
  EXPECT_NE(a.claims["jti"], b.claims["jti"]);
}

// Without a loaded key there is nothing to sign with: "" rather than a crash.
TEST(MakeClientAssertion, EmptyWithoutKey) {
  EXPECT_EQ(MakeClientAssertion(AssertionKey{}, kClient, kTokenUrl, kNow), "");
}

struct ExpiryCase {
  const char* name;
  std::string token;
  bool is_jwt;
  std::int64_t exp;
};

std::string FakeJwt(const std::string& claims) {
  return Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode(claims) + ".c2ln";
}

// Only something shaped like a JWT with a numeric exp gives an expiry.
TEST(ReadJwtExpiry, Table) {
  const std::vector<ExpiryCase> cases = {
      {"jwt with exp", FakeJwt(R"({"exp":1700000600})"), true, 1700000600},
      {"fractional exp", FakeJwt(R"({"exp":1700000600.7})"), true, 1700000600},
      {"exp as string", FakeJwt(R"({"exp":"1700000600"})"), false, 0},
      {"no exp", FakeJwt(R"({"sub":"x"})"), false, 0},
      {"payload not json", Base64UrlEncode("{") + "." + Base64UrlEncode("nope") + ".sig", false, 0},
      {"two parts", Base64UrlEncode("{}") + "." + Base64UrlEncode(R"({"exp":1})"), false, 0},
      {"four parts", FakeJwt(R"({"exp":1})") + ".x", false, 0},
      {"opaque token", "ya29.a0AfH6SMBx", false, 0},
      {"bad alphabet", "a+b.c/d.e", false, 0},
  };
  for (const ExpiryCase& c : cases) {
    std::int64_t exp = 0;
    EXPECT_EQ(ReadJwtExpiry(c.token, &exp), c.is_jwt) << c.name;
    if (c.is_jwt) {
      EXPECT_EQ(exp, c.exp) << c.name;
    }
  }
}

}  // namespace
}  // namespace flexmail
