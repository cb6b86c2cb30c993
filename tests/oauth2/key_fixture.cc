#include "tests/oauth2/key_fixture.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>

#include "mail/openssl_ptr.h"

namespace flexmail::test {
namespace {

namespace fs = std::filesystem;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpensslFree<&EVP_PKEY_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpensslFree<&EVP_MD_CTX_free>>;

constexpr long kValidity = 365L * 24 * 3600;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

X509Ptr SelfSigned(EVP_PKEY* key) {
  X509Ptr cert(X509_new());
  X509* x = cert.get();
  X509_set_version(x, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), kValidity);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("flexmail oauth2 test"), -1, -1,
                             0);
  X509_set_issuer_name(x, X509_get_subject_name(x));
  X509_set_pubkey(x, key);
  X509_sign(x, key, EVP_sha256());
  return cert;
}

std::string CertPem(X509* x) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), x);
  return BioText(bio.get());
}

std::string KeyPem(EVP_PKEY* k, const char* passphrase = nullptr) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (passphrase == nullptr) {
    PEM_write_bio_PrivateKey(bio.get(), k, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PKCS8PrivateKey(bio.get(), k, EVP_aes_256_cbc(), passphrase,
                                  static_cast<int>(strlen(passphrase)), nullptr, nullptr);
  }
  return BioText(bio.get());
}

void Write(const fs::path& path, const std::string& text, fs::perms perms) {
  std::ofstream(path, std::ios::binary) << text;
  fs::permissions(path, perms);
}

constexpr fs::perms kPrivate = fs::perms::owner_read | fs::perms::owner_write;
constexpr fs::perms kOpen = kPrivate | fs::perms::group_read | fs::perms::others_read;

// One key and its self-signed certificate as files; returns the certificate.
X509Ptr WritePair(EVP_PKEY* key, const fs::path& cert, const fs::path& key_path) {
  X509Ptr x = SelfSigned(key);
  Write(cert, CertPem(x.get()), kOpen);
  Write(key_path, KeyPem(key), kPrivate);
  return x;
}

TestKeys Make() {
  TestKeys k;
  std::string templ = (fs::temp_directory_path() / "flexmail-oauth2-XXXXXX").string();
  k.dir = mkdtemp(templ.data());
  EvpPkeyPtr rsa(EVP_RSA_gen(2048)), other(EVP_RSA_gen(2048)), small(EVP_RSA_gen(1024));
  EvpPkeyPtr ec(EVP_EC_gen("P-256"));
  k.cert = k.dir / "app.crt";
  k.key = k.dir / "app.key";
  X509Ptr cert = WritePair(rsa.get(), k.cert, k.key);
  k.cert_pem = CertPem(cert.get());
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.get(), &der);
  k.cert_der.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  std::tm tm{};
  ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm);
  k.not_after_unix = timegm(&tm);
  k.open_key = k.dir / "open.key";
  Write(k.open_key, KeyPem(rsa.get()), kOpen);
  k.other_key = k.dir / "other.key";
  Write(k.other_key, KeyPem(other.get()), kPrivate);
  k.ec_cert = k.dir / "ec.crt";
  k.ec_key = k.dir / "ec.key";
  WritePair(ec.get(), k.ec_cert, k.ec_key);
  k.small_cert = k.dir / "small.crt";
  k.small_key = k.dir / "small.key";
  WritePair(small.get(), k.small_cert, k.small_key);
  k.encrypted_key = k.dir / "encrypted.key";
  Write(k.encrypted_key, KeyPem(rsa.get(), "correct horse"), kPrivate);
  k.not_pem = k.dir / "notes.txt";
  Write(k.not_pem, "this is not a PEM file\n", kPrivate);
  return k;
}

struct Owner {
  TestKeys keys = Make();
  ~Owner() {
    std::error_code ec;
    fs::remove_all(keys.dir, ec);
  }
};

}  // namespace

const TestKeys& Keys() {
  static Owner owner;
  return owner.keys;
}

bool VerifyWithCertificate(const std::string& cert_pem, const std::string& alg,
                           const std::string& input, const std::string& signature) {
  BioPtr bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, X509_get0_pubkey(cert.get())) !=
      1) {
    return false;
  }
  if (alg == "PS256") {
    // Salt length as RFC 7518 requires, checked rather than auto-detected.
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256());
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32);
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                          input.size()) == 1;
}

}  // namespace flexmail::test
