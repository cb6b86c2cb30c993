#include "mail/header.h"

namespace flexmail {
namespace {

// Length of the field name when `line` is "name[blanks]:", else 0. Names are
// printable ASCII without ':' (RFC 5322 ftext); blanks before the colon are
// the obsolete syntax, still seen.
size_t FieldNameLength(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && line[n] > 0x20 && line[n] < 0x7F && line[n] != ':') ++n;
  size_t k = n;
  while (k < line.size() && (line[k] == ' ' || line[k] == '\t')) ++k;
  return (n > 0 && k < line.size() && line[k] == ':') ? n : 0;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

void FinishField(HeaderField* f) { f->value = std::string(TrimBlanks(f->value)); }

}  // namespace

bool IsMimeTypeToken(std::string_view type) {
  size_t slash = type.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == type.size()) return false;
  if (type.find('/', slash + 1) != std::string_view::npos) return false;
  for (char c : type) {
    if (c <= 0x20 || c >= 0x7F || std::string_view("()<>@,;:\\\"[]?=").find(c) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

const HeaderField* Header::Find(std::string_view name) const {
  for (const HeaderField& f : fields) {
    if (EqualsIgnoreCase(f.name, name)) return &f;
  }
  return nullptr;
}

size_t Header::Count(std::string_view name) const {
  size_t n = 0;
  for (const HeaderField& f : fields) n += EqualsIgnoreCase(f.name, name) ? 1 : 0;
  return n;
}

bool ReadHeader(std::string_view entity, size_t max_lines, size_t* lines_used, Header* out,
                size_t* body_offset) {
  size_t pos = 0;
  bool in_field = false;  // out->fields.back() may still get continuation lines
  bool ok = true;
  while (pos < entity.size()) {
    size_t nl = entity.find('\n', pos);
    size_t next = nl == std::string_view::npos ? entity.size() : nl + 1;
    std::string_view text = entity.substr(pos, (nl == std::string_view::npos ? next : nl) - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.empty()) {  // the empty line that ends the header
      pos = next;
      break;
    }
    if (++*lines_used > max_lines) {
      ok = false;
      break;
    }
    if (pos == 0 && text.substr(0, 5) == "From ") {  // mbox separator line
      pos = next;
      continue;
    }
    if (in_field && (text[0] == ' ' || text[0] == '\t')) {
      out->fields.back().value.append(text);
      pos = next;
      continue;
    }
    if (in_field) FinishField(&out->fields.back());
    in_field = false;
    size_t name_len = FieldNameLength(text);
    if (name_len == 0) break;  // not a field: the body starts on this line
    out->fields.push_back({std::string(text.substr(0, name_len)),
                           std::string(text.substr(text.find(':') + 1))});
    in_field = true;
    pos = next;
  }
  if (in_field) FinishField(&out->fields.back());
  *body_offset = pos;
  return ok;
}

namespace {

constexpr size_t kMaxMessageIdLength = 250;

bool IsIdChar(char c) {
  return c > 0x20 && c < 0x7f && c != '<' && c != '>' && c != '"' && c != '\\' && c != '@';
}

// "<left@right>" with sides of IsIdChar characters.
bool IsMessageId(std::string_view t) {
  if (t.size() < 5 || t.size() > kMaxMessageIdLength || t.front() != '<' || t.back() != '>')
    return false;
  std::string_view inner = t.substr(1, t.size() - 2);
  size_t at = inner.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == inner.size()) return false;
  for (size_t i = 0; i < inner.size(); ++i) {
    if (i != at && !IsIdChar(inner[i])) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> MessageIdTokens(std::string_view text, size_t max) {
  std::vector<std::string> out;
  size_t i = 0;
  while (out.size() < max && (i = text.find('<', i)) != std::string_view::npos) {
    size_t end = text.find('>', i);
    if (end == std::string_view::npos) break;
    std::string_view token = text.substr(i, end - i + 1);
    if (IsMessageId(token)) {
      out.emplace_back(token);
      i = end + 1;
    } else {
      ++i;  // a '<' inside garbage: look for the next one
    }
  }
  return out;
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

}  // namespace flexmail
