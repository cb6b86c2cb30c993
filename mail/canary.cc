#include "mail/canary.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <optional>

#include "mail/header.h"

namespace flexmail {
namespace {

constexpr std::size_t kMacBytes = 32;
using Mac = std::array<unsigned char, kMacBytes>;

Mac ComputeMac(const CanaryProbe& p, std::string_view secret) {
  const std::string input = "flexmail-canary-v1\n" + p.id + "\n" + std::to_string(p.sent_unix_ms);
  Mac mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac.data(), &len);
  return mac;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// The next ';'-separated part of *rest, trimmed; *rest keeps what follows.
std::string_view NextPart(std::string_view* rest) {
  const auto semi = rest->find(';');
  std::string_view part = rest->substr(0, semi);
  *rest = semi == std::string_view::npos ? std::string_view() : rest->substr(semi + 1);
  return TrimBlanks(part);
}

// "name = value" with optional blanks around '='; the value, or nullopt.
std::optional<std::string_view> Param(std::string_view part, std::string_view name) {
  if (part.substr(0, name.size()) != name) return std::nullopt;
  part = TrimBlanks(part.substr(name.size()));
  if (part.empty() || part.front() != '=') return std::nullopt;
  return TrimBlanks(part.substr(1));
}

bool ParseMillis(std::string_view s, std::int64_t* out) {
  if (s.empty() || s.size() > 15) return false;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool ParseMac(std::string_view s, Mac* out) {
  if (s.size() != 2 * kMacBytes) return false;
  for (std::size_t i = 0; i < kMacBytes; ++i) {
    const int hi = HexDigit(s[2 * i]), lo = HexDigit(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

}  // namespace

bool IsCanaryProbeId(std::string_view id) {
  if (id.size() < 8 || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-')) return false;
  }
  return true;
}

std::string MakeCanaryHeader(const CanaryProbe& probe, std::string_view secret) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : ComputeMac(probe, secret)) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return probe.id + "; t=" + std::to_string(probe.sent_unix_ms) + "; mac=" + hex;
}

bool VerifyCanaryHeader(std::string_view value, std::string_view secret, CanaryProbe* out) {
  if (value.size() > kMaxCanaryHeader || secret.empty()) return false;
  std::string_view rest = value;
  const std::string_view id = NextPart(&rest);
  const auto t = Param(NextPart(&rest), "t");
  const auto mac_text = Param(NextPart(&rest), "mac");
  CanaryProbe probe;
  Mac given{};
  if (!rest.empty() || !IsCanaryProbeId(id) || !t || !mac_text ||
      !ParseMillis(*t, &probe.sent_unix_ms) || !ParseMac(*mac_text, &given))
    return false;
  probe.id = std::string(id);
  const Mac expected = ComputeMac(probe, secret);
  if (CRYPTO_memcmp(expected.data(), given.data(), kMacBytes) != 0) return false;
  *out = std::move(probe);
  return true;
}

bool FindCanaryProbe(std::string_view raw, std::string_view secret, CanaryProbe* out) {
  if (secret.empty()) return false;
  Header header;
  size_t lines = 0, body = 0;
  ReadHeader(raw, 1000, &lines, &header, &body);
  if (header.Count(kCanaryHeaderName) != 1) return false;
  return VerifyCanaryHeader(header.Find(kCanaryHeaderName)->value, secret, out);
}

}  // namespace flexmail
