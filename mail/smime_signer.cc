#include "mail/smime_signer.h"

#include <climits>
#include <ctime>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "mail/header.h"
#include "mail/header_format.h"

namespace flexmail {
namespace {

// A subject quoted in a detail: enough to recognise it, never a whole log.
constexpr size_t kMaxNameText = 200;
// Hex digits of the SHA-256 fingerprint shown: enough to tell certificates apart.
constexpr size_t kFingerprintDigits = 16;
// Chains are short (leaf, perhaps an intermediate, the CA).
constexpr int kMaxChainDepth = 8;

std::string NameText(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // RFC 2253 with non-ASCII escaped: printable ASCII only.
  if (bio == nullptr || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "?";
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  std::string_view text(data, n > 0 ? static_cast<size_t>(n) : 0);
  return KeepPrintableAscii(text.substr(0, kMaxNameText));
}

std::string Describe(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::string hex;
  if (X509_digest(cert, EVP_sha256(), md, &len) == 1) {
    static const char kDigits[] = "0123456789abcdef";
    for (unsigned int i = 0; i < len && hex.size() < kFingerprintDigits; ++i) {
      hex.push_back(kDigits[md[i] >> 4]);
      hex.push_back(kDigits[md[i] & 15]);
    }
  }
  return "« " + NameText(X509_get_subject_name(cert)) + " » (SHA-256 " + hex + ")";
}

std::string TimeText(const ASN1_TIME* t) {
  struct tm tm {};
  char buf[32];
  if (ASN1_TIME_to_tm(t, &tm) != 1 || std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
    return "?";
  }
  return buf;
}

// X509_cmp_time is -1 when the certificate time is at or before `t`, 1 after,
// 0 when the time cannot be read.
bool ValidAt(X509* cert, time_t t, std::string* why) {
  int from = X509_cmp_time(X509_get0_notBefore(cert), &t);
  int until = X509_cmp_time(X509_get0_notAfter(cert), &t);
  if (from == 0 || until == 0) {
    *why = "certificat du signataire aux dates de validité illisibles";
  } else if (from > 0) {
    *why = "certificat du signataire pas encore valide à la réception (valide à partir du " +
           TimeText(X509_get0_notBefore(cert)) + ")";
  } else if (until < 0) {
    *why = "certificat du signataire expiré à la réception (valide jusqu'au " +
           TimeText(X509_get0_notAfter(cert)) + ")";
  } else {
    return true;
  }
  return false;
}

std::string Der(X509* cert) {
  int n = i2d_X509(cert, nullptr);
  if (n <= 0) return std::string();
  std::string der(static_cast<size_t>(n), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(der.data());
  return i2d_X509(cert, &p) == n ? der : std::string();
}

// Pinning compares the encoded certificates: same key, same names, same
// dates, same issuer signature.
bool IsPinned(X509* signer, const std::vector<X509Ptr>& registered) {
  std::string der = Der(signer);
  if (der.empty()) return false;
  for (const X509Ptr& r : registered) {
    if (Der(r.get()) == der) return true;
  }
  return false;
}

bool IsCa(X509* cert) { return (X509_get_extension_flags(cert) & EXFLAG_CA) != 0; }

// Verifies the chain with only the registered CAs as anchors (a partial
// chain ending at a registered intermediate is enough), at the reception
// instant, for the S/MIME signing purpose (key usage, extended key usage).
bool ChainsToRegisteredCa(X509* signer, STACK_OF(X509)* carried, const std::vector<X509Ptr>& registered,
                          time_t t, std::string* why) {
  X509StorePtr store(X509_STORE_new());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (store == nullptr || ctx == nullptr) {
    *why = "mémoire insuffisante pour vérifier la chaîne";
    return false;
  }
  size_t anchors = 0;
  for (const X509Ptr& r : registered) {
    if (IsCa(r.get()) && X509_STORE_add_cert(store.get(), r.get()) == 1) ++anchors;
  }
  const std::string not_registered = "certificat du signataire non enregistré : " + Describe(signer) +
                                     ", émis par « " + NameText(X509_get_issuer_name(signer)) + " »";
  if (anchors == 0 || X509_STORE_CTX_init(ctx.get(), store.get(), signer, carried) != 1) {
    *why = not_registered;
    return false;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, t);
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  X509_VERIFY_PARAM_set_depth(param, kMaxChainDepth);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SMIME_SIGN);
  if (X509_verify_cert(ctx.get()) == 1) return true;
  int err = X509_STORE_CTX_get_error(ctx.get());
  switch (err) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      *why = not_registered;
      break;
    default:
      *why = "chaîne du certificat " + Describe(signer) + " refusée : " +
             KeepPrintableAscii(X509_verify_cert_error_string(err));
  }
  return false;
}

// The rfc822Name entries of the subjectAltName, compared whole (an embedded
// NUL never matches) and without regard to case.
bool HasEmail(X509* cert, std::string_view address) {
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (names == nullptr || address.empty()) return false;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
    if (n->type != GEN_EMAIL) continue;
    const ASN1_IA5STRING* s = n->d.rfc822Name;
    std::string_view email(reinterpret_cast<const char*>(s->data), static_cast<size_t>(s->length));
    if (EqualsIgnoreCase(email, address)) return true;
  }
  return false;
}

// Certificates are not encrypted: a PEM asking for a password is refused
// rather than prompting on the terminal.
int NoPassword(char*, int, int, void*) { return 0; }

}  // namespace

std::vector<X509Ptr> ReadRegisteredCertificates(const SmimeTrust& trust) {
  std::vector<X509Ptr> out;
  for (const std::string& pem : trust.pem_certificates) {
    if (pem.size() > INT_MAX) continue;
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    while (bio != nullptr) {
      X509* cert = PEM_read_bio_X509(bio.get(), nullptr, &NoPassword, nullptr);
      if (cert == nullptr) break;
      out.emplace_back(cert);
    }
  }
  ERR_clear_error();  // the reading loop ends on "no start line"
  return out;
}

bool CheckSigner(X509* signer, STACK_OF(X509)* carried, const std::vector<X509Ptr>& registered,
                 std::string_view from_address, Instant at, std::string* detail) {
  const time_t t = static_cast<time_t>(std::chrono::floor<std::chrono::seconds>(at).time_since_epoch().count());
  if (!ValidAt(signer, t, detail)) return false;
  if (IsPinned(signer, registered)) {
    *detail = "certificat enregistré " + Describe(signer);
    return true;
  }
  if (!ChainsToRegisteredCa(signer, carried, registered, t, detail)) return false;
  if (!HasEmail(signer, from_address)) {
    *detail = "le certificat " + Describe(signer) + " n'est pas émis pour l'adresse de l'expéditeur « " +
              KeepPrintableAscii(from_address.substr(0, kMaxNameText)) + " »";
    return false;
  }
  *detail = "certificat " + Describe(signer) + " émis par « " + NameText(X509_get_issuer_name(signer)) +
            " », autorité enregistrée";
  return true;
}

}  // namespace flexmail
