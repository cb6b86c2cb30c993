#include "mail/jwt.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace flexmail {

namespace {

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// PS256's parameters (RFC 7518 section 3.5): the salt is as long as the hash.
bool UsePss(EVP_PKEY_CTX* pctx) {
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) > 0;
}

// The signature of `input` per the key's algorithm, or "" on failure.
std::string Sign(const AssertionKey& key, const std::string& input) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key.key.get()) <= 0) {
    return "";
  }
  if (key.algorithm == "PS256" && !UsePss(pctx)) return "";
  std::size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()) <= 0) return "";
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data,
                     input.size()) <= 0) {
    return "";
  }
  sig.resize(len);
  return sig;
}

// Claims and header may quote configuration text; invalid UTF-8 there must
// not turn into an exception, so it is replaced.
std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kBase64Url[(v >> shift) & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
  if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
  out += kBase64Url[(v >> 18) & 63];
  out += kBase64Url[(v >> 12) & 63];
  if (rest == 2) out += kBase64Url[(v >> 6) & 63];
  return out;
}

bool Base64UrlDecode(std::string_view text, std::string* bytes) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return false;  // no byte count encodes to this
  bytes->clear();
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = Base64UrlValue(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *bytes += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return true;
}

std::string RandomUuid() {
  unsigned char b[16] = {};
  if (RAND_bytes(b, sizeof b) != 1) return "";
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return text;
}

std::string MakeClientAssertion(const AssertionKey& key, const std::string& client_id,
                                const std::string& audience, std::int64_t now_unix,
                                const std::string& jti) {
  // Each assertion must be new: services remember jti values to refuse replays.
  const std::string id = jti.empty() ? RandomUuid() : jti;
  if (id.empty() || !key.key) return "";
  nlohmann::ordered_json header = {
      {"alg", key.algorithm}, {"typ", "JWT"}, {"x5t", key.x5t}, {"x5t#S256", key.x5t_s256}};
  nlohmann::ordered_json claims = {{"iss", client_id},
                                   {"sub", client_id},
                                   {"aud", audience},
                                   {"jti", id},
                                   {"iat", now_unix},
                                   {"nbf", now_unix},
                                   {"exp", now_unix + kAssertionLifetimeSeconds}};
  const std::string input = Base64UrlEncode(Dump(header)) + "." + Base64UrlEncode(Dump(claims));
  const std::string signature = Sign(key, input);
  if (signature.empty()) return "";
  return input + "." + Base64UrlEncode(signature);
}

bool ReadJwtExpiry(const std::string& token, std::int64_t* exp_unix) {
  const std::size_t first = token.find('.');
  const std::size_t second = first == std::string::npos ? first : token.find('.', first + 1);
  if (first == 0 || second == std::string::npos || second == first + 1 ||
      token.find('.', second + 1) != std::string::npos) {
    return false;
  }
  std::string header, payload, signature;
  if (!Base64UrlDecode(std::string_view(token).substr(0, first), &header) ||
      !Base64UrlDecode(std::string_view(token).substr(first + 1, second - first - 1), &payload) ||
      !Base64UrlDecode(std::string_view(token).substr(second + 1), &signature)) {
    return false;
  }
  const auto claims = nlohmann::json::parse(payload, nullptr, false);
  if (!claims.is_object()) return false;
  auto exp = claims.find("exp");
  if (exp == claims.end() || !exp->is_number()) return false;
  const double value = exp->get<double>();
  // Beyond what int64 holds is not a date anyone means.
  if (!(value > -1e15 && value < 1e15)) return false;
  *exp_unix = static_cast<std::int64_t>(value);
  return true;
}

}  // namespace flexmail
