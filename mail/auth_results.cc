#include "mail/auth_results.h"

#include <string>

#include "mail/auth_results_parse.h"
#include "mail/header.h"

namespace flexmail {
namespace {

constexpr std::string_view kMethod = "authentication-results";

// The MTA puts its field at the top, so ours is among the first lines: a
// field further down than these bounds is not one our side wrote, and a
// hostile header costs no more than reading them.
constexpr size_t kMaxHeaderBytes = 256 * 1024;
constexpr size_t kMaxHeaderLines = 1000;  // as MailLimits::max_header_lines
constexpr size_t kMaxAuthResFields = 100;

// Values from the message go into `detail`, which is logged, stored and put
// in replies: printable ASCII only, and short.
std::string Printable(std::string_view s) {
  constexpr size_t kMax = 100;
  std::string out;
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    out.push_back(s[i] >= 0x20 && s[i] <= 0x7E ? s[i] : '?');
  }
  if (s.size() > kMax) out += "...";
  return out;
}

// Domains compare without case, and "example.org." is "example.org".
bool SameDomain(std::string_view a, std::string_view b) {
  if (!a.empty() && a.back() == '.') a.remove_suffix(1);
  if (!b.empty() && b.back() == '.') b.remove_suffix(1);
  return !a.empty() && EqualsIgnoreCase(a, b);
}

AuthVerdict Verdict(AuthResult result, std::string detail) {
  return {std::string(kMethod), result, std::move(detail)};
}

AuthVerdict Fail(std::string detail) { return Verdict(AuthResult::kFail, std::move(detail)); }

// The header section, within the bounds. A field cut by a bound may miss
// its end ("header.from=engie.example" of "engie.example.evil"), so the last
// field read is dropped when reading stopped early.
Header ReadBoundedHeader(std::string_view raw_message) {
  std::string_view view = raw_message.substr(0, kMaxHeaderBytes);
  Header header;
  size_t lines = 0, body_offset = 0;
  bool complete = ReadHeader(view, kMaxHeaderLines, &lines, &header, &body_offset);
  bool cut = view.size() < raw_message.size() && body_offset >= view.size();
  if ((!complete || cut) && !header.fields.empty()) header.fields.pop_back();
  return header;
}

// Finds the field to believe: the first Authentication-Results field that
// is ours. Stops with a failure at a field whose authserv-id cannot be
// read: it might be ours, and skipping it would let a lower copy win.
bool FindOurField(const Header& header, bool microsoft, std::string_view authserv_id,
                  const HeaderField** ours, std::string* why) {
  size_t seen = 0;
  for (const HeaderField& f : header.fields) {
    if (!EqualsIgnoreCase(f.name, "Authentication-Results")) continue;
    if (++seen > kMaxAuthResFields) {
      *why = "plus de " + std::to_string(kMaxAuthResFields) + " champs Authentication-Results";
      return false;
    }
    bool has_id = false;
    std::string id, error;
    if (!ReadAuthservId(f.value, &has_id, &id, &error)) {
      *why = "champ Authentication-Results illisible au-dessus de celui de " + Printable(authserv_id) +
             " : " + error;
      return false;
    }
    if (microsoft ? !has_id : (has_id && SameDomain(id, authserv_id))) {
      *ours = &f;
      return true;
    }
  }
  *why = "aucun champ Authentication-Results de " + Printable(authserv_id);
  return false;
}

// The one result of `method`, or nullptr with *count set (0 or several).
const AuthResInfo* OnlyResult(const AuthResField& field, std::string_view method, int* count) {
  const AuthResInfo* found = nullptr;
  *count = 0;
  for (const AuthResInfo& r : field.results) {
    if (r.method == method) {
      found = &r;
      ++*count;
    }
  }
  return *count == 1 ? found : nullptr;
}

// Microsoft 365's composite authentication (compauth) is its own verdict on
// the sender, DMARC included, and it can refuse a message DMARC passes (a
// spoofing heuristic, an override). We never believe more than Microsoft
// does: with compauth present, only compauth=pass lets dmarc=pass through;
// fail, softfail, none or anything else makes the message fail. A field
// without compauth is judged on DMARC alone, as for any other server.
bool CompauthAgrees(const AuthResField& field, std::string* why, std::string* note) {
  int count = 0;
  const AuthResInfo* c = OnlyResult(field, "compauth", &count);
  if (count == 0) return true;
  if (c == nullptr) {
    *why = "plusieurs résultats compauth dans le champ de Microsoft 365";
    return false;
  }
  std::string reason = c->reason.empty() ? "" : " reason=" + Printable(c->reason);
  if (c->result != "pass") {
    *why = "compauth=" + Printable(c->result) + reason +
           " : Microsoft 365 n'authentifie pas l'expéditeur, malgré dmarc=pass";
    return false;
  }
  *note = " compauth=pass";
  return true;
}

AuthVerdict Judge(const AuthResField& field, bool microsoft, std::string_view authserv_id,
                  std::string_view from_domain) {
  std::string where = " (" + Printable(authserv_id) + ")";
  int count = 0;
  const AuthResInfo* dmarc = OnlyResult(field, "dmarc", &count);
  if (count == 0) return Fail("aucun résultat dmarc dans le champ Authentication-Results" + where);
  if (dmarc == nullptr) return Fail("plusieurs résultats dmarc dans le champ Authentication-Results" + where);
  std::string header_from;
  bool has_from = dmarc->UniqueProperty("header.from", &header_from);
  std::string shown = "dmarc=" + Printable(dmarc->result) +
                      (has_from ? " header.from=" + Printable(header_from) : std::string());
  if (dmarc->result == "temperror") return Verdict(AuthResult::kTempError, shown + where);
  if (dmarc->result != "pass") return Fail(shown + where);
  if (!has_from) return Fail("dmarc=pass sans header.from unique" + where);
  if (!SameDomain(header_from, from_domain)) {
    return Fail(shown + where + " : pas le domaine du From, " + Printable(from_domain));
  }
  std::string why, note;
  if (microsoft && !CompauthAgrees(field, &why, &note)) return Fail(why);
  return Verdict(AuthResult::kPass, "dmarc=pass header.from=" + Printable(AsciiLower(from_domain)) + note + where);
}

}  // namespace

AuthVerdict CheckAuthenticationResults(std::string_view raw_message, std::string_view authserv_id,
                                       std::string_view from_address) {
  bool microsoft = EqualsIgnoreCase(authserv_id, kMicrosoft365AuthservId);
  if (authserv_id.empty()) return Fail("authserv-id non configuré");
  size_t at = from_address.rfind('@');
  std::string_view from_domain = at == std::string_view::npos ? "" : from_address.substr(at + 1);
  if (from_domain.empty()) return Fail("adresse From sans domaine : " + Printable(from_address));

  Header header = ReadBoundedHeader(raw_message);
  const HeaderField* ours = nullptr;
  std::string why;
  if (!FindOurField(header, microsoft, authserv_id, &ours, &why)) return Fail(why);
  AuthResField field;
  if (!ParseAuthResults(ours->value, &field, &why)) {
    return Fail("champ Authentication-Results de " + Printable(authserv_id) + " illisible : " + why);
  }
  return Judge(field, microsoft, authserv_id, from_domain);
}

}  // namespace flexmail
