#include "tests/auth/smime_fixture.h"

#include <date/date.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <fstream>

namespace flexmail::test {
namespace {

time_t Jan1(int year) {
  return static_cast<time_t>(std::chrono::floor<std::chrono::seconds>(std::chrono::time_point_cast<std::chrono::milliseconds>(date::sys_days(date::year(year) / 1 / 1))).time_since_epoch().count());
}

void AddExtension(X509* x, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str());
  ASSERT_NE(ext, nullptr) << value;
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
}

std::string CertPem(X509* x) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), x);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string KeyPem(EVP_PKEY* k) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), k, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

// P-256 keys: made in microseconds, unlike RSA.
Identity MakeIdentity(const CertSpec& spec, const std::filesystem::path& dir) {
  static long serial = 1000;
  Identity id;
  id.key.reset(EVP_EC_gen("P-256"));
  id.cert.reset(X509_new());
  X509* x = id.cert.get();
  X509_set_version(x, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x), ++serial);
  ASN1_TIME_set(X509_getm_notBefore(x), Jan1(spec.from_year));
  ASN1_TIME_set(X509_getm_notAfter(x), Jan1(spec.to_year));
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.name.c_str()), -1, -1, 0);
  X509* issuer_cert = spec.issuer != nullptr ? spec.issuer->cert.get() : x;
  X509_set_issuer_name(x, X509_get_subject_name(issuer_cert));
  X509_set_pubkey(x, id.key.get());
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer_cert, x, nullptr, nullptr, 0);
  AddExtension(x, &ctx, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  AddExtension(x, &ctx, NID_key_usage,
               spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
  AddExtension(x, &ctx, NID_subject_key_identifier, "hash");
  if (spec.issuer != nullptr) AddExtension(x, &ctx, NID_authority_key_identifier, "keyid:always");
  if (!spec.ca) AddExtension(x, &ctx, NID_ext_key_usage, "emailProtection");
  if (!spec.email.empty()) AddExtension(x, &ctx, NID_subject_alt_name, "email:" + spec.email);
  EVP_PKEY* signing_key = spec.issuer != nullptr ? spec.issuer->key.get() : id.key.get();
  EXPECT_GT(X509_sign(x, signing_key, EVP_sha256()), 0);
  id.cert_pem = CertPem(x);
  id.cert_path = dir / (spec.name + ".crt");
  id.key_path = dir / (spec.name + ".key");
  std::ofstream(id.cert_path, std::ios::binary) << id.cert_pem;
  std::ofstream(id.key_path, std::ios::binary) << KeyPem(id.key.get());
  return id;
}


}  // namespace flexmail::test
