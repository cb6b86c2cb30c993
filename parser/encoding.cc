#include "parser/encoding.h"

#include <cstdint>
#include <cstring>

namespace flexmail::parser {
namespace {

// Windows-1252 0x80..0x9F; 0 marks the five undefined bytes.
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80-87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 88-8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90-97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 98-9F
};

constexpr char16_t kReplacement = 0xFFFD;

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed sequence starting at s[i], or 0 when it is not
// one. Follows the table of well-formed byte sequences of Unicode §3.9.
size_t SequenceLength(const unsigned char* s, size_t n, size_t i) {
  unsigned char c = s[i];
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (n - i < len) return 0;
  if (s[i + 1] < lo || s[i + 1] > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (!IsContinuation(s[i + k])) return 0;
  }
  return len;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // Files are almost all ASCII: skip eight bytes at a time while no byte
    // has its high bit set.
    while (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    size_t len = SequenceLength(p, n, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

char32_t DecodeUtf8At(std::string_view s, size_t i, size_t* len) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  if (p[i] < 0x80) {
    *len = 1;
    return p[i];
  }
  *len = SequenceLength(p, s.size(), i);
  if (*len == 0) return 0;
  char32_t cp = p[i] & (0x7F >> *len);
  for (size_t k = 1; k < *len; ++k) cp = (cp << 6) | (p[i + k] & 0x3F);
  return cp;
}

std::string Windows1252ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 4 + 1);
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else if (c < 0xA0) {
      char16_t cp = kCp1252High[c - 0x80];
      AppendUtf8(cp ? cp : kReplacement, &out);
    } else {
      AppendUtf8(c, &out);  // 0xA0..0xFF are U+00A0..U+00FF
    }
  }
  return out;
}

std::string_view StripUtf8Bom(std::string_view s) {
  if (s.size() >= 3 && std::memcmp(s.data(), "\xEF\xBB\xBF", 3) == 0) s.remove_prefix(3);
  return s;
}

bool HasUtf16Bom(std::string_view s) {
  return s.size() >= 2 && ((s[0] == '\xFF' && s[1] == '\xFE') ||
                           (s[0] == '\xFE' && s[1] == '\xFF'));
}

std::string_view DecodeTextView(std::string_view bytes, std::string* storage,
                                SourceEncoding* encoding) {
  std::string_view body = StripUtf8Bom(bytes);
  if (IsValidUtf8(body)) {
    if (encoding) *encoding = SourceEncoding::kUtf8;
    if (body.empty() || body.back() == '\n') return body;
    storage->reserve(body.size() + 1);
    storage->assign(body);
  } else {
    if (encoding) *encoding = SourceEncoding::kWindows1252;
    *storage = Windows1252ToUtf8(body);
  }
  if (!storage->empty() && storage->back() != '\n') storage->push_back('\n');
  return *storage;
}

std::string DecodeText(std::string_view bytes, SourceEncoding* encoding) {
  std::string storage;
  std::string_view text = DecodeTextView(bytes, &storage, encoding);
  if (text.data() == storage.data()) return storage;
  return std::string(text);
}

}  // namespace flexmail::parser
