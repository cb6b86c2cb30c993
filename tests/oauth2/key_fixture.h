// Keys and certificates for the OAuth2 tests, made once per test binary
// with OpenSSL's C API (RSA key generation takes a while) in a temporary
// directory removed at exit. Test-only keys: nothing trusts them.
#pragma once

#include <filesystem>
#include <string>

namespace flexmail::test {

struct TestKeys {
  std::filesystem::path dir;
  std::filesystem::path cert, key;              // RSA 2048, self-signed; the key is mode 0600
  std::filesystem::path open_key;               // the same key, mode 0644
  std::filesystem::path other_key;              // RSA 2048 that does not match `cert`
  std::filesystem::path ec_cert, ec_key;        // P-256 pair
  std::filesystem::path small_cert, small_key;  // RSA 1024 pair
  std::filesystem::path encrypted_key;          // `key` under a passphrase
  std::filesystem::path not_pem;                // a text file
  std::string cert_der;                         // `cert` in DER
  std::string cert_pem;
  long long not_after_unix = 0;  // `cert` expires then
};

const TestKeys& Keys();

// Whether `signature` is a valid `alg` (RS256/PS256) signature of `input`
// by the public key of the PEM certificate `cert_pem`.
bool VerifyWithCertificate(const std::string& cert_pem, const std::string& alg,
                           const std::string& input, const std::string& signature);

}  // namespace flexmail::test
