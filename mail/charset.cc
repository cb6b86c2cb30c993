#include "mail/charset.h"

#include <iconv.h>

#include <cerrno>

#include "mail/header.h"

namespace flexmail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD


// The label reduced to what iconv may see. Only the characters of IANA
// charset names pass: anything else (notably '/', which would let a sender
// append iconv's "//IGNORE" or "//TRANSLIT" flags) makes the label unknown.
bool NormalizeLabel(std::string_view label, std::string* out) {
  size_t star = label.find('*');  // RFC 2231 language suffix: "utf-8*fr"
  if (star != std::string_view::npos) label = label.substr(0, star);
  while (!label.empty() && (label.front() == ' ' || label.front() == '"')) label.remove_prefix(1);
  while (!label.empty() && (label.back() == ' ' || label.back() == '"')) label.remove_suffix(1);
  if (label.size() > 40) return false;
  out->clear();
  for (char c : label) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':' || c == '+' || c == '(' || c == ')';
    if (!ok) return false;
    out->push_back(AsciiLower(c));
  }
  return true;
}

bool IsUtf8Label(const std::string& l) {
  return l.empty() || l == "utf-8" || l == "utf8" || l == "us-ascii" || l == "ascii" ||
         l == "ansi_x3.4-1968" || l == "646";
}

bool IsLatin1Label(const std::string& l) {
  return l == "iso-8859-1" || l == "iso8859-1" || l == "iso_8859-1" || l == "latin1" ||
         l == "latin-1" || l == "l1" || l == "cp819" || l == "ibm819" || l == "iso-ir-100";
}

// Runs an open descriptor over `in`. Each undecodable byte becomes U+FFFD
// and decoding resumes after it, so the loop always makes progress.
void RunIconv(iconv_t cd, std::string_view in, std::string* out) {
  char buf[4096];
  char* inp = const_cast<char*>(in.data());
  size_t inleft = in.size();
  while (inleft > 0) {
    char* outp = buf;
    size_t outleft = sizeof buf;
    size_t r = iconv(cd, &inp, &inleft, &outp, &outleft);
    out->append(buf, static_cast<size_t>(outp - buf));
    if (r != static_cast<size_t>(-1) || errno == E2BIG) continue;
    out->append(kReplacement);  // EILSEQ or EINVAL (truncated at the end)
    ++inp;
    --inleft;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  char* outp = buf;  // stateful charsets (ISO-2022-JP) may owe a reset sequence
  size_t outleft = sizeof buf;
  iconv(cd, nullptr, nullptr, &outp, &outleft);
  out->append(buf, static_cast<size_t>(outp - buf));
}

}  // namespace

bool ConvertToUtf8(std::string_view bytes, std::string_view charset, std::string* out) {
  std::string label;
  if (!NormalizeLabel(charset, &label)) {
    *out = Latin1ToUtf8(bytes);
    return false;
  }
  if (IsUtf8Label(label)) {
    *out = SanitizeUtf8(bytes);
    return true;
  }
  if (IsLatin1Label(label)) label = "windows-1252";
  iconv_t cd = iconv_open("UTF-8", label.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    *out = Latin1ToUtf8(bytes);
    return false;
  }
  std::string converted;
  RunIconv(cd, bytes, &converted);
  iconv_close(cd);
  *out = SanitizeUtf8(converted);  // the promise holds even if a gconv module misbehaves
  return true;
}

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte (Unicode table 3-7)
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
  }
  return len;
}

std::string SanitizeUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    size_t len = Utf8SequenceLength(bytes, i);
    if (len == 0) {
      out.append(kReplacement);
      ++i;
    } else {
      out.append(bytes.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string Latin1ToUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) AppendUtf8(static_cast<unsigned char>(c), &out);
  return out;
}

std::string ReplaceControls(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (char c : utf8) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\t' || c == '\r' || c == '\n') {
      out.push_back(' ');
    } else if (u < 0x20 || u == 0x7F) {
      out.append(kReplacement);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

size_t Utf8Prefix(std::string_view utf8, size_t max_bytes) {
  if (utf8.size() <= max_bytes) return utf8.size();
  size_t n = max_bytes;
  // Back over continuation bytes (10xxxxxx) to the start of the character
  // that does not fit.
  while (n > 0 && (static_cast<unsigned char>(utf8[n]) & 0xC0) == 0x80) --n;
  return n;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace flexmail
