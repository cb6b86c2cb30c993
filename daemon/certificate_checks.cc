#include "daemon/certificate_checks.h"

#include "mail/certificate_file.h"
#include "mail/curl_util.h"
#include "mail/mailbox.h"

namespace flexmail {
namespace {

std::string Basename(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "imaps://host:993" for a configured URL; "" when none or unusable.
std::string Endpoint(const std::string& url) {
  ServerUrl parts;
  if (url.empty() || !ParseServerUrl(url, &parts).empty()) return "";
  return parts.scheme + "://" + parts.authority;
}

void AddFile(const std::string& path, const std::string& what,
             std::vector<CheckedCertificate>* out, std::vector<std::string>* unreadable) {
  std::vector<CertificateValidity> certs;
  Status s = ReadCertificateValidity(path, &certs);
  if (!s.ok()) {
    unreadable->push_back(what + ": " + s.message());
    return;
  }
  for (const auto& c : certs) out->push_back({what, c.subject, c.not_after});
}

Status AddServers(const Config& config, Ledger* ledger, std::vector<CheckedCertificate>* out) {
  std::vector<ServerCertificateRecord> seen;
  Status s = ledger->ServerCertificates(&seen);
  const std::string imap = Endpoint(config.inbox.imap_url), smtp = Endpoint(config.smtp.url);
  for (const auto& c : seen) {
    if (c.endpoint != imap && c.endpoint != smtp) continue;
    out->push_back({c.endpoint + " server certificate", c.subject, c.not_after});
  }
  return s;
}

Status Record(Ledger* ledger, const std::optional<ServerCertificate>& c, Instant now) {
  if (!c) return Status::Ok();
  return ledger->RecordServerCertificate({c->endpoint, c->subject, c->not_after, now});
}

}  // namespace

std::vector<CertificateWarning> ExpiringCertificates(const std::vector<CheckedCertificate>& certs,
                                                     Instant now) {
  std::vector<CertificateWarning> out;
  for (const auto& c : certs) {
    if (c.not_after - now > kCertificateWarningAhead) continue;
    CertificateWarning w;
    w.certificate = c;
    w.expired = c.not_after <= now;
    w.days_left = static_cast<int>(
        std::chrono::floor<std::chrono::days>(c.not_after - now).count());
    const std::string name = c.what + (c.subject.empty() ? "" : " (" + c.subject + ")");
    w.text = w.expired ? name + " expired on " + FormatLocalIso(c.not_after)
                       : name + " expires in " + std::to_string(w.days_left) + " day(s), on " +
                             FormatLocalIso(c.not_after);
    out.push_back(std::move(w));
  }
  return out;
}

Status CertificatesToCheck(const Config& config, Ledger* ledger,
                           std::vector<CheckedCertificate>* out,
                           std::vector<std::string>* unreadable) {
  Status s = AddServers(config, ledger, out);
  if (!config.oauth2.certificate_file.empty())
    AddFile(config.oauth2.certificate_file, "oauth2.certificate_file", out, unreadable);
  for (const auto& shipper : config.referential.shippers()) {
    for (const auto& file : shipper.certificates) {
      AddFile(file, "shipper " + shipper.name + " certificate " + Basename(file), out,
              unreadable);
    }
  }
  return s;
}

Status RecordServerCertificates(Ledger* ledger, const Mailbox* mailbox, const MailSender* sender,
                                Instant now) {
  Status s = mailbox ? Record(ledger, mailbox->last_server_certificate(), now) : Status::Ok();
  if (s.ok() && sender) s = Record(ledger, sender->last_server_certificate(), now);
  return s;
}

}  // namespace flexmail
