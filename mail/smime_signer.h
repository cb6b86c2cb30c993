// Whether the certificate that made a valid S/MIME signature is one a
// shipper registered (see smime.h): pinned, or issued by a registered CA to
// the From address; valid at the reception instant either way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mail/openssl_ptr.h"
#include "mail/smime.h"

namespace flexmail {

// Every certificate of the PEM texts of `trust`, in order; text that is not
// a certificate is skipped (the configuration is checked where it is read).
std::vector<X509Ptr> ReadRegisteredCertificates(const SmimeTrust& trust);

// Checks `signer` against `registered`. `carried` (may be null) holds the
// certificates the signature brought, candidates for the chain only.
// True with *detail naming the certificate; false with *detail saying why.
bool CheckSigner(X509* signer, STACK_OF(X509)* carried, const std::vector<X509Ptr>& registered,
                 std::string_view from_address, Instant at, std::string* detail);

}  // namespace flexmail
