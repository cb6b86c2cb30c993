#include "mail/header_format.h"

#include <algorithm>
#include <vector>

#include "mail/charset.h"
#include "mail/rfc2047.h"

namespace flexmail {
namespace {

constexpr size_t kMaxLine = 78;
constexpr char kHex[] = "0123456789ABCDEF";

// Characters of the current (last) line of a field being built.
size_t CurrentLineLength(const std::string& field) {
  size_t nl = field.rfind('\n');
  return nl == std::string::npos ? field.size() : field.size() - nl - 1;
}

// RFC 2231 attribute-char: what may stay unescaped in an extended value.
bool IsAttrChar(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// The value as percent-encoded pieces, one per byte, so that continuations
// never split an escape.
std::vector<std::string> PercentPieces(std::string_view bytes) {
  std::vector<std::string> pieces;
  for (char ch : bytes) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (IsAttrChar(c)) pieces.emplace_back(1, ch);
    else pieces.push_back({'%', kHex[c >> 4], kHex[c & 15]});
  }
  return pieces;
}

std::vector<std::string> QuotedPieces(std::string_view ascii) {
  std::vector<std::string> pieces;
  for (char c : ascii) {
    if (c == '"' || c == '\\') pieces.push_back({'\\', c});
    else pieces.emplace_back(1, c);
  }
  return pieces;
}

// Appends `piece` after "; " on the current line, or on a new folded line.
void AppendFolded(std::string* field, const std::string& piece) {
  if (CurrentLineLength(*field) + 2 + piece.size() <= kMaxLine) {
    *field += "; " + piece;
  } else {
    *field += ";\r\n " + piece;
  }
}

// name*0*=utf-8''..., name*1*=... (or name*0="..." when quoted), each
// segment sized to fit a folded line of its own.
void AppendContinuations(std::string* field, std::string_view name, bool encoded,
                         const std::vector<std::string>& pieces) {
  size_t i = 0;
  for (int n = 0; i < pieces.size(); ++n) {
    std::string head = std::string(name) + "*" + std::to_string(n) + (encoded ? "*=" : "=\"");
    if (encoded && n == 0) head += "utf-8''";
    std::string seg = head;
    size_t room = kMaxLine - 1 - (encoded ? 1 : 2);  // leading space; ';' or '";'
    do {
      seg += pieces[i++];  // at least one piece, so the loop always ends
    } while (i < pieces.size() && seg.size() + pieces[i].size() <= room);
    if (!encoded) seg += "\"";
    AppendFolded(field, seg);
  }
}

}  // namespace

std::string KeepPrintableAscii(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c >= 0x20 && c <= 0x7E) out.push_back(c);
  }
  return out;
}

std::string FoldField(std::string_view name, std::string_view value) {
  std::string clean = KeepPrintableAscii(value);
  size_t first = clean.find_first_not_of(' '), last = clean.find_last_not_of(' ');
  clean = first == std::string::npos ? std::string() : clean.substr(first, last - first + 1);
  std::string out = std::string(name) + ":";
  size_t line = out.size();
  // Words between single spaces, empty ones included, so runs of blanks
  // survive; a fold goes before a space, which unfolding keeps.
  for (size_t pos = 0; !clean.empty() && pos <= clean.size();) {
    size_t end = std::min(clean.find(' ', pos), clean.size());
    std::string_view word = std::string_view(clean).substr(pos, end - pos);
    if (!word.empty() && line > name.size() + 1 && line + 1 + word.size() > kMaxLine) {
      out += "\r\n";
      line = 0;
    }
    out += " ";
    out += word;
    line += 1 + word.size();
    pos = end + 1;
  }
  return out + "\r\n";
}

std::string TextField(std::string_view name, std::string_view utf8_text) {
  std::string text = ReplaceControls(SanitizeUtf8(utf8_text));
  if (IsPlainHeaderText(text)) return FoldField(name, text);
  return std::string(name) + ": " + EncodeRfc2047(text, name.size() + 2) + "\r\n";
}

void AppendParam(std::string* field, std::string_view name, std::string_view utf8_value) {
  std::string value = ReplaceControls(SanitizeUtf8(utf8_value));
  bool ascii = KeepPrintableAscii(value) == value;
  std::vector<std::string> pieces = ascii ? QuotedPieces(value) : PercentPieces(value);
  std::string whole = std::string(name) + (ascii ? "=\"" : "*=utf-8''");
  for (const std::string& p : pieces) whole += p;
  if (ascii) whole += "\"";
  if (1 + whole.size() + 1 <= kMaxLine) {
    AppendFolded(field, whole);
  } else {
    AppendContinuations(field, name, !ascii, pieces);
  }
}

}  // namespace flexmail
