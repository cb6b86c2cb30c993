#include "mail/rfc2231.h"

#include <cctype>
#include <optional>

#include "mail/charset.h"
#include "mail/header.h"
#include "mail/rfc2047.h"

namespace flexmail {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Reads a quoted string whose opening quote is at field[*i]; leaves *i after
// the closing quote (or at the end when it is missing). A backslash escapes
// only '"' and '\': Windows paths sent unescaped keep their backslashes, so
// SafeFileName can still see the directory part.
std::string ReadQuoted(std::string_view field, size_t* i) {
  std::string out;
  size_t k = *i + 1;
  for (; k < field.size() && field[k] != '"'; ++k) {
    if (field[k] == '\\' && k + 1 < field.size() && (field[k + 1] == '"' || field[k + 1] == '\\')) ++k;
    out.push_back(field[k]);
  }
  *i = k < field.size() ? k + 1 : k;
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// "%C3%A9" to bytes; a '%' not followed by two hex digits stays as written.
void AppendPercentDecoded(std::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size(); ++i) {
    int hi = (s[i] == '%' && i + 2 < s.size()) ? HexValue(s[i + 1]) : -1;
    int lo = hi >= 0 ? HexValue(s[i + 2]) : -1;
    if (lo >= 0) {
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(s[i]);
    }
  }
}

// Splits "charset'lang'rest" and returns rest; no quotes at all means no
// charset was given (read as UTF-8).
std::string_view SplitCharset(std::string_view v, std::string* charset) {
  size_t q1 = v.find('\'');
  size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) {
    charset->clear();
    return v;
  }
  *charset = std::string(v.substr(0, q1));
  return v.substr(q2 + 1);
}

// The continuation segments of one parameter, indexed by their number.
struct Segments {
  const MimeParam* single = nullptr;  // "name*="
  std::vector<const MimeParam*> parts = std::vector<const MimeParam*>(kMaxParamSegments);
  std::vector<bool> encoded = std::vector<bool>(kMaxParamSegments);
  size_t count = 0;
  bool too_many = false;
};

// Files p under its segment number; names that are not "<star>N" or
// "<star>N*" (N without leading zero) are not segments and are skipped.
void AddSegment(const MimeParam& p, std::string_view star, Segments* s) {
  std::string_view rest = std::string_view(p.name).substr(star.size());
  bool encoded = !rest.empty() && rest.back() == '*';
  if (encoded) rest.remove_suffix(1);
  if (rest.empty() || (rest.size() > 1 && rest[0] == '0')) return;
  for (char c : rest) {
    if (c < '0' || c > '9') return;
  }
  size_t index = rest.size() > 4 ? kMaxParamSegments : std::stoul(std::string(rest));
  if (++s->count > kMaxParamSegments || index >= kMaxParamSegments) {
    s->too_many = true;
    return;
  }
  if (s->parts[index] == nullptr) {
    s->parts[index] = &p;
    s->encoded[index] = encoded;
  }
}

// Joins segments 0..gap; false when the decoded bytes exceed the cap.
bool JoinSegments(const Segments& s, std::string* charset, std::string* bytes, bool* gap) {
  size_t i = 0;
  for (; i < kMaxParamSegments && s.parts[i] != nullptr; ++i) {
    std::string_view v = s.parts[i]->value;
    if (s.encoded[i]) {
      if (i == 0) v = SplitCharset(v, charset);
      AppendPercentDecoded(v, bytes);
    } else {
      bytes->append(v);
    }
    if (bytes->size() > kMaxParamBytes) return false;
  }
  *gap = i < s.count;
  return true;
}

}  // namespace

void ParseMimeParams(std::string_view field, std::string* value, std::vector<MimeParam>* params) {
  size_t semi = field.find(';');
  *value = AsciiLower(Trim(field.substr(0, semi)));
  params->clear();
  size_t i = semi == std::string_view::npos ? field.size() : semi + 1;
  while (i < field.size()) {
    size_t eq = field.find_first_of("=;", i);
    if (eq == std::string_view::npos || field[eq] == ';') {  // a name without value
      i = eq == std::string_view::npos ? field.size() : eq + 1;
      continue;
    }
    MimeParam p{AsciiLower(Trim(field.substr(i, eq - i))), {}};
    i = eq + 1;
    while (i < field.size() && (field[i] == ' ' || field[i] == '\t')) ++i;
    if (i < field.size() && field[i] == '"') {
      p.value = ReadQuoted(field, &i);
      size_t next = field.find(';', i);  // anything after the closing quote is dropped
      i = next == std::string_view::npos ? field.size() : next + 1;
    } else {
      size_t next = field.find(';', i);
      size_t end = next == std::string_view::npos ? field.size() : next;
      p.value = std::string(Trim(field.substr(i, end - i)));
      i = end + 1;
    }
    if (!p.name.empty()) params->push_back(std::move(p));
  }
}

