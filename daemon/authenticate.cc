#include "daemon/authenticate.h"

#include <fstream>
#include <set>
#include <sstream>

#include "mail/auth_results.h"
#include "mail/dkim.h"
#include "mail/smime.h"

namespace flexmail {
namespace {

// A certificate file is small; anything larger is not one.
constexpr std::streamoff kMaxCertificateBytes = 1 << 20;

Status ReadPem(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::InvalidInput(path + ": cannot read the certificate file");
  std::ostringstream buf;
  buf << f.rdbuf();
  if (buf.tellp() > kMaxCertificateBytes)
    return Status::InvalidInput(path + ": larger than 1 MiB, not a certificate file");
  *out = buf.str();
  if (out->find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    return Status::InvalidInput(path + ": no PEM certificate (-----BEGIN CERTIFICATE-----)");
  return Status::Ok();
}

bool AnyShipperUses(const Config& config, AuthMode mode) {
  if (config.authentication.configured && config.authentication.mode == mode) return true;
  for (const Shipper& sh : config.referential.shippers()) {
    if (ModeFor(config, sh) == mode) return true;
  }
  return false;
}

}  // namespace

Status Authenticator::Load(const Config& config, Authenticator* out) {
  out->config_ = &config;
  if (AnyShipperUses(config, AuthMode::kDkim)) {
    std::string error;
    out->psl_ = PublicSuffixList::Load(std::string(kDebianPublicSuffixList), &error);
    if (!out->psl_) return Status::InvalidInput("dkim: the Public Suffix List: " + error);
  }
  for (const Shipper& sh : config.referential.shippers()) {
    for (const std::string& path : sh.certificates) {
      std::string pem;
      Status s = ReadPem(path, &pem);
      if (!s.ok()) return Status::InvalidInput("shipper " + sh.name + ": " + s.message());
      out->certificates_[sh.name].push_back(std::move(pem));
    }
  }
  return Status::Ok();
}

Authentication Authenticator::Verify(std::string_view raw, const ParsedMessage& m,
                                     Instant received_at) const {
  Authentication out;
  std::vector<const Shipper*> shippers = config_->referential.ShippersOf(m.from_address);
  if (!shippers.empty()) out.shipper = shippers.front()->name;
  std::set<AuthMode> modes;
  for (const Shipper* sh : shippers) modes.insert(ModeFor(*config_, *sh));
  if (modes.empty()) modes.insert(config_->authentication.mode);
  // Every method must pass; the first that does not decides the verdict.
  for (AuthMode mode : modes) {
    out.verdict = VerifyWith(mode, raw, m, shippers, received_at, &out.signed_entity);
    if (out.verdict.result != AuthResult::kPass && out.verdict.result != AuthResult::kNone)
      return out;
  }
  return out;
}

AuthVerdict Authenticator::VerifyWith(AuthMode mode, std::string_view raw,
                                      const ParsedMessage& m,
                                      const std::vector<const Shipper*>& shippers,
                                      Instant received_at,
                                      std::optional<std::string>* signed_entity) const {
  const AuthenticationSettings& a = config_->authentication;
  switch (mode) {
    case AuthMode::kDkim:
      return VerifyDkim(raw, m.from_address, DkimKeySource{a.dkim_keys_file, a.dkim_nameservers},
                        *psl_);
    case AuthMode::kAuthenticationResults:
      return CheckAuthenticationResults(raw, a.authserv_id, m.from_address);
    case AuthMode::kSmime: {
      // The certificates of every shipper of the address that signs.
      SmimeTrust trust;
      for (const Shipper* sh : shippers) {
        if (ModeFor(*config_, *sh) != AuthMode::kSmime) continue;
        auto it = certificates_.find(sh->name);
        if (it == certificates_.end()) continue;
        trust.pem_certificates.insert(trust.pem_certificates.end(), it->second.begin(),
                                      it->second.end());
      }
      std::string entity;
      AuthVerdict v = VerifySmime(raw, trust, m.from_address, received_at, &entity);
      if (v.result == AuthResult::kPass) *signed_entity = std::move(entity);
      return v;
    }
    case AuthMode::kNone:
      break;
  }
  return AuthVerdict{"none", AuthResult::kNone, ""};
}

}  // namespace flexmail
