#include "mail/punycode.h"

#include <cstdint>
#include <vector>

namespace flexmail {
namespace {

constexpr uint32_t kBase = 36, kTMin = 1, kTMax = 26, kSkew = 38, kDamp = 700;
constexpr uint32_t kInitialBias = 72, kInitialN = 128;
constexpr size_t kMaxLabelBytes = 255;

char Digit(uint32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

uint32_t Adapt(uint32_t delta, uint32_t points, bool first) {
  delta = first ? delta / kDamp : delta / 2;
  delta += delta / points;
  uint32_t k = 0;
  while (delta > ((kBase - kTMin) * kTMax) / 2) {
    delta /= kBase - kTMin;
    k += kBase;
  }
  return k + (kBase - kTMin + 1) * delta / (delta + kSkew);
}

// Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool DecodeUtf8(std::string_view s, std::vector<uint32_t>* out) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    out->push_back(cp);
    i += n;
  }
  return true;
}

}  // namespace

bool LabelToAscii(std::string_view label, std::string* out) {
  if (label.size() > kMaxLabelBytes) return false;
  std::vector<uint32_t> cps;
  if (!DecodeUtf8(label, &cps)) return false;
  std::string enc;
  for (uint32_t cp : cps) {
    if (cp < 0x80) enc.push_back(static_cast<char>(cp));
  }
  const uint32_t basic = static_cast<uint32_t>(enc.size());
  if (basic == cps.size()) {
    *out = std::string(label);
    return true;
  }
  if (basic > 0) enc.push_back('-');
  // RFC 3492 §6.3; the label bound keeps every counter far below overflow.
  uint32_t n = kInitialN, delta = 0, bias = kInitialBias, handled = basic;
  while (handled < cps.size()) {
    uint32_t m = UINT32_MAX;
    for (uint32_t cp : cps) {
      if (cp >= n && cp < m) m = cp;
    }
    delta += (m - n) * (handled + 1);
    n = m;
    for (uint32_t cp : cps) {
      if (cp < n) ++delta;
      if (cp != n) continue;
      uint32_t q = delta;
      for (uint32_t k = kBase;; k += kBase) {
        uint32_t t = k <= bias ? kTMin : k >= bias + kTMax ? kTMax : k - bias;
        if (q < t) break;
        enc.push_back(Digit(t + (q - t) % (kBase - t)));
        q = (q - t) / (kBase - t);
      }
      enc.push_back(Digit(q));
      bias = Adapt(delta, handled + 1, handled == basic);
      delta = 0;
      ++handled;
    }
    ++delta;
    ++n;
  }
  *out = "xn--" + enc;
  return true;
}

}  // namespace flexmail