const MimeParam* FindParam(const std::vector<MimeParam>& params, std::string_view name) {
  for (const MimeParam& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

ParamText DecodeRfc2231(const std::vector<MimeParam>& params, std::string_view name) {
  std::string star = std::string(name) + "*";
  Segments segs;
  for (const MimeParam& p : params) {
    if (p.name == star) {
      if (segs.single == nullptr) segs.single = &p;
    } else if (p.name.size() > star.size() && p.name.compare(0, star.size(), star) == 0) {
      AddSegment(p, star, &segs);
      if (segs.too_many) break;
    }
  }
  ParamText r;
  std::string charset, bytes;
  if (segs.too_many) {
    r.problem = "paramètre " + star + " : plus de " + std::to_string(kMaxParamSegments) + " segments";
    return r;
  }
  bool gap = false;
  if (segs.single != nullptr) {
    AppendPercentDecoded(SplitCharset(segs.single->value, &charset), &bytes);
  } else if (segs.parts[0] == nullptr) {
    return r;
  } else if (!JoinSegments(segs, &charset, &bytes, &gap)) {
    r.problem = "paramètre " + star + " : plus de " + std::to_string(kMaxParamBytes) + " octets";
    return r;
  }
  if (bytes.size() > kMaxParamBytes) {
    r.problem = "paramètre " + star + " : plus de " + std::to_string(kMaxParamBytes) + " octets";
    return r;
  }
  if (gap) r.problem = "paramètre " + star + " : segment manquant, valeur tronquée";
  r.unknown_charset = !ConvertToUtf8(bytes, charset, &r.text);
  r.found = !r.text.empty();
  return r;
}

namespace {

bool EndsWithCsv(std::string_view v) {
  if (v.size() < 4) return false;
  std::string tail(v.substr(v.size() - 4));
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == ".csv";
}

// A name over the cap that ends in ".csv": the sender meant a declaration
// file, so it is reported as a bad file name (BAD_FILE_NAME), not as no
// file. Its value as written (the plain parameter, else the first RFC 2231
// segment), cut to kShownNameBytes and marked "…". The ".csv" test reads
// the plain value or the highest-numbered segment.
constexpr size_t kShownNameBytes = 100;

std::optional<ParamText> TooLongCsvName(const std::vector<MimeParam>& params,
                                        std::string_view name) {
  const std::string star = std::string(name) + "*";
  const MimeParam* first = nullptr;
  const MimeParam* last = nullptr;
  size_t total = 0;
  for (const MimeParam& p : params) {
    const bool plain = p.name == name;
    const bool segment = p.name.size() > star.size() && p.name.compare(0, star.size(), star) == 0;
    if (!plain && !segment && p.name != star) continue;
    if (!first || plain) first = &p;
    last = &p;
    total += p.value.size();
  }
  if (!first || !EndsWithCsv(last->value) || total <= kMaxParamBytes) return std::nullopt;
  ParamText r;
  r.found = true;
  r.too_long = true;
  std::string shown = SanitizeUtf8(std::string_view(first->value).substr(0, kShownNameBytes));
  r.text = ReplaceControls(shown) + "…";
  r.problem = "paramètre " + std::string(name) + " : plus de " + std::to_string(kMaxParamBytes) +
              " octets, nom tronqué";
  return r;
}

}  // namespace

ParamText FindFileName(const std::vector<MimeParam>& disposition_params,
                       const std::vector<MimeParam>& type_params) {
  std::string problems;
  auto note = [&](const std::string& p) {
    if (p.empty()) return;
    if (!problems.empty()) problems += "; ";
    problems += p;
  };
  const std::pair<const std::vector<MimeParam>*, std::string_view> lookups[] = {
      {&disposition_params, "filename"}, {&type_params, "name"}};
  for (const auto& [params, name] : lookups) {
    ParamText r = DecodeRfc2231(*params, name);
    note(r.problem);
    if (!r.found) {
      const MimeParam* plain = FindParam(*params, name);
      if (plain == nullptr || plain->value.empty()) continue;
      r.text = DecodeRfc2047(plain->value, &r.unknown_charset);
      r.found = r.text.size() <= kMaxParamBytes;
      if (!r.found) note("paramètre " + std::string(name) + " : plus de " + std::to_string(kMaxParamBytes) + " octets");
    }
    if (r.found) {
      r.problem = problems;
      return r;
    }
  }
  for (const auto& [params, name] : lookups) {
    if (auto r = TooLongCsvName(*params, name)) return *r;
  }
  ParamText none;
  none.problem = problems;
  return none;
}

}  // namespace flexmail
