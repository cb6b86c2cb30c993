// The certificates of a PEM file, reduced to what expiry warnings need:
// subject and notAfter. For `flexmail status`, which reads the OAuth2
// client certificate and the shippers' S/MIME certificates itself.
#pragma once

#include <string>
#include <vector>

#include "rules/status.h"
#include "rules/time.h"

namespace flexmail {

struct CertificateValidity {
  std::string subject;  // one line, "CN = edf.example, O = EDF", printable
  Instant not_after{};
};

// Every certificate in the PEM file at `path`, in file order. kNotFound
// when the file cannot be read, kInvalidInput when it holds no certificate
// or one whose notAfter cannot be read; both name the path.
Status ReadCertificateValidity(const std::string& path, std::vector<CertificateValidity>* out);

}  // namespace flexmail
