// Why CMS_verify checks only the signature (CMS_NO_SIGNER_CERT_VERIFY) and
// the certificate is judged after it, in smime_signer.cc: a store handed to
// CMS_verify would make every registered certificate a trust anchor (a
// pinned leaf could then issue), would check validity now rather than at
// reception unless told, and would say only "verify error" where the shipper
// needs to know whether the certificate is unknown, expired or issued to
// someone else.
#include "mail/smime.h"

#include <openssl/err.h>

#include "mail/openssl_ptr.h"
#include "mail/smime_mime.h"
#include "mail/smime_signer.h"

namespace flexmail {
namespace {

AuthVerdict Fail(std::string why) { return AuthVerdict{"smime", AuthResult::kFail, std::move(why)}; }

// Reads the CMS and checks it is what the structure announced: one signer,
// the content inside (opaque) or apart (detached), few certificates.
CmsPtr ReadCms(const SmimeParts& parts, std::string* why) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(parts.cms_der.data());
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(parts.cms_der.size())));
  if (cms == nullptr) {
    *why = "signature illisible (DER malformé)";
  } else if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
    *why = "la structure CMS n'est pas une signature (signedData attendu)";
  } else if (int n = sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms.get())); n != 1) {
    *why = "signature à " + std::to_string(n < 0 ? 0 : n) + " signataires, un seul attendu";
  } else if (CMS_is_detached(cms.get()) != (parts.detached ? 1 : 0)) {
    *why = parts.detached ? "multipart/signed dont la signature contient aussi un contenu"
                          : "application/pkcs7-mime sans contenu signé";
  } else {
    return cms;
  }
  return nullptr;
}

// The registered certificates, for CMS_verify to find a signer the
// signature does not carry (a pinned certificate, signed with -nocerts).
X509StackPtr AsStack(const std::vector<X509Ptr>& certs) {
  X509StackPtr stack(sk_X509_new_null());
  for (const X509Ptr& c : certs) {
    if (stack == nullptr || X509_up_ref(c.get()) != 1) break;
    if (sk_X509_push(stack.get(), c.get()) <= 0) X509_free(c.get());
  }
  return stack;
}

std::string VerifyFailure() {
  unsigned long e = ERR_peek_last_error();
  if (ERR_GET_LIB(e) == ERR_LIB_CMS && ERR_GET_REASON(e) == CMS_R_SIGNER_CERTIFICATE_NOT_FOUND) {
    return "certificat du signataire ni joint à la signature ni enregistré";
  }
  return "signature invalide : le contenu signé a été modifié, ou la signature est corrompue";
}

// Verifies the signature over the content; *entity receives the signed
// entity. CMS_BINARY: the content is hashed as given (already canonical),
// and an opaque content comes out untouched.
bool VerifySignature(CMS_ContentInfo* cms, const SmimeParts& parts, const std::vector<X509Ptr>& registered,
                     std::string* entity, std::string* why) {
  X509StackPtr extra = AsStack(registered);
  const unsigned int flags = CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY;
  if (parts.detached) {
    std::string canonical = CanonicalCrlf(parts.content);
    if (canonical.size() > kMaxSmimeContentBytes) {
      *why = "contenu signé de plus de " + std::to_string(kMaxSmimeContentBytes) + " octets";
      return false;
    }
    // Behind a buffer, not as a bare memory BIO: OpenSSL 3.0's CMS_verify
    // copies a memory BIO and leaks the copy when the signature names a
    // digest it does not know.
    BioPtr in(BIO_push(BIO_new(BIO_f_buffer()),
                       BIO_new_mem_buf(canonical.data(), static_cast<int>(canonical.size()))));
    if (in == nullptr || CMS_verify(cms, extra.get(), nullptr, in.get(), nullptr, flags) != 1) {
      *why = VerifyFailure();
      return false;
    }
    *entity = std::string(parts.content);
    return true;
  }
  BioPtr out(BIO_new(BIO_s_mem()));
  if (out == nullptr || CMS_verify(cms, extra.get(), nullptr, nullptr, out.get(), flags) != 1) {
    *why = VerifyFailure();
    return false;
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  size_t size = n > 0 ? static_cast<size_t>(n) : 0;
  if (size > kMaxSmimeContentBytes) {
    *why = "contenu signé de plus de " + std::to_string(kMaxSmimeContentBytes) + " octets";
    return false;
  }
  entity->assign(data, size);
  return true;
}

AuthVerdict Verify(std::string_view raw, const SmimeTrust& trust, std::string_view from_address, Instant at,
                   std::string* entity) {
  SmimeParts parts;
  std::string why;
  if (!FindSmimeParts(raw, &parts, &why)) return Fail(why);
  CmsPtr cms = ReadCms(parts, &why);
  if (cms == nullptr) return Fail(why);
  X509StackPtr carried(CMS_get1_certs(cms.get()));
  if (carried != nullptr && static_cast<size_t>(sk_X509_num(carried.get())) > kMaxSmimeCertificates) {
    return Fail("signature portant plus de " + std::to_string(kMaxSmimeCertificates) + " certificats");
  }
  std::vector<X509Ptr> registered = ReadRegisteredCertificates(trust);
  if (!VerifySignature(cms.get(), parts, registered, entity, &why)) return Fail(why);
  X509* signer = nullptr;  // set by CMS_verify, owned by cms
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms.get()), 0);
  CMS_SignerInfo_get0_algs(si, nullptr, &signer, nullptr, nullptr);
  if (signer == nullptr) return Fail("certificat du signataire introuvable");
  if (!CheckSigner(signer, carried.get(), registered, from_address, at, &why)) return Fail(why);
  return AuthVerdict{"smime", AuthResult::kPass, std::move(why)};
}

}  // namespace

AuthVerdict VerifySmime(std::string_view raw_message, const SmimeTrust& trust, std::string_view from_address,
                        Instant at, std::string* signed_entity) {
  std::string entity;
  AuthVerdict v = Verify(raw_message, trust, from_address, at, &entity);
  // OpenSSL's error queue is per thread: leave nothing of this message in it.
  ERR_clear_error();
  if (signed_entity != nullptr) {
    if (v.result == AuthResult::kPass) {
      *signed_entity = std::move(entity);
    } else {
      signed_entity->clear();
    }
  }
  return v;
}

}  // namespace flexmail
