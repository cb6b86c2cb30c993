// Owning pointers for the OpenSSL objects of the S/MIME check, so that every
// early return frees what was allocated.
#pragma once

#include <memory>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace flexmail {

template <auto Free>
struct OpensslFree {
  template <typename T>
  void operator()(T* p) const { Free(p); }
};

// A stack of certificates owns them too (CMS_get1_certs up-references each).
inline void FreeX509Stack(STACK_OF(X509)* s) { sk_X509_pop_free(s, X509_free); }

using BioPtr = std::unique_ptr<BIO, OpensslFree<&BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, OpensslFree<&X509_free>>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), OpensslFree<&FreeX509Stack>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OpensslFree<&X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpensslFree<&X509_STORE_CTX_free>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, OpensslFree<&CMS_ContentInfo_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpensslFree<&GENERAL_NAMES_free>>;

}  // namespace flexmail
