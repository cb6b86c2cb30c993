#include "mail/certificate_file.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cctype>
#include <ctime>

#include "mail/openssl_ptr.h"

namespace flexmail {
namespace {

int NoPassword(char*, int, int, void*) { return 0; }

std::string SubjectLine(X509* cert) {
  BioPtr mem(BIO_new(BIO_s_mem()));
  if (!mem) return "";
  X509_NAME_print_ex(mem.get(), X509_get_subject_name(cert), 0,
                     XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long n = BIO_get_mem_data(mem.get(), &data);
  std::string out;
  for (long i = 0; i < n && out.size() < 200; ++i) {
    const unsigned char c = static_cast<unsigned char>(data[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  return out;
}

bool NotAfter(X509* cert, Instant* out) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return false;
  *out = Instant(std::chrono::seconds(timegm(&tm)));
  return true;
}

}  // namespace

Status ReadCertificateValidity(const std::string& path, std::vector<CertificateValidity>* out) {
  out->clear();
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    ERR_clear_error();
    return Status::NotFound("cannot read the certificate file " + path);
  }
  while (true) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, &NoPassword, nullptr));
    if (!cert) break;
    CertificateValidity v;
    v.subject = SubjectLine(cert.get());
    if (!NotAfter(cert.get(), &v.not_after))
      return Status::InvalidInput(path + ": a certificate's notAfter cannot be read");
    out->push_back(std::move(v));
  }
  ERR_clear_error();  // the reading loop ends on "no start line"
  if (out->empty()) return Status::InvalidInput(path + ": no PEM certificate in the file");
  return Status::Ok();
}

}  // namespace flexmail
