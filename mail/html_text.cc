#include "mail/html_text.h"

#include <cctype>
#include <cstdint>

#include "mail/charset.h"

namespace flexmail {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The tag's name, lower-cased, without a leading '/': "p" for "</P class=x".
std::string TagName(std::string_view tag) {
  size_t i = tag.empty() || tag[0] != '/' ? 0 : 1;
  size_t j = i;
  while (j < tag.size() && std::isalnum(static_cast<unsigned char>(tag[j]))) ++j;
  return Lower(tag.substr(i, j - i));
}

bool BreaksLine(const std::string& name) {
  static const char* const kBlocks[] = {"br", "p", "div", "li", "tr", "h1", "h2",
                                        "h3", "h4", "h5", "h6", "table", "ul", "ol"};
  for (const char* b : kBlocks) {
    if (name == b) return true;
  }
  return false;
}

// Decodes the entity at html[i] == '&' into *out; returns the bytes read
// (1 when it is no known entity: the '&' stays text).
size_t Entity(std::string_view html, size_t i, std::string* out) {
  const size_t semi = html.find(';', i);
  if (semi == std::string_view::npos || semi - i > 10) {
    *out += '&';
    return 1;
  }
  const std::string name = Lower(html.substr(i + 1, semi - i - 1));
  static const struct { const char* name; const char* text; } kNamed[] = {
      {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"},
      {"nbsp", "\xC2\xA0"}};
  for (const auto& n : kNamed) {
    if (name == n.name) {
      *out += n.text;
      return semi - i + 1;
    }
  }
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x';
    const std::string digits = name.substr(hex ? 2 : 1);
    std::uint32_t cp = 0;
    bool ok = !digits.empty();
    for (char c : digits) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) || (!hex && !std::isdigit(c))) ok = false;
      if (!ok || cp > 0x10FFFF) break;
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(std::isdigit(c) ? c - '0' : c - 'a' + 10);
    }
    if (ok && cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
      AppendUtf8(static_cast<char32_t>(cp), out);
      return semi - i + 1;
    }
  }
  *out += '&';
  return 1;
}

// Keeps at most one empty line in a row, and none at the ends.
std::string SqueezeBlankLines(const std::string& text) {
  std::string out;
  int newlines = 0;
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n') {
      ++newlines;
      continue;
    }
    if (!out.empty() && newlines > 0) out.append(newlines > 1 ? "\n\n" : "\n");
    newlines = 0;
    out += c;
  }
  return out;
}

}  // namespace

std::string HtmlToText(std::string_view html) {
  std::string out;
  std::string skip_until;  // "</script" while inside one
  size_t i = 0;
  while (i < html.size()) {
    if (html[i] == '<') {
      const size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;  // an unclosed tag ends the text
      const std::string_view tag = html.substr(i + 1, end - i - 1);
      const std::string name = TagName(tag);
      const bool closing = !tag.empty() && tag[0] == '/';
      if (!skip_until.empty()) {
        if (closing && name == skip_until) skip_until.clear();
      } else if (!closing && (name == "script" || name == "style" || name == "head")) {
        skip_until = name;
      } else if (name == "br" ||
                 (BreaksLine(name) && (closing || (!out.empty() && out.back() != '\n')))) {
        // A block ends its line, and starts one unless a line just ended.
        out += '\n';
      }
      i = end + 1;
      continue;
    }
    if (!skip_until.empty()) {
      ++i;
    } else if (html[i] == '&') {
      i += Entity(html, i, &out);
    } else {
      out += html[i++];
    }
  }
  return SqueezeBlankLines(out);
}

}  // namespace flexmail
