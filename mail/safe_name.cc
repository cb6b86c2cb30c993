#include "mail/safe_name.h"

#include "mail/charset.h"

namespace flexmail {
namespace {

constexpr std::string_view kFallback = "piece-jointe";

// Code points that reorder or hide text when shown: LRM/RLM, the embedding
// and override controls, the isolates, and the BOM.
bool IsInvisibleFormat(char32_t cp) {
  return cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

char32_t DecodeAt(std::string_view s, size_t i, size_t len) {
  auto b = [&](size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k])); };
  if (len == 1) return b(0);
  if (len == 2) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (len == 3) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

// Everything after the last '/' or '\', and after a drive letter "C:".
std::string_view BaseName(std::string_view s) {
  size_t sep = s.find_last_of("/\\");
  if (sep != std::string_view::npos) s.remove_prefix(sep + 1);
  if (s.size() >= 2 && s[1] == ':' && ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z')) s.remove_prefix(2);
  return s;
}

// Replaces what must not be shown or stored by '_', code point by code point.
std::string ReplaceUnsafe(std::string_view utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    size_t len = Utf8SequenceLength(utf8, i);  // input is valid UTF-8
    char32_t cp = DecodeAt(utf8, i, len);
    bool bad = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || IsInvisibleFormat(cp) ||
               std::u32string_view(U"<>:\"|?*").find(cp) != std::u32string_view::npos;
    if (bad) out.push_back('_');
    else out.append(utf8.substr(i, len));
    i += len;
  }
  return out;
}

std::string_view TrimEnds(std::string_view s) {
  while (!s.empty() && (s.front() == '.' || s.front() == ' ')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

// The longest prefix of `s` of at most `max` bytes ending on a character.
std::string_view CutUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace

std::string SafeFileName(std::string_view sender_name) {
  std::string valid = SanitizeUtf8(sender_name);
  std::string cleaned = ReplaceUnsafe(BaseName(valid));
  std::string_view name = TrimEnds(cleaned);
  if (name.size() > kMaxSafeFileNameBytes) {
    size_t dot = name.rfind('.');
    std::string_view ext = (dot != std::string_view::npos && name.size() - dot <= 16) ? name.substr(dot) : "";
    std::string cut(CutUtf8(name, kMaxSafeFileNameBytes - ext.size()));
    return cut + std::string(ext);
  }
  if (name.empty()) return std::string(kFallback);
  return std::string(name);
}

}  // namespace flexmail
