// LoadAssertionKey: the configuration checks of jwt.h, one per helper, so
// that every refusal says which key, which file and what was expected.
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "mail/curl_util.h"
#include "mail/jwt.h"
#include "mail/openssl_ptr.h"

namespace flexmail {

namespace {

constexpr char kCertKey[] = "oauth2.certificate_file";
constexpr char kKeyKey[] = "oauth2.private_key_file";
constexpr char kAlgKey[] = "oauth2.assertion_algorithm";
// PEM certificates and keys are a few KiB; a chain file rarely 100 KiB.
constexpr std::size_t kMaxPemFile = 1 << 20;
constexpr int kMinRsaBits = 2048;

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpensslFree<&EVP_PKEY_free>>;

// "oauth2.private_key_file /etc/x.key" for the start of a message.
std::string Where(const char* key, const std::string& path) {
  return std::string(key) + " " + PrintableText(path, 4 * kMaxQuotedServerText);
}

Status ReadPemFile(const char* key, const std::string& path, std::string* out) {
  if (path.empty()) return Status::Permanent(std::string(key) + " is not set");
  std::FILE* f = std::fopen(path.c_str(), "rbe");
  if (f == nullptr) {
    return Status::Permanent(Where(key, path) + " cannot be read: " + std::strerror(errno));
  }
  out->assign(kMaxPemFile + 1, '\0');
  const std::size_t n = std::fread(out->data(), 1, out->size(), f);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::Permanent(Where(key, path) + " cannot be read");
  if (n > kMaxPemFile) {
    return Status::Permanent(Where(key, path) + " is larger than 1 MiB: expected a PEM file");
  }
  out->resize(n);
  return Status::Ok();
}

BioPtr MemoryBio(const std::string& data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

Status ParseCertificate(const std::string& path, const std::string& pem, X509Ptr* out) {
  BioPtr bio = MemoryBio(pem);
  out->reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (*out) return Status::Ok();
  return Status::Permanent(Where(kCertKey, path) +
                           " holds no PEM certificate: expected -----BEGIN CERTIFICATE-----");
}

// Called by OpenSSL for an encrypted key: there is nobody to ask, so it
// refuses (rather than OpenSSL's default of prompting on the terminal) and
// notes that a passphrase was wanted.
int RefusePassphrase(char*, int, int, void* asked) {
  *static_cast<bool*>(asked) = true;
  return -1;
}

Status ParsePrivateKey(const std::string& path, const std::string& pem, EvpPkeyPtr* out) {
  BioPtr bio = MemoryBio(pem);
  bool asked = false;
  out->reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, &RefusePassphrase, &asked));
  ERR_clear_error();
  if (*out) return Status::Ok();
  if (asked) {
    return Status::Permanent(Where(kKeyKey, path) +
                             " is encrypted: expected an unencrypted PEM key (the daemon has "
                             "no passphrase to give; protect the file by its permissions)");
  }
  return Status::Permanent(Where(kKeyKey, path) +
                           " holds no PEM private key: expected -----BEGIN PRIVATE KEY----- "
                           "or -----BEGIN RSA PRIVATE KEY-----");
}

Status CheckRsa(const std::string& path, EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    const char* type = EVP_PKEY_get0_type_name(key);
    return Status::Permanent(Where(kKeyKey, path) + " holds a key of type " +
                             (type != nullptr ? type : "unknown") +
                             ": expected an RSA key of at least 2048 bits (RS256 and PS256 "
                             "sign with RSA)");
  }
  const int bits = EVP_PKEY_get_bits(key);
  if (bits < kMinRsaBits) {
    return Status::Permanent(Where(kKeyKey, path) + " holds a " + std::to_string(bits) +
                             "-bit RSA key: expected at least 2048 bits");
  }
  return Status::Ok();
}

Status CheckPair(const std::string& cert_path, const std::string& key_path, X509* cert,
                 EVP_PKEY* key) {
  const bool match = X509_check_private_key(cert, key) == 1;
  ERR_clear_error();
  if (match) return Status::Ok();
  return Status::Permanent(Where(kKeyKey, key_path) + " is not the key of the certificate in " +
                           Where(kCertKey, cert_path) +
                           ": expected the private key matching that certificate");
}

std::string Digest(const EVP_MD* md, const std::string& der) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(der.data(), der.size(), out, &len, md, nullptr) != 1) return "";
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string CertificateDer(X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) return "";
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::int64_t NotAfterUnix(X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

// Group or other may read the file (through its mode; ACLs are not looked at).
bool ReadableByOthers(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

// The certificate's names for the header and its end of validity.
Status Describe(X509* cert, const std::string& cert_path, AssertionKey* out) {
  const std::string der = CertificateDer(cert);
  out->x5t = Base64UrlEncode(Digest(EVP_sha1(), der));
  out->x5t_s256 = Base64UrlEncode(Digest(EVP_sha256(), der));
  if (der.empty() || out->x5t.empty() || out->x5t_s256.empty()) {
    return Status::Internal("cannot compute the thumbprint of " + Where(kCertKey, cert_path));
  }
  out->not_after_unix = NotAfterUnix(cert);
  return Status::Ok();
}

}  // namespace

Status LoadAssertionKey(const std::string& cert_file, const std::string& key_file,
                        const std::string& algorithm, AssertionKey* out) {
  if (algorithm != "RS256" && algorithm != "PS256") {
    return Status::Permanent(std::string(kAlgKey) + " is \"" + PrintableText(algorithm) +
                             "\": expected RS256 or PS256");
  }
  std::string cert_pem, key_pem;
  X509Ptr cert;
  EvpPkeyPtr key;
  Status s = ReadPemFile(kCertKey, cert_file, &cert_pem);
  if (s.ok()) s = ParseCertificate(cert_file, cert_pem, &cert);
  if (s.ok()) s = ReadPemFile(kKeyKey, key_file, &key_pem);
  if (s.ok()) s = ParsePrivateKey(key_file, key_pem, &key);
  if (s.ok()) s = CheckRsa(key_file, key.get());
  if (s.ok()) s = CheckPair(cert_file, key_file, cert.get(), key.get());
  AssertionKey loaded;
  if (s.ok()) s = Describe(cert.get(), cert_file, &loaded);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  if (!s.ok()) return s;
  loaded.key = std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
  loaded.algorithm = algorithm;
  loaded.key_readable_by_others = ReadableByOthers(key_file);
  loaded.certificate_file = cert_file;
  loaded.private_key_file = key_file;
  *out = std::move(loaded);
  return Status::Ok();
}

}  // namespace flexmail
