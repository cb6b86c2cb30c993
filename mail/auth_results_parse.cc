#include "mail/auth_results_parse.h"

#include "mail/header.h"

namespace flexmail {
namespace {

// A resinfo list longer than this is not something an MTA wrote.
constexpr size_t kMaxResults = 64;
constexpr size_t kMaxPropertiesPerResult = 64;

enum class Tok { kWord, kQuoted, kSemi, kEquals, kEnd, kError };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // the word, or the quoted string without its quotes
};

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsControl(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return (u < 0x20 && !IsBlank(c)) || u == 0x7F;
}

// Words run up to a blank or a character that has a meaning here. '.', '/'
// and '@' stay inside words: they belong to domains, addresses, "dkim/1",
// "header.from" and truncated signatures ("header.b=ab+/cd").
bool IsWordChar(char c) {
  return !IsBlank(c) && !IsControl(c) && c != '(' && c != ')' && c != '"' && c != ';' && c != '=';
}

// Cuts a value into words, quoted strings, ';' and '=', dropping blanks and
// comments (CFWS may appear between any two of them). Comments are skipped
// with a depth counter, not by recursion.
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Token Next() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (IsBlank(c)) {
        ++pos_;
      } else if (c == '(') {
        if (!SkipComment()) return Error();
      } else {
        break;
      }
    }
    if (pos_ >= s_.size()) return {Tok::kEnd, {}};
    char c = s_[pos_];
    if (c == ';' || c == '=') {
      ++pos_;
      return {c == ';' ? Tok::kSemi : Tok::kEquals, {}};
    }
    if (c == '"') return Quoted();
    if (c == ')') return Error("« ) » sans « ( »");
    if (IsControl(c)) return Error("caractère de contrôle");
    size_t start = pos_;
    while (pos_ < s_.size() && IsWordChar(s_[pos_])) ++pos_;
    return {Tok::kWord, std::string(s_.substr(start, pos_ - start))};
  }

  const std::string& error() const { return error_; }

 private:
  Token Error(std::string why = {}) {
    if (!why.empty()) error_ = std::move(why);
    pos_ = s_.size();
    return {Tok::kError, {}};
  }

  bool SkipComment() {
    int depth = 0;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '\\') {
        ++pos_;  // quoted-pair: the next character is literal
      } else if (c == '(') {
        if (++depth > kMaxCommentDepth) {
          error_ = "commentaires imbriqués trop profondément";
          return false;
        }
      } else if (c == ')') {
        if (--depth == 0) return true;
      }
    }
    error_ = "commentaire non fermé";
    return false;
  }

  Token Quoted() {
    std::string text;
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
      text.push_back(s_[pos_++]);
    }
    if (pos_ >= s_.size()) return Error("chaîne entre guillemets non fermée");
    ++pos_;
    return {Tok::kQuoted, std::move(text)};
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Reads the whole value into tokens (ending with kEnd), or false.
bool Tokenize(std::string_view value, std::vector<Token>* out, std::string* error) {
  Lexer lexer(value);
  for (;;) {
    out->push_back(lexer.Next());
    if (out->back().kind == Tok::kEnd) return true;
    if (out->back().kind == Tok::kError) {
      *error = lexer.error();
      return false;
    }
  }
}

// The tokens of one resinfo, between two ';'.
class ResinfoReader {
 public:
  ResinfoReader(const std::vector<Token>& t, size_t begin, size_t end) : t_(t), i_(begin), end_(end) {}

  bool Read(AuthResInfo* out, std::string* error) {
    std::string method;
    if (!Key(&method) || !Take(Tok::kEquals) || i_ >= end_ || t_[i_].kind != Tok::kWord) {
      *error = "résultat sans la forme méthode=résultat";
      return false;
    }
    out->method = AsciiLower(method.substr(0, method.find('/')));  // drop the method version
    out->result = AsciiLower(t_[i_++].text);
    while (i_ < end_) {
      std::string key, value;
      if (!Key(&key) || !Take(Tok::kEquals) || !Value(&value)) {
        *error = "propriété sans la forme clé=valeur après " + out->method;
        return false;
      }
      key = AsciiLower(key);
      if (key == "reason") {
        out->reason = std::move(value);
      } else if (out->properties.size() < kMaxPropertiesPerResult) {
        out->properties.push_back({std::move(key), std::move(value)});
      } else {
        *error = "trop de propriétés";
        return false;
      }
    }
    return true;
  }

