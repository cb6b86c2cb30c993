#include "mail/rfc2047.h"

#include <algorithm>
#include <optional>

#include "mail/charset.h"

namespace flexmail {
namespace {

// A parsed encoded word: [begin, end) in the input and its raw bytes.
struct EncodedWord {
  size_t begin = 0;
  size_t end = 0;
  std::string charset;
  std::string bytes;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Strict base64 for encoded words: padding only at the end, may be missing.
std::optional<std::string> DecodeB(std::string_view t) {
  while (!t.empty() && t.back() == '=') t.remove_suffix(1);
  if (t.size() % 4 == 1) return std::nullopt;  // cannot end a base64 text
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : t) {
    int v = Base64Value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::optional<std::string> DecodeQ(std::string_view t) {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '_') {
      out.push_back(' ');
    } else if (t[i] == '=') {
      if (i + 2 >= t.size()) return std::nullopt;
      int hi = HexValue(t[i + 1]), lo = HexValue(t[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(t[i]);
    }
  }
  return out;
}

// Parses the encoded word starting at text[pos] ("=?"). Charset and encoded
// text hold no '?', space or control character (RFC 2047 §2, §5).
bool ParseWord(std::string_view text, size_t pos, EncodedWord* w) {
  auto is_word_char = [](char c) {
    return c != '?' && static_cast<unsigned char>(c) > 0x20 && c != 0x7F;
  };
  size_t i = pos + 2;
  size_t cs = i;
  while (i < text.size() && is_word_char(text[i]) && i - cs <= 64) ++i;
  if (i == cs || i + 2 >= text.size() || text[i] != '?' || text[i + 2] != '?') return false;
  char enc = text[i + 1];
  size_t ts = i + 3, te = ts;
  while (te < text.size() && is_word_char(text[te])) ++te;
  if (te + 1 >= text.size() || text[te] != '?' || text[te + 1] != '=') return false;
  std::string_view encoded = text.substr(ts, te - ts);
  std::optional<std::string> bytes;
  if (enc == 'B' || enc == 'b') bytes = DecodeB(encoded);
  if (enc == 'Q' || enc == 'q') bytes = DecodeQ(encoded);
  if (!bytes) return false;
  w->begin = pos;
  w->end = te + 2;
  w->charset = std::string(text.substr(cs, i - cs));
  w->bytes = std::move(*bytes);
  return true;
}

bool IsAllWhitespace(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

bool SameCharset(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  }
  return true;
}

// Accumulates the bytes of adjacent words of one charset until flushed.
class Decoder {
 public:
  explicit Decoder(bool* unknown) : unknown_(unknown) {}
  void Literal(std::string_view s) {
    Flush();
    out_ += SanitizeUtf8(s);
  }
  void Word(const EncodedWord& w) {
    if (!pending_charset_.empty() && !SameCharset(pending_charset_, w.charset)) Flush();
    pending_charset_ = w.charset;
    pending_ += w.bytes;
  }
  std::string Finish() {
    Flush();
    return std::move(out_);
  }

 private:
  void Flush() {
    if (pending_charset_.empty()) return;
    std::string converted;
    if (!ConvertToUtf8(pending_, pending_charset_, &converted) && unknown_) *unknown_ = true;
    out_ += converted;
    pending_.clear();
    pending_charset_.clear();
  }
  bool* unknown_;
  std::string out_, pending_, pending_charset_;
};

}  // namespace

std::string DecodeRfc2047(std::string_view text, bool* unknown_charset) {
  Decoder d(unknown_charset);
  size_t i = 0;
  bool after_word = false;  // text[i] directly follows a decoded word
  while (i < text.size()) {
    size_t p = text.find("=?", i);
    EncodedWord w;
    if (p == std::string_view::npos) {
      d.Literal(text.substr(i));
      break;
    }
    if (!ParseWord(text, p, &w)) {
      d.Literal(text.substr(i, p + 2 - i));
      i = p + 2;
      after_word = false;
      continue;
    }
    std::string_view gap = text.substr(i, p - i);
    if (!(after_word && IsAllWhitespace(gap))) d.Literal(gap);
    d.Word(w);
    i = w.end;
    after_word = true;
  }
  return d.Finish();
}

bool IsPlainHeaderText(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return text.find("=?") == std::string_view::npos;
}

std::string EncodeRfc2047(std::string_view text, size_t first_line_used) {
  static constexpr std::string_view kOpen = "=?utf-8?Q?", kClose = "?=";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string utf8 = SanitizeUtf8(text);
  std::string out, word;
  // Budget of encoded text in the current word: 75 per word, 78 per line.
  auto budget = [&](bool first) {
    size_t line = first && first_line_used < 60 ? 78 - first_line_used : 77;
    return std::min<size_t>(75, line) - kOpen.size() - kClose.size();
  };
  bool first = true;
  for (size_t i = 0; i < utf8.size();) {
    size_t len = std::max<size_t>(1, Utf8SequenceLength(utf8, i));
    std::string piece;
    for (size_t k = i; k < i + len; ++k) {
      unsigned char c = static_cast<unsigned char>(utf8[k]);
      bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
      if (c == ' ') piece += '_';
      else if (safe) piece += static_cast<char>(c);
      else piece += {'=', kHex[c >> 4], kHex[c & 15]};
    }
    if (!word.empty() && word.size() + piece.size() > budget(first)) {
      out += std::string(kOpen) + word + std::string(kClose) + "\r\n ";
      word.clear();
      first = false;
    }
    word += piece;
    i += len;
  }
  out += std::string(kOpen) + word + std::string(kClose);
  return out;
}

}  // namespace flexmail
