#include "config/syntax.h"

#include <cctype>
#include <string>

#include "config/config.h"

#include "rules/indicators.h"
#include "rules/programme.h"

namespace flexmail::cfg {
namespace {

// Characters that never belong in a bare address; catching them here turns
// a pasted "Name <a@b.example>" or "a@b.example, c@d.example" into an error
// at start rather than a sender that silently never matches.
bool Forbidden(unsigned char c) {
  if (c <= 0x20 || c == 0x7f) return true;
  for (char f : std::string_view("<>()[]\\,;:\"")) {
    if (c == static_cast<unsigned char>(f)) return true;
  }
  return false;
}

bool IsDomain(std::string_view d) {
  if (d.empty() || d.find('.') == std::string_view::npos) return false;
  if (d.front() == '.' || d.back() == '.' || d.find("..") != std::string_view::npos) return false;
  for (unsigned char c : d) {
    if (Forbidden(c) || c == '@') return false;
  }
  return true;
}

bool IsPort(std::string_view p) {
  if (p.empty() || p.size() > 5) return false;
  int v = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  return v >= 1 && v <= 65535;
}

// What follows "scheme://": host[:port] (an IPv6 host in brackets), then the
// path in *path. Credentials never belong there: the user name has its own
// key and the password its own file.
const char* UrlAuthoritySyntax(std::string_view rest, std::string_view* path) {
  for (unsigned char c : rest) {
    if (c <= 0x20 || c == 0x7f) return "the URL must not contain spaces or control characters";
  }
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  *path = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (authority.find('@') != std::string_view::npos)
    return "the user name goes in username, not in the URL";
  std::string_view host = authority;
  std::string_view after;  // ":port" or nothing
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return "the URL's host has no closing ]";
    host = authority.substr(1, close - 1);
    after = authority.substr(close + 1);
  } else if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    after = authority.substr(colon);
  }
  if (host.empty()) return "the URL has no host";
  if (!after.empty() && (after.front() != ':' || !IsPort(after.substr(1))))
    return "the URL's port must be a number from 1 to 65535";
  return nullptr;
}

}  // namespace

bool IsMailAddress(std::string_view s) {
  size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  for (unsigned char c : s.substr(0, at)) {
    if (Forbidden(c)) return false;
  }
  return IsDomain(s.substr(at + 1));
}

bool IsMailDomainPattern(std::string_view s) {
  return !s.empty() && s.front() == '@' && IsDomain(s.substr(1));
}

