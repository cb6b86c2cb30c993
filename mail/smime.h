// The "smime" authentication method: a declaration counts only when it is
// S/MIME-signed by a certificate registered for its shipper.
//
// Accepted structures (RFC 8551), and nothing else:
//   - multipart/signed with protocol application/pkcs7-signature (or the old
//     application/x-pkcs7-signature): the first part, as sent, is the signed
//     entity; the second is the detached CMS signature (Thunderbird);
//   - application/pkcs7-mime (or x-pkcs7-mime) with smime-type=signed-data,
//     or without smime-type but named *.p7m: an opaque CMS holding the signed
//     entity (Outlook).
// The signed structure is either the message itself or the first child of a
// top-level multipart/mixed (gateways that add a footer wrap the message so).
// Nothing deeper is looked at, and never an attached message/rfc822.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mail/authentication.h"
#include "rules/time.h"

namespace flexmail {

// Bounds on what a message may make us decode and hash. A signature holds
// the signer's certificate and perhaps its chain: a few KiB. Signed content
// is bounded like a whole message (MailLimits::max_message_bytes), after
// line ends are made CRLF. An opaque signature holds both.
inline constexpr size_t kMaxSmimeSignatureBytes = 256 * 1024;
inline constexpr size_t kMaxSmimeContentBytes = 10 * 1024 * 1024;
inline constexpr size_t kMaxSmimeOpaqueBytes = kMaxSmimeContentBytes + kMaxSmimeSignatureBytes;
// Certificates carried inside one signature: bounds chain building.
inline constexpr size_t kMaxSmimeCertificates = 32;

// What a shipper registered: PEM text, each string holding one or more
// certificates. A certificate is trusted two ways: pinned (the signer's
// certificate is exactly this one) or, when it is a CA (basicConstraints
// CA:TRUE), as an issuer of signer certificates bearing the From address.
struct SmimeTrust {
  std::vector<std::string> pem_certificates;
};

// Checks that `raw_message` is S/MIME-signed by exactly one signer, that the
// signature holds over the signed entity (detached content is hashed with
// its line ends made CRLF, so a message stored with LF still verifies), and
// that the signer's certificate is pinned in `trust`, or issued by a CA of
// `trust` (no other trust anchor, never the system's) to an rfc822Name
// equal to `from_address` (any case). The certificate (and its chain) must
// be valid at `at`, the reception instant, not now: a mail judged again
// after its certificate expired keeps its verdict.
//
// kPass: `detail` names the certificate (subject, short SHA-256), and
// *signed_entity (when not null) receives the signed MIME entity, header and
// body: only attachments inside it are covered by the signature.
// kFail: `detail` says why, in French; *signed_entity is cleared.
// Never throws; any input is safe. method is "smime".
AuthVerdict VerifySmime(std::string_view raw_message, const SmimeTrust& trust,
                        std::string_view from_address, Instant at, std::string* signed_entity);

}  // namespace flexmail
