// Keys and certificates for the S/MIME tests, made with OpenSSL's C API so
// that their validity can lie in the past or the future, written as PEM
// files for the `openssl cms` command line.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <filesystem>
#include <memory>
#include <string>

#include "mail/openssl_ptr.h"

namespace flexmail::test {

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpensslFree<&EVP_PKEY_free>>;

// A key, its certificate, and both as PEM files for the command line.
struct Identity {
  EvpPkeyPtr key;
  X509Ptr cert;
  std::string cert_pem;
  std::filesystem::path cert_path, key_path;
};

struct CertSpec {
  std::string name;          // file stem and CN
  int from_year, to_year;    // valid from 1 January to 1 January
  const Identity* issuer;    // nullptr: self-signed
  bool ca;
  std::string email;         // rfc822Name; empty for none
};

// A P-256 key and its certificate per `spec`, written into `dir` as
// NAME.crt and NAME.key.
Identity MakeIdentity(const CertSpec& spec, const std::filesystem::path& dir);

}  // namespace flexmail::test
