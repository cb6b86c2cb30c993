#include "mail/transfer_encoding.h"

#include <mimetic/codec/base64.h>

#include <iterator>

#include "mail/header.h"

namespace flexmail {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// Appends one quoted-printable line (no line break), dropping trailing
// blanks and resolving a trailing soft break; returns true if it had one.
bool DecodeQpLine(std::string_view line, std::string* out) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  bool soft = !line.empty() && line.back() == '=';
  if (soft) line.remove_suffix(1);
  for (size_t i = 0; i < line.size(); ++i) {
    int hi = (line[i] == '=' && i + 2 < line.size()) ? HexValue(line[i + 1]) : -1;
    int lo = (hi >= 0) ? HexValue(line[i + 2]) : -1;
    if (lo >= 0) {
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(line[i]);
    }
  }
  return soft;
}

// Escapes one byte into a QP line.
void AppendQpEscape(unsigned char c, std::string* line) {
  line->push_back('=');
  line->push_back(kHex[c >> 4]);
  line->push_back(kHex[c & 15]);
}

// Encodes one text line (no line break) as QP lines ended by CRLF. A '.'
// or "From " at the start of a physical line is escaped too.
void EncodeQpLine(std::string_view text, std::string* out) {
  std::string line;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool last = i + 1 == text.size();
    bool escape = c == '=' || c > 0x7E || (c < 0x20 && c != '\t') ||
                  ((c == ' ' || c == '\t') && last);
    size_t width = escape ? 3 : 1;
    if (line.size() + width > 75) {  // keeps room for the '=' of a soft break
      *out += line + "=\r\n";
      line.clear();
    }
    if (line.empty() && (c == '.' || text.substr(i, 5) == "From ")) escape = true;
    if (escape) AppendQpEscape(c, &line);
    else line.push_back(static_cast<char>(c));
  }
  *out += line + "\r\n";
}

}  // namespace

TransferEncoding ParseTransferEncoding(std::string_view value) {
  std::string v;
  for (char c : value) {
    if (c != ' ' && c != '\t') v.push_back(c);
  }
  if (v.empty() || EqualsIgnoreCase(v, "7bit") || EqualsIgnoreCase(v, "8bit") ||
      EqualsIgnoreCase(v, "binary")) {
    return TransferEncoding::kIdentity;
  }
  if (EqualsIgnoreCase(v, "base64")) return TransferEncoding::kBase64;
  if (EqualsIgnoreCase(v, "quoted-printable")) return TransferEncoding::kQuotedPrintable;
  return TransferEncoding::kUnknown;
}

std::string DecodeBase64(std::string_view text, bool* truncated) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  mimetic::Base64::Decoder decoder;
  decoder.process(text.begin(), text.end(), std::back_inserter(out));
  if (truncated != nullptr) {
    size_t significant = 0;
    for (char c : text) significant += (IsBase64Char(c) || c == '=') ? 1 : 0;
    *truncated = significant % 4 != 0;
  }
  return out;
}

std::string DecodeQuotedPrintable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    size_t content_end = (end > pos && text[end - 1] == '\r') ? end - 1 : end;
    bool soft = DecodeQpLine(text.substr(pos, content_end - pos), &out);
    if (!soft && nl != std::string_view::npos) out.append(text.substr(content_end, end + 1 - content_end));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  return out;
}

std::string EncodeBase64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t col = 0;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? kAlphabet[v & 63] : '=');
    if ((col += 4) == 76) {
      out += "\r\n";
      col = 0;
    }
  }
  if (col > 0) out += "\r\n";
  return out;
}

std::string EncodeQuotedPrintable(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    size_t content_end = (end > pos && text[end - 1] == '\r') ? end - 1 : end;
    EncodeQpLine(text.substr(pos, content_end - pos), &out);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  return out;
}

}  // namespace flexmail
