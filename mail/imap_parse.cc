#include "mail/imap_parse.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <locale>
#include <sstream>
#include <utility>

namespace flexmail::imap {
namespace {

constexpr std::uint64_t kMaxUid = std::numeric_limits<std::uint32_t>::max();

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && IEquals(s.substr(0, prefix.size()), prefix);
}

std::size_t IFind(std::string_view s, std::string_view needle, std::size_t from = 0) {
  for (std::size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (IEquals(s.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

// "03-Mar-2026 09:15:00 +0100" character by character ('0' a digit, 'A' a
// letter, '+' a sign), the day possibly one digit. date::parse negates an
// unset offset when a '-' is not followed by digits (undefined behaviour),
// so only text of this shape is handed to it.
bool HasDateTimeShape(std::string_view text) {
  constexpr std::string_view kShape = "00-AAA-0000 00:00:00 +0000";
  std::string_view shape = text.size() + 1 == kShape.size() ? kShape.substr(1) : kShape;
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool ok = shape[i] == '0'   ? std::isdigit(c) != 0
              : shape[i] == 'A' ? std::isalpha(c) != 0
              : shape[i] == '+' ? c == '+' || c == '-'
                                : c == static_cast<unsigned char>(shape[i]);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string_view> SplitLines(std::string_view body) {
  std::vector<std::string_view> lines;
  while (!body.empty()) {
    std::size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    body.remove_prefix(nl + 1);
  }
  return lines;
}

namespace {

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) words.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return words;
}

// A number of up to 19 digits (no overflow), nothing else.
std::optional<std::uint64_t> ParseNumber(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

using Range = std::pair<std::uint64_t, std::uint64_t>;

// "1:3,7" -> {1,3} {7,7}; a reversed range "5:2" is normalised.
bool ParseRanges(std::string_view set, std::vector<Range>* out) {
  if (set.empty()) return false;
  while (!set.empty()) {
    std::size_t comma = set.find(',');
    std::string_view item = set.substr(0, comma);
    std::size_t colon = item.find(':');
    auto lo = ParseUid(item.substr(0, colon));
    auto hi = colon == std::string_view::npos ? lo : ParseUid(item.substr(colon + 1));
    if (!lo || !hi) return false;
    out->emplace_back(std::min(*lo, *hi), std::max(*lo, *hi));
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
  }
  return true;
}

// Reads the tokens of one FETCH / LIST line. Literals ({n}) are not
// supported: curl does not pass their contents to the body anyway.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  bool Eat(std::string_view lit) {
    if (!IStartsWith(s_.substr(pos_), lit)) return false;
    pos_ += lit.size();
    return true;
  }
  bool Number(std::uint64_t* v) {
    std::size_t end = pos_;
    while (end < s_.size() && std::isdigit(static_cast<unsigned char>(s_[end]))) ++end;
    auto n = ParseNumber(s_.substr(pos_, end - pos_));
    if (!n) return false;
    *v = *n;
    pos_ = end;
    return true;
  }
  bool Atom(std::string_view* a) {
    std::size_t end = pos_;
    while (end < s_.size() && s_[end] != ' ' && s_[end] != '(' && s_[end] != ')' &&
           s_[end] != '"') {
      ++end;
    }
    if (end == pos_) return false;
    *a = s_.substr(pos_, end - pos_);
    pos_ = end;
    return true;
  }
  bool Quoted(std::string* q) {
    if (!Eat("\"")) return false;
    q->clear();
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (c == '\\' && pos_ < s_.size()) c = s_[pos_++];
      *q += c;
    }
    return false;
  }
  // An atom, a quoted string or a parenthesised list (nested).
  bool SkipValue() {
    std::string q;
    std::string_view a;
    if (pos_ < s_.size() && s_[pos_] == '"') return Quoted(&q);
    if (!Eat("(")) return Atom(&a);
    while (!Eat(")")) {
      if (done() || !(Eat(" ") || SkipValue())) return false;
    }
    return true;
  }
  std::string_view Rest() const { return s_.substr(std::min(pos_, s_.size())); }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

bool ParseFetchItem(Cursor* c, FetchMeta* meta, int* seen) {
  std::string_view name;
  if (!c->Atom(&name) || !c->Eat(" ")) return false;
  std::string date;
  if (IEquals(name, "UID")) {
    *seen |= 1;
    return c->Number(&meta->uid);
  }
  if (IEquals(name, "RFC822.SIZE")) {
    *seen |= 2;
    return c->Number(&meta->size);
  }
  if (IEquals(name, "INTERNALDATE")) {
    *seen |= 4;
    return c->Quoted(&date) && ParseInternalDate(date, &meta->internal_date);
  }
  return c->SkipValue();
}

}  // namespace

std::optional<std::uint64_t> ParseUid(std::string_view text) {
  auto n = ParseNumber(text);
  if (!n || *n == 0 || *n > kMaxUid) return std::nullopt;
  return n;
}

bool ParseStatus(std::string_view body, MailboxStatus* out) {
  for (std::string_view line : SplitLines(body)) {
    if (!IStartsWith(line, "* STATUS ")) continue;
    std::size_t open = line.rfind('(');
    std::size_t close = line.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
      return false;
    }
    std::vector<std::string_view> w = Words(line.substr(open + 1, close - open - 1));
    bool has_validity = false;
    for (std::size_t i = 0; i + 1 < w.size(); i += 2) {
      auto v = ParseNumber(w[i + 1]);
      if (!v) return false;
      if (IEquals(w[i], "UIDVALIDITY")) {
        out->uidvalidity = *v;
        has_validity = true;
      }
      if (IEquals(w[i], "UIDNEXT")) out->uidnext = *v;
      if (IEquals(w[i], "MESSAGES")) out->messages = *v;
    }
    return has_validity && out->uidvalidity != 0;
  }
  return false;
}

bool ParseSequenceSet(std::string_view set, std::size_t max_count,
                      std::vector<std::uint64_t>* out) {
  std::vector<Range> ranges;
  if (!ParseRanges(set, &ranges)) return false;
  std::size_t total = 0;
  for (const auto& [lo, hi] : ranges) {
    if (hi - lo >= max_count - total) return false;  // would exceed max_count
    total += static_cast<std::size_t>(hi - lo + 1);
  }
  for (const auto& [lo, hi] : ranges) {
    for (std::uint64_t u = lo; u <= hi; ++u) out->push_back(u);
  }
  return true;
}

bool ParseSearch(std::string_view body, std::size_t max_count, std::vector<std::uint64_t>* out) {
  bool found = false;
  for (std::string_view line : SplitLines(body)) {
    std::vector<std::string_view> w = Words(line);
    if (w.size() >= 2 && w[0] == "*" && IEquals(w[1], "SEARCH")) {
      found = true;
      if (w.size() - 2 > max_count - std::min(max_count, out->size())) return false;
      for (std::size_t i = 2; i < w.size(); ++i) {
        auto uid = ParseUid(w[i]);
        if (!uid) return false;
        out->push_back(*uid);
      }
    } else if (w.size() >= 2 && w[0] == "*" && IEquals(w[1], "ESEARCH")) {
      found = true;
      for (std::size_t i = 2; i + 1 < w.size(); ++i) {
        if (!IEquals(w[i], "ALL")) continue;
        if (out->size() > max_count ||
            !ParseSequenceSet(w[i + 1], max_count - out->size(), out)) {
          return false;
        }
      }
    }
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  return found;
}

std::vector<std::string> SequenceSets(const std::vector<std::uint64_t>& uids, std::size_t batch) {
  std::vector<std::string> sets;
  for (std::size_t start = 0; start < uids.size(); start += batch) {
    const std::size_t end = std::min(uids.size(), start + batch);
    std::string set;
    for (std::size_t i = start; i < end;) {
      std::size_t j = i;
      while (j + 1 < end && uids[j + 1] == uids[j] + 1) ++j;
      if (!set.empty()) set += ',';
      set += std::to_string(uids[i]);
      if (j > i) set += ':' + std::to_string(uids[j]);
      i = j + 1;
    }
    sets.push_back(std::move(set));
  }
  return sets;
}

bool ParseInternalDate(std::string_view text, Instant* out) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (!HasDateTimeShape(text)) return false;
  std::istringstream in{std::string(text)};
  in.imbue(std::locale::classic());
  date::sys_seconds tp;
  in >> date::parse("%d-%b-%Y %H:%M:%S %z", tp);
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) return false;
  *out = std::chrono::time_point_cast<std::chrono::milliseconds>(tp);
  return true;
}

bool ParseFetchMeta(std::string_view line, FetchMeta* out) {
  Cursor c(line);
  std::uint64_t seq = 0;
  if (!c.Eat("* ") || !c.Number(&seq) || !c.Eat(" FETCH (")) return false;
  FetchMeta meta;
  int seen = 0;
  while (!c.Eat(")")) {
    if (!ParseFetchItem(&c, &meta, &seen)) return false;
    if (!c.Eat(" ") && !c.Rest().starts_with(")")) return false;
  }
  if (seen != 7 || meta.uid == 0 || meta.uid > kMaxUid) return false;
  *out = meta;
  return true;
}

std::vector<std::string> ParseCapabilities(std::string_view body) {
  std::vector<std::string> caps;
  for (std::string_view line : SplitLines(body)) {
    if (!IStartsWith(line, "* CAPABILITY ")) continue;
    caps.clear();
    for (std::string_view w : Words(line.substr(13))) {
      std::string cap(w);
      for (char& ch : cap) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      caps.push_back(std::move(cap));
    }
  }
  return caps;
}

std::vector<std::string> ParseListNames(std::string_view body) {
  std::vector<std::string> names;
  for (std::string_view line : SplitLines(body)) {
    Cursor c(line);
    std::string name;
    std::string_view atom;
    if (!c.Eat("* LIST ") || !c.SkipValue() || !c.Eat(" ") || !c.SkipValue() || !c.Eat(" ")) {
      continue;
    }
    if (c.Quoted(&name) || (c.Atom(&atom) && (name = atom, true))) {
      names.push_back(std::move(name));
    }
  }
  return names;
}

bool CopyUidCovers(std::string_view text, std::uint64_t uid) {
  for (std::size_t at = IFind(text, "[COPYUID "); at != std::string_view::npos;
       at = IFind(text, "[COPYUID ", at + 1)) {
    std::size_t end = text.find(']', at);
    if (end == std::string_view::npos) return false;
    std::vector<std::string_view> w = Words(text.substr(at + 9, end - at - 9));
    std::vector<Range> source;
    if (w.size() != 3 || !ParseRanges(w[1], &source)) continue;
    for (const auto& [lo, hi] : source) {
      if (lo <= uid && uid <= hi) return true;
    }
  }
  return false;
}

bool HasResponseCode(std::string_view line, std::string_view code) {
  const std::string open = "[" + std::string(code);
  for (std::size_t at = IFind(line, open); at != std::string_view::npos;
       at = IFind(line, open, at + 1)) {
    const std::size_t after = at + open.size();
    if (after < line.size() && (line[after] == ']' || line[after] == ' ')) return true;
  }
  return false;
}

std::string_view WithoutTag(std::string_view line) {
  std::size_t space = line.find(' ');
  if (line.empty() || line[0] == '*' || space == std::string_view::npos) return line;
  return line.substr(space + 1);
}

bool IsPlainMailboxName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '&' && c != '%' && c != '*';
  });
}

std::string MailboxArgument(std::string_view name) {
  const bool atom = name.find_first_of("(){ ]") == std::string_view::npos;
  return atom ? std::string(name) : "\"" + std::string(name) + "\"";
}

}  // namespace flexmail::imap
