#include "mail/dkim.h"

#include <algorithm>
#include <memory>

#include "mail/dkim_dns.h"
#include "mail/dkim_input.h"
#include "mail/header.h"

#define _Bool bool  // dkim.h is C; g++ knows no _Bool
#include <dkim.h>
#undef _Bool

namespace flexmail {
namespace {

// Signatures verified per message: each may cost a key lookup.
constexpr size_t kMaxSignatures = 5;
constexpr size_t kMaxShownBytes = 64;     // one d= or s= in a detail
constexpr size_t kMaxDetailBytes = 400;
constexpr size_t kBodyChunk = 64 * 1024;

struct LibClose {
  void operator()(DKIM_LIB* lib) const { dkim_close(lib); }
};
struct HandleFree {
  void operator()(DKIM* dkim) const { dkim_free(dkim); }
};
using LibPtr = std::unique_ptr<DKIM_LIB, LibClose>;
using HandlePtr = std::unique_ptr<DKIM, HandleFree>;

// What a signature said, for the verdict.
struct SigOutcome {
  bool pass = false;
  bool temporary = false;  // its key could not be fetched, for now
  std::string text;        // "d=... s=...: why"
};

// Message text in a detail: printable ASCII only, bounded.
std::string Shown(const unsigned char* s) {
  std::string out;
  for (; s != nullptr && *s != 0 && out.size() < kMaxShownBytes; ++s) {
    out.push_back(*s >= 0x20 && *s < 0x7F ? static_cast<char>(*s) : '?');
  }
  return s != nullptr && *s != 0 ? out + "..." : out;
}
std::string Shown(std::string_view s) {
  std::string z(s.substr(0, kMaxShownBytes + 1));
  return Shown(reinterpret_cast<const unsigned char*>(z.c_str()));
}


std::string_view TrimFws(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// The value of tag `name` in a tag=value list (a DKIM-Signature value or an
// h= list element); empty when absent.
std::string_view TagValue(std::string_view list, std::string_view name) {
  while (!list.empty()) {
    size_t semi = list.find(';');
    std::string_view item = list.substr(0, semi);
    size_t eq = item.find('=');
    if (eq != std::string_view::npos && TrimFws(item.substr(0, eq)) == name) {
      return TrimFws(item.substr(eq + 1));
    }
    if (semi == std::string_view::npos) break;
    list.remove_prefix(semi + 1);
  }
  return {};
}

bool ListsFrom(std::string_view h) {
  while (true) {
    size_t colon = h.find(':');
    std::string_view name = TrimFws(h.substr(0, colon));
    if (EqualsIgnoreCase(name, "from")) return true;
    if (colon == std::string_view::npos) return false;
    h.remove_prefix(colon + 1);
  }
}

// Whether selector._domainkey.domain can be asked of DNS at all (labels of
// letters, digits, '-' and '_', 1 to 63 bytes, 253 in all). Anything else
// can never have a key: a failure, not a lookup error to retry.
bool ValidKeyName(std::string_view selector, std::string_view domain) {
  std::string name = std::string(selector) + "._domainkey." + std::string(domain);
  if (!name.empty() && name.back() == '.') name.pop_back();
  if (name.size() > 253) return false;
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (out.size() + p.size() + 2 > kMaxDetailBytes) {
      out += out.empty() ? "..." : "; ...";
      break;
    }
    if (!out.empty()) out += "; ";
    out += p;
  }
  return out;
}

AuthVerdict Verdict(AuthResult result, std::string detail) {
  return AuthVerdict{"dkim", result, std::move(detail)};
}

// Keeps the From-aligned DKIM-Signature fields (the first kMaxSignatures)
// and drops the others, noting why in *skipped.
void SelectSignatures(DkimInput* in, std::string_view from_domain,
                      const PublicSuffixList& psl, std::vector<std::string>* skipped,
                      size_t* kept) {
  std::vector<std::string> fields;
  size_t over = 0;
  for (std::string& f : in->fields) {
    if (!NameIs(f, "DKIM-Signature")) {
      fields.push_back(std::move(f));
      continue;
    }
    std::string_view value = std::string_view(f).substr(f.find(':') + 1);
    std::string_view d = TagValue(value, "d");
    std::string_view s = TagValue(value, "s");
    if (!Aligned(d, from_domain, psl)) {
      if (skipped->size() < kMaxSignatures) {
        skipped->push_back("d=" + Shown(d) + ": not aligned with " + Shown(from_domain));
      }
    } else if (!ValidKeyName(s, d)) {
      if (skipped->size() < kMaxSignatures) {
        skipped->push_back("d=" + Shown(d) + " s=" + Shown(s) + ": not a valid key name");
      }
    } else if (*kept < kMaxSignatures) {
      ++*kept;
      fields.push_back(std::move(f));
    } else {
      ++over;
    }
  }
  if (over > 0) {
    skipped->push_back(std::to_string(over) + " more aligned signatures not examined");
  }
  in->fields = std::move(fields);
}

LibPtr MakeLibrary(const DkimKeySource& keys, DkimDns* dns) {
  LibPtr lib(dkim_init(nullptr, nullptr));
  if (!lib) return lib;
  // Bad signatures keep a handle, so their error can be reported.
  unsigned int flags = DKIM_LIBFLAGS_BADSIGHANDLES;
  unsigned int timeout = keys.timeout_seconds > 0 ? keys.timeout_seconds : 5;
  dkim_query_t method = keys.key_file.empty() ? DKIM_QUERY_DNS : DKIM_QUERY_FILE;
  bool ok =
      dkim_options(lib.get(), DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags) ==
          DKIM_STAT_OK &&
      dkim_options(lib.get(), DKIM_OP_SETOPT, DKIM_OPTS_TIMEOUT, &timeout, sizeof timeout) ==
          DKIM_STAT_OK &&
      dkim_options(lib.get(), DKIM_OP_SETOPT, DKIM_OPTS_QUERYMETHOD, &method,
                   sizeof method) == DKIM_STAT_OK;
  if (ok && !keys.key_file.empty()) {
    ok = dkim_options(lib.get(), DKIM_OP_SETOPT, DKIM_OPTS_QUERYINFO,
                      const_cast<char*>(keys.key_file.c_str()),
                      keys.key_file.size()) == DKIM_STAT_OK;
  }
  if (!ok) lib.reset();
  if (lib && dns != nullptr) dns->Install(lib.get());
  return lib;
}

// Header fields, end of header, body, end of message. The status of the
// last step; DKIM_STAT_OK when all went through.
DKIM_STAT Feed(DKIM* dkim, DkimInput& in) {
  for (std::string& f : in.fields) {
    DKIM_STAT st = dkim_header(dkim, reinterpret_cast<u_char*>(f.data()), f.size());
    if (st != DKIM_STAT_OK) return st;
  }
  DKIM_STAT st = dkim_eoh(dkim);
  if (st != DKIM_STAT_OK) return st;
  for (size_t at = 0; at < in.body.size(); at += kBodyChunk) {
    size_t n = std::min(kBodyChunk, in.body.size() - at);
    st = dkim_body(dkim, reinterpret_cast<u_char*>(in.body.data() + at), n);
    if (st != DKIM_STAT_OK) return st;
  }
  return dkim_eom(dkim, nullptr);
}

SigOutcome Judge(DKIM* dkim, DKIM_SIGINFO* sig, std::string_view from_domain,
                 const PublicSuffixList& psl) {
  SigOutcome out;
  const unsigned char* d = dkim_sig_getdomain(sig);
  std::string who = "d=" + Shown(d) + " s=" + Shown(dkim_sig_getselector(sig));
  auto why = [&](std::string reason) {
    out.text = who + ": " + reason;
    return out;
  };
  int flags = static_cast<int>(dkim_sig_getflags(sig));
  DKIM_SIGERROR err = dkim_sig_geterror(sig);
  // libopendkim reports a body hash mismatch as a bad signature; say which.
  if (dkim_sig_getbh(sig) == DKIM_SIGBH_MISMATCH) return why("body hash mismatch");
  if (err == DKIM_SIGERROR_KEYFAIL) {
    out.temporary = true;
    return why("key lookup failed");
  }
  if (err != DKIM_SIGERROR_OK) {
    const char* s = dkim_sig_geterrorstr(err);
    return why(s != nullptr ? Shown(reinterpret_cast<const unsigned char*>(s)) : "error");
  }
  if ((flags & DKIM_SIGFLAG_PROCESSED) == 0 || (flags & DKIM_SIGFLAG_IGNORE) != 0) {
    return why("not verified");
  }
  if ((flags & DKIM_SIGFLAG_PASSED) == 0) return why("signature mismatch");
  if (dkim_sig_getbh(sig) != DKIM_SIGBH_MATCH) return why("body hash mismatch");
  // RFC 8301: rsa-sha1 must not be accepted (SHA-1 collisions are practical);
  // libopendkim still verifies it.
  dkim_alg_t alg = DKIM_SIGN_UNKNOWN;
  if (dkim_sig_getsignalg(sig, &alg) != DKIM_STAT_OK || alg == DKIM_SIGN_RSASHA1) {
    return why("a=rsa-sha1 is not accepted (RFC 8301)");
  }
  std::string dom = d != nullptr ? reinterpret_cast<const char*>(d) : "";
  if (!Aligned(dom, from_domain, psl)) return why("not aligned with " + Shown(from_domain));
  u_char h_tag[] = "h";
  const u_char* h = dkim_sig_gettagvalue(sig, false, h_tag);
  if (h == nullptr || !ListsFrom(reinterpret_cast<const char*>(h))) {
    return why("From not signed (h=)");
  }
  ssize_t msglen = 0, canonlen = 0, signlen = -1;
  if (dkim_sig_getcanonlen(dkim, sig, &msglen, &canonlen, &signlen) != DKIM_STAT_OK) {
    return why("body length unknown");
  }
  if (signlen >= 0 && canonlen < msglen) {
    return why("l= signs " + std::to_string(canonlen) + " of " + std::to_string(msglen) +
               " body bytes");
  }
  out.pass = true;
  out.text = who;
  return out;
}

AuthVerdict Conclude(DKIM* dkim, DKIM_STAT fed, std::string_view from_domain,
                     const PublicSuffixList& psl, std::vector<std::string> reasons) {
  DKIM_SIGINFO** sigs = nullptr;
  int nsigs = 0;
  if (dkim_getsiglist(dkim, &sigs, &nsigs) != DKIM_STAT_OK || sigs == nullptr) nsigs = 0;
  bool temporary = false;
  for (int i = 0; i < nsigs; ++i) {
    SigOutcome o = Judge(dkim, sigs[i], from_domain, psl);
    if (o.pass) return Verdict(AuthResult::kPass, o.text);
    temporary = temporary || o.temporary;
    reasons.push_back(std::move(o.text));
  }
  if (nsigs == 0 && fed != DKIM_STAT_OK && fed != DKIM_STAT_NOSIG) {
    const char* s = dkim_getresultstr(fed);
    reasons.push_back(s != nullptr ? Shown(reinterpret_cast<const unsigned char*>(s))
                                   : "unverifiable");
    temporary = fed == DKIM_STAT_NORESOURCE;
  }
  if (reasons.empty()) reasons.push_back("no DKIM signature");
  return Verdict(temporary ? AuthResult::kTempError : AuthResult::kFail, Join(reasons));
}

std::string_view DomainOf(std::string_view address) {
  size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

}  // namespace

AuthVerdict VerifyDkim(std::string_view raw_message, std::string_view from_address,
                       const DkimKeySource& keys, const PublicSuffixList& psl) {
  std::string_view from_domain = DomainOf(from_address);
  if (psl.OrganizationalDomain(from_domain).empty()) {
    return Verdict(AuthResult::kFail, "From address has no valid domain");
  }
  DkimInput in;
  std::string reason;
  if (!SplitForDkim(raw_message, &in, &reason)) return Verdict(AuthResult::kFail, reason);
  size_t from_fields = 0;
  for (const std::string& f : in.fields) from_fields += NameIs(f, "From") ? 1 : 0;
  // Two From fields would let a signature cover one while the reader sees
  // the other.
  if (from_fields != 1) {
    return Verdict(AuthResult::kFail, std::to_string(from_fields) + " From fields");
  }
  std::vector<std::string> reasons;
  size_t kept = 0;
  SelectSignatures(&in, from_domain, psl, &reasons, &kept);
  if (kept == 0) {
    if (reasons.empty()) reasons.push_back("no DKIM signature");
    return Verdict(AuthResult::kFail, Join(reasons));
  }
  std::unique_ptr<DkimDns> dns;
  if (keys.key_file.empty()) {
    dns = DkimDns::Create(keys.nameservers, keys.timeout_seconds, &reason);
    if (!dns) return Verdict(AuthResult::kTempError, "DNS: " + reason);
  }
  LibPtr lib = MakeLibrary(keys, dns.get());
  if (!lib) return Verdict(AuthResult::kTempError, "libopendkim initialisation failed");
  DKIM_STAT st = DKIM_STAT_OK;
  u_char id[] = "flexmail";
  HandlePtr dkim(dkim_verify(lib.get(), id, nullptr, &st));
  if (!dkim) return Verdict(AuthResult::kTempError, "libopendkim: no verification handle");
  DKIM_STAT fed = Feed(dkim.get(), in);
  return Conclude(dkim.get(), fed, from_domain, psl, std::move(reasons));
}

}  // namespace flexmail
