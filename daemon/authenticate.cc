#include "daemon/authenticate.h"

#include <fstream>
#include <set>
#include <sstream>

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

}  // namespace

Status Authenticator::Load(const Config& config, Authenticator* out) {
  out->config_ = &config;
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

AuthVerdict Authenticator::VerifyWith(AuthMode mode, std::string_view, const ParsedMessage&,
                                      const std::vector<const Shipper*>&, Instant,
                                      std::optional<std::string>*) const {
  AuthVerdict v;
  v.method = std::string(AuthModeName(mode));
  switch (mode) {
    case AuthMode::kNone:
      v.result = AuthResult::kNone;
      return v;
    case AuthMode::kDkim:
    case AuthMode::kAuthenticationResults:
    case AuthMode::kSmime:
      break;
  }
  v.result = AuthResult::kFail;
  v.detail = "method not available in this build";
  return v;
}

}  // namespace flexmail