bool HasUrlPassword(std::string_view s) {
  size_t scheme = s.find("://");
  if (scheme == std::string_view::npos) return false;
  std::string_view rest = s.substr(scheme + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  size_t at = authority.rfind('@');
  return at != std::string_view::npos &&
         authority.substr(0, at).find(':') != std::string_view::npos;
}

const char* SiteIdSyntax(std::string_view s) {
  return IsSiteId(s) ? nullptr : "expected LI and 4 digits";
}

const char* MeshCodeSyntax(std::string_view s) {
  return IsMeshCode(s) ? nullptr : "expected ME and 4 digits";
}

const char* ContractCodeSyntax(std::string_view s) {
  return IsContractCode(s) ? nullptr : "expected 1 to 40 characters among A-Z a-z 0-9 . _";
}

const char* AddressSyntax(std::string_view s) {
  return IsMailAddress(s) ? nullptr : "expected an address local@domain.example";
}

const char* SenderSyntax(std::string_view s) {
  return IsMailAddress(s) || IsMailDomainPattern(s)
             ? nullptr
             : "expected an address local@domain.example or a domain @domain.example";
}

const char* LightSyntax(std::string_view s) {
  Light l;
  return ParseLight(s, &l) ? nullptr : "expected GREEN, RED or GREY";
}

const char* DomainSyntax(std::string_view s) {
  return IsDomain(s) ? nullptr : "expected a domain domain.example";
}

const char* ImapUrlSyntax(std::string_view s) {
  std::string_view rest;
  if (s.starts_with("imaps://")) {
    rest = s.substr(8);
  } else if (s.starts_with("imap://")) {
    rest = s.substr(7);
  } else {
    return "must start with imaps:// or imap://";
  }
  std::string_view path;
  if (const char* why = UrlAuthoritySyntax(rest, &path)) return why;
  // The path names the mailbox polled: "/INBOX".
  if (path.size() < 2 || path[0] != '/' || path[1] == '?' || path[1] == '#')
    return "the URL has no mailbox, as in imaps://host/INBOX";
  return nullptr;
}

const char* SmtpUrlSyntax(std::string_view s) {
  std::string_view rest;
  if (s.starts_with("smtps://")) {
    rest = s.substr(8);
  } else if (s.starts_with("smtp://")) {
    rest = s.substr(7);
  } else {
    return "must start with smtps:// or smtp://";
  }
  std::string_view path;
  return UrlAuthoritySyntax(rest, &path);
}

const char* MailLoginSyntax(std::string_view s) {
  MailLogin m;
  return ParseMailLogin(s, &m) ? nullptr : "expected password or oauth2";
}

const char* SaslMechanismSyntax(std::string_view s) {
  return s == "XOAUTH2" || s == "OAUTHBEARER" ? nullptr : "expected XOAUTH2 or OAUTHBEARER";
}

// The secret or the signed assertion goes there: TLS only.
const char* TokenUrlSyntax(std::string_view s) {
  if (!s.starts_with("https://")) return "must start with https://";
  std::string_view path;
  if (const char* why = UrlAuthoritySyntax(s.substr(8), &path)) return why;
  if (path.find_first_of("?#") != std::string_view::npos)
    return "no query or fragment: the token endpoint's URL as the provider gives it";
  return nullptr;
}

const char* AssertionAlgorithmSyntax(std::string_view s) {
  return s == "RS256" || s == "PS256" ? nullptr : "expected RS256 or PS256";
}

const char* AuthModeSyntax(std::string_view s) {
  AuthMode m;
  return ParseAuthMode(s, &m) ? nullptr
                              : "expected dkim, authentication-results, smime or none";
}

const char* NameserverSyntax(std::string_view s) {
  for (unsigned char c : s) {
    if (!std::isdigit(c) && c != '.' && c != ':')
      return "expected an IPv4 address, optionally with :port (127.0.0.1:5353)";
  }
  return s.empty() ? "expected an IPv4 address, optionally with :port (127.0.0.1:5353)"
                   : nullptr;
}

const char* AuthservIdSyntax(std::string_view s) {
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != '.' && c != '-' && c != '_')
      return "expected a host name (mx.operator.example) or microsoft365";
  }
  return s.empty() ? "expected a host name (mx.operator.example) or microsoft365" : nullptr;
}

const char* PathSyntax(std::string_view s) {
  return s.empty() ? "expected a file name, not empty" : nullptr;
}

const char* FolderSyntax(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == '/')
      return "expected a folder name without / or control characters";
  }
  return nullptr;
}

const char* ListenSyntax(std::string_view s) {
  std::string host;
  int port = 0;
  return SplitListenAddress(s, &host, &port)
             ? nullptr
             : "expected an IPv4 address or an [IPv6] one, then :port (127.0.0.1:8025)";
}

}  // namespace flexmail::cfg

namespace flexmail {
namespace {

bool IsIpv4(std::string_view s) {
  int parts = 0;
  while (true) {
    std::size_t n = 0;
    int value = 0;
    while (n < s.size() && n < 4 && std::isdigit(static_cast<unsigned char>(s[n])))
      value = value * 10 + (s[n++] - '0');
    if (n == 0 || n > 3 || value > 255) return false;
    ++parts;
    s.remove_prefix(n);
    if (s.empty()) return parts == 4;
    if (s.front() != '.' || parts == 4) return false;
    s.remove_prefix(1);
  }
}

// Hex digits, colons and at most one "::"; a trailing dotted quad allowed.
bool IsIpv6(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return false;
  int colons = 0;
  for (unsigned char c : s) {
    if (c == ':') ++colons;
    else if (!std::isxdigit(c) && c != '.') return false;
  }
  std::size_t first = s.find("::");
  return colons >= 2 && colons <= 7 &&
         (first == std::string_view::npos || s.find("::", first + 1) == std::string_view::npos);
}

}  // namespace

bool SplitListenAddress(std::string_view listen, std::string* host, int* port) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view h = listen.substr(0, colon), p = listen.substr(colon + 1);
  if (p.empty() || p.size() > 5) return false;
  int value = 0;
  for (unsigned char c : p) {
    if (!std::isdigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  if (value > 65535) return false;
  bool ok = h.size() > 2 && h.front() == '[' && h.back() == ']'
                ? IsIpv6(h.substr(1, h.size() - 2))
                : IsIpv4(h);
  if (!ok) return false;
  *host = h.size() > 2 && h.front() == '[' ? std::string(h.substr(1, h.size() - 2))
                                            : std::string(h);
  *port = value;
  return true;
}

}  // namespace flexmail
