// Certificates flexmail depends on, checked for `flexmail status`: the IMAP
// and SMTP servers' (as the daemon last recorded them in the ledger), the
// OAuth2 client certificate and the shippers' S/MIME certificates (read
// from their files). One expiring within kCertificateWarningAhead is a
// warning; one expired is a problem (status unhealthy): from then on
// connections or signatures using it fail.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "config/config.h"
#include "db/ledger.h"
#include "mail/mailbox.h"

namespace flexmail {

inline constexpr std::chrono::hours kCertificateWarningAhead{14 * 24};

struct CheckedCertificate {
  // "imaps://host:993 server certificate", "oauth2.certificate_file",
  // "shipper EDF certificate edf.pem".
  std::string what;
  std::string subject;
  Instant not_after{};
};

struct CertificateWarning {
  CheckedCertificate certificate;
  int days_left = 0;  // whole days until notAfter, rounded down; negative once expired
  bool expired = false;
  // "shipper EDF certificate edf.pem (CN = edf.example) expires in 4 day(s),
  // on 2026-12-07T10:00:00.000+01:00" / "... expired on ...".
  std::string text;
};

// Those of `certs` that expire within kCertificateWarningAhead of `now` or
// have expired, in the given order. Pure.
std::vector<CertificateWarning> ExpiringCertificates(const std::vector<CheckedCertificate>& certs,
                                                     Instant now);

// The certificates to check: the ledger's server certificates of the
// configured [inbox] imap_url and [smtp] url endpoints (others are
// leftovers of an earlier configuration), then the certificate files.
// A file that cannot be read is not a certificate: its message goes to
// *unreadable.
Status CertificatesToCheck(const Config& config, Ledger* ledger,
                           std::vector<CheckedCertificate>* out,
                           std::vector<std::string>* unreadable);

// Records the certificates `mailbox` and `sender` (either may be null)
// saw on their last connections, dated `now`.
Status RecordServerCertificates(Ledger* ledger, const Mailbox* mailbox, const MailSender* sender,
                                Instant now);

}  // namespace flexmail