 private:
  // A key: words glued by '.' or '/' even with CFWS between them, as the
  // grammar allows ("header . from", "dkim / 1").
  bool Key(std::string* key) {
    if (i_ >= end_ || t_[i_].kind != Tok::kWord) return false;
    *key = t_[i_++].text;
    while (i_ < end_ && t_[i_].kind == Tok::kWord) {
      const std::string& next = t_[i_].text;
      bool glued = key->back() == '.' || key->back() == '/' || next.front() == '.' || next.front() == '/';
      if (!glued) break;
      *key += next;
      ++i_;
    }
    return true;
  }

  bool Take(Tok kind) {
    if (i_ >= end_ || t_[i_].kind != kind) return false;
    ++i_;
    return true;
  }

  bool Value(std::string* value) {
    if (i_ >= end_ || (t_[i_].kind != Tok::kWord && t_[i_].kind != Tok::kQuoted)) return false;
    *value = t_[i_++].text;
    return true;
  }

  const std::vector<Token>& t_;
  size_t i_;
  size_t end_;
};

// The resinfo list from token `i` (just after the authserv-id's ';', or the
// start for the Microsoft form) to kEnd.
bool ReadResults(const std::vector<Token>& t, size_t i, AuthResField* out, std::string* error) {
  // "authserv-id; none": no method was run.
  if (t[i].kind == Tok::kWord && EqualsIgnoreCase(t[i].text, "none") && t[i + 1].kind == Tok::kEnd) {
    return true;
  }
  while (t[i].kind != Tok::kEnd) {
    size_t end = i;
    while (t[end].kind != Tok::kEnd && t[end].kind != Tok::kSemi) ++end;
    if (end > i) {  // empty resinfos (";;", a final ';') carry nothing
      if (out->results.size() >= kMaxResults) {
        *error = "trop de résultats";
        return false;
      }
      AuthResInfo info;
      if (!ResinfoReader(t, i, end).Read(&info, error)) return false;
      out->results.push_back(std::move(info));
    }
    i = t[end].kind == Tok::kSemi ? end + 1 : end;
  }
  return true;
}

}  // namespace

bool AuthResInfo::UniqueProperty(std::string_view key, std::string* value) const {
  int found = 0;
  for (const AuthResProperty& p : properties) {
    if (p.key == key) {
      *value = p.value;
      ++found;
    }
  }
  return found == 1;
}

bool ReadAuthservId(std::string_view value, bool* has_id, std::string* id, std::string* error) {
  Lexer lexer(value);
  Token first = lexer.Next();
  if (first.kind == Tok::kError) {
    *error = lexer.error();
    return false;
  }
  if (first.kind != Tok::kWord && first.kind != Tok::kQuoted) {
    *error = "champ vide ou sans authserv-id";
    return false;
  }
  Token second = lexer.Next();
  if (second.kind == Tok::kError) {
    *error = lexer.error();
    return false;
  }
  // "method=result" first: Microsoft 365's form, without authserv-id.
  *has_id = !(first.kind == Tok::kWord && second.kind == Tok::kEquals);
  *id = *has_id ? first.text : std::string();
  return true;
}

bool ParseAuthResults(std::string_view value, AuthResField* out, std::string* error) {
  *out = AuthResField{};
  if (value.size() > kMaxAuthResBytes) {
    *error = "champ de plus de " + std::to_string(kMaxAuthResBytes) + " octets";
    return false;
  }
  std::vector<Token> t;
  if (!Tokenize(value, &t, error)) return false;
  if (t[0].kind != Tok::kWord && t[0].kind != Tok::kQuoted) {
    *error = "champ vide ou sans authserv-id";
    return false;
  }
  if (t[0].kind == Tok::kWord && t[1].kind == Tok::kEquals) return ReadResults(t, 0, out, error);
  out->has_authserv_id = true;
  out->authserv_id = t[0].text;
  size_t i = 1;
  if (t[i].kind == Tok::kWord && IsDigits(t[i].text)) {
    // Version 1 is the only one defined; a reader must not guess at others.
    if (t[i].text.find_first_not_of('0') != t[i].text.size() - 1 || t[i].text.back() != '1') {
      *error = "version " + t[i].text.substr(0, 10) + " inconnue";
      return false;
    }
    ++i;
  }
  if (t[i].kind != Tok::kSemi) {
    *error = "pas de « ; » après l'authserv-id";
    return false;
  }
  return ReadResults(t, i + 1, out, error);
}

}  // namespace flexmail
