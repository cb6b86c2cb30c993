#include "config/draft.h"

#include <cctype>
#include <map>
#include <set>
#include <string>

#include "config/syntax.h"

namespace flexmail::cfg {
namespace {

std::string LineOf(const toml::table& root, const std::string& path) {
  toml::node_view<const toml::node> at = root.at_path(path);
  if (!at || !at.node()->source().path) return "";
  return " (line " + std::to_string(at.node()->source().begin.line) + ")";
}

// Fails on the second entry whose `field` repeats an earlier one, pointing
// back at the first so the operator sees both.
template <typename T, typename Field>
Status CheckUnique(const Context& ctx, const toml::table& root, const std::vector<T>& items,
                   const std::string& section, std::string_view field, Field value) {
  std::map<std::string, size_t, std::less<>> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    auto [it, inserted] = seen.emplace(value(items[i]), i);
    if (inserted) continue;
    std::string first = JoinPath(IndexPath(section, it->second), field);
    return ctx.FailPath(root, JoinPath(IndexPath(section, i), field),
                        "already used by " + IndexPath(section, it->second) + LineOf(root, first));
  }
  return Status::Ok();
}

Status CheckUniqueIds(const Context& ctx, const toml::table& root, const Draft& d) {
  Status s =
      CheckUnique(ctx, root, d.meshes, "meshes", "code", [](const Mesh& m) { return m.code; });
  if (s.ok())
    s = CheckUnique(ctx, root, d.sites, "sites", "id", [](const Site& x) { return x.id; });
  if (s.ok())
    s = CheckUnique(ctx, root, d.contracts, "contracts", "code",
                    [](const Contract& c) { return c.code; });
  if (s.ok())
    s = CheckUnique(ctx, root, d.shippers, "shippers", "name",
                    [](const Shipper& x) { return x.name; });
  return s;
}

Status CheckSiteMeshes(const Context& ctx, const toml::table& root, const Draft& d) {
  std::set<std::string, std::less<>> meshes;
  for (const Mesh& m : d.meshes) meshes.insert(m.code);
  for (size_t i = 0; i < d.sites.size(); ++i) {
    if (!meshes.count(d.sites[i].mesh))
      return ctx.FailPath(root, IndexPath("sites", i) + ".mesh", "no [[meshes]] has this code");
  }
  return Status::Ok();
}

Status CheckContract(const Context& ctx, const toml::table& root, const Contract& contract,
                     const std::string& path, const std::set<std::string, std::less<>>& sites) {
  Status s = CheckUnique(ctx, root, contract.sites, path + ".sites", "site",
                         [](const ContractSite& cs) { return cs.site; });
  for (size_t j = 0; s.ok() && j < contract.sites.size(); ++j) {
    const ContractSite& cs = contract.sites[j];
    std::string at = IndexPath(path + ".sites", j);
    if (!sites.count(cs.site)) {
      s = ctx.FailPath(root, at + ".site", "no [[sites]] has this id");
    } else if (cs.qmax < cs.qmin) {
      s = ctx.FailPath(root, at + ".qmax", "less than qmin (" + FormatNumber(cs.qmin) + ")");
    }
  }
  return s;
}

Status CheckShipperSites(const Context& ctx, const toml::table& root, const Shipper& shipper,
                         const std::string& path, const std::set<std::string, std::less<>>& sites) {
  for (size_t j = 0; j < shipper.sites.size(); ++j) {
    if (!sites.count(shipper.sites[j]))
      return ctx.FailPath(root, IndexPath(path + ".sites", j), "no [[sites]] has this id");
  }
  return Status::Ok();
}

// Secrets.

constexpr std::string_view kPasswordReason =
    "passwords go in the file named by password_file, never in the configuration";

constexpr std::string_view kClientSecretReason =
    "secrets and tokens go in the file named by client_secret_file (or come from "
    "token_command), never in the configuration";

std::string Lower(std::string_view key) {
  std::string k;
  for (unsigned char c : key) k += static_cast<char>(std::tolower(c));
  return k;
}

bool IsPasswordKey(std::string_view key) {
  const std::string k = Lower(key);
  if (k == "password_file") return false;
  return k == "pass" || k.find("password") != std::string::npos ||
         k.find("passwd") != std::string::npos;
}

// client_secret, access_token, token, bearer...: [oauth2]'s own keys name
// files, URLs and commands instead, and so does [canary] secret_file.
bool IsTokenKey(std::string_view key) {
  const std::string k = Lower(key);
  // A key naming a file holds a path, not the secret (secret_file, ...).
  if (k.ends_with("_file") || k == "token_url" || k == "token_command") return false;
  return k.find("secret") != std::string::npos || k == "token" ||
         k.find("access_token") != std::string::npos || k.find("bearer") != std::string::npos;
}

struct Secret {
  const toml::node* node = nullptr;  // the first one in the file
  std::string path;
  std::string reason;
};

void Consider(const toml::node& node, std::string path, std::string reason, Secret* first) {
  if (first->node && !(node.source().begin < first->node->source().begin)) return;
  *first = {&node, std::move(path), std::move(reason)};
}

void FindSecrets(const toml::node& node, const std::string& path, Secret* first) {
  if (const toml::table* table = node.as_table()) {
    for (const auto& [key, value] : *table) {
      std::string at = JoinPath(path, key.str());
      if (IsPasswordKey(key.str())) {
        Consider(value, std::move(at), std::string(kPasswordReason), first);
      } else if (IsTokenKey(key.str())) {
        Consider(value, std::move(at), std::string(kClientSecretReason), first);
      } else {
        FindSecrets(value, at, first);
      }
    }
  } else if (const toml::array* array = node.as_array()) {
    for (size_t i = 0; i < array->size(); ++i)
      FindSecrets(*array->get(i), IndexPath(path, i), first);
  } else if (auto text = node.value_exact<std::string>(); text && HasUrlPassword(*text)) {
    Consider(node, path, "the URL holds a password; " + std::string(kPasswordReason), first);
  }
}

// The email channel.

bool Has(const toml::table& root, std::string_view path) {
  return static_cast<bool>(root.at_path(path));
}

// "(300)", or "(300, its default)" when `path` is not in the file.
std::string OtherValue(const toml::table& root, std::string_view path, std::int64_t value) {
  return "(" + std::to_string(value) + (Has(root, path) ? ")" : ", its default)");
}

// A key missing from a section that is in the file: the line is the
// section's, as for keys a table requires.
Status FailMissing(const Context& ctx, const toml::table& root, std::string_view section,
                   std::string_view key, std::string_view why) {
  const toml::node* table = root.get(section);
  std::uint32_t line = table && table->source().path ? table->source().begin.line : 0;
  return ctx.FailAt(line, JoinPath(section, key),
                    "required key is missing (" + std::string(why) + ")");
}

Status CheckLimits(const Context& ctx, const toml::table& root, const LimitSettings& limits) {
  if (limits.max_csv_bytes <= limits.max_message_bytes) return Status::Ok();
  if (Has(root, "limits.max_csv_bytes")) {
    return ctx.FailPath(root, "limits.max_csv_bytes",
                        "more than max_message_bytes " +
                            OtherValue(root, "limits.max_message_bytes", limits.max_message_bytes));
  }
  return ctx.FailPath(
      root, "limits.max_message_bytes",
      "less than max_csv_bytes " + OtherValue(root, "limits.max_csv_bytes", limits.max_csv_bytes));
}

// auth = "password" needs the password's file; "oauth2" has no use for one
// and no use for a mechanism of its own without it.
Status CheckLogin(const Context& ctx, const toml::table& root, std::string_view section,
                  MailLogin login, const std::string& password_file, std::string_view why) {
  const std::string password_path = JoinPath(section, "password_file");
  const std::string mechanism_path = JoinPath(section, "sasl_mechanism");
  if (login == MailLogin::kPassword) {
    if (Has(root, mechanism_path))
      return ctx.FailPath(root, mechanism_path, "only used with auth = \"oauth2\"");
    if (password_file.empty()) return FailMissing(ctx, root, section, "password_file", why);
    return Status::Ok();
  }
  if (Has(root, password_path))
    return ctx.FailPath(root, password_path,
                        "not used with auth = \"oauth2\" (the token comes from [oauth2])");
  if (!root.get("oauth2"))
    return ctx.FailPath(root, JoinPath(section, "auth"),
                        "needs an [oauth2] section (where the tokens come from)");
  return Status::Ok();
}

Status CheckInbox(const Context& ctx, const toml::table& root, const InboxSettings& inbox) {
  const toml::node* table = root.get("inbox");
  if (!table) return Status::Ok();
  toml::node_view<const toml::node> maildir = root.at_path("inbox.maildir");
  toml::node_view<const toml::node> imap = root.at_path("inbox.imap_url");
  if (maildir && imap) {
    // The one written second is at fault.
    bool imap_second = maildir.node()->source().begin < imap.node()->source().begin;
    std::string first = imap_second ? "maildir" : "imap_url";
    std::string second = imap_second ? "imap_url" : "maildir";
    return ctx.FailPath(root, "inbox." + second,
                        "cannot be set with " + first + LineOf(root, "inbox." + first) +
                            ": an inbox is a Maildir or an IMAP mailbox, not both");
  }
  if (!maildir && !imap) return ctx.Fail(*table, "inbox", "expected maildir or imap_url");
  if (imap) {
    if (inbox.username.empty())
      return FailMissing(ctx, root, "inbox", "username", "needed with imap_url");
    return CheckLogin(ctx, root, "inbox", inbox.auth, inbox.password_file,
                      "needed with imap_url and auth = \"password\"");
  }
  for (std::string_view key : {"username", "auth", "sasl_mechanism", "password_file", "ca_file",
                               "require_tls", "idle", "idle_refresh"}) {
    std::string path = JoinPath("inbox", key);
    if (Has(root, path)) return ctx.FailPath(root, path, "only used with imap_url");
  }
  return Status::Ok();
}

Status CheckOutbox(const Context& ctx, const toml::table& root, const OutboxSettings& outbox) {
  if (outbox.retry_max >= outbox.retry_initial) return Status::Ok();
  if (Has(root, "outbox.retry_max")) {
    return ctx.FailPath(root, "outbox.retry_max",
                        "less than retry_initial " +
                            OtherValue(root, "outbox.retry_initial", outbox.retry_initial.count()));
  }
  return ctx.FailPath(
      root, "outbox.retry_initial",
      "more than retry_max " + OtherValue(root, "outbox.retry_max", outbox.retry_max.count()));
}

Status CheckSmtp(const Context& ctx, const toml::table& root, const SmtpSettings& smtp) {
  if (!root.get("smtp")) return Status::Ok();
  if (!smtp.require_auth) {
    if (smtp.auth == MailLogin::kOAuth2)
      return ctx.FailPath(root, "smtp.auth", "oauth2 needs require_auth = true");
    return Status::Ok();
  }
  if (smtp.username.empty())
    return FailMissing(ctx, root, "smtp", "username", "needed unless require_auth = false");
  return CheckLogin(ctx, root, "smtp", smtp.auth, smtp.password_file,
                    "needed unless require_auth = false or auth = \"oauth2\"");
}

// One credential, and with a secret or a certificate, where and for what to
// ask for tokens; token_command alone needs nothing else.
Status CheckOAuth2(const Context& ctx, const toml::table& root, const OAuth2Settings& o) {
  const toml::node* table = root.get("oauth2");
  if (!table) return Status::Ok();
  const bool secret = Has(root, "oauth2.client_secret_file");
  const bool certificate = Has(root, "oauth2.certificate_file");
  const bool key = Has(root, "oauth2.private_key_file");
  const bool command = Has(root, "oauth2.token_command");
  if (certificate != key)
    return FailMissing(ctx, root, "oauth2", certificate ? "private_key_file" : "certificate_file",
                       "certificate_file and private_key_file go together");
  if (int(secret) + int(certificate) + int(command) != 1)
    return ctx.Fail(*table, "oauth2",
                    "expected exactly one credential: client_secret_file, certificate_file "
                    "with private_key_file, or token_command");
  if (command) {
    for (std::string_view k : {"token_url", "client_id", "scope", "assertion_algorithm", "ca_file"})
      if (Has(root, JoinPath("oauth2", k)))
        return ctx.FailPath(root, JoinPath("oauth2", k),
                            "not used with token_command (the program gets the token)");
    return Status::Ok();
  }
  if (secret && Has(root, "oauth2.assertion_algorithm"))
    return ctx.FailPath(root, "oauth2.assertion_algorithm",
                        "only used with certificate_file (a secret signs nothing)");
  for (auto [k, v] : {std::pair<std::string_view, const std::string*>{"token_url", &o.token_url},
                      {"client_id", &o.client_id},
                      {"scope", &o.scope}})
    if (v->empty())
      return FailMissing(ctx, root, "oauth2", k, "needed unless token_command is used");
  return Status::Ok();
}

// Reading mail needs a stated authentication mode (no silent default), an
// authserv_id where Authentication-Results are trusted, and certificates
// for every shipper that must sign.
Status CheckAuthentication(const Context& ctx, const toml::table& root, const Draft& d) {
  if (root.get("inbox") && !d.authentication.configured)
    return ctx.FailAt(0, "authentication",
                      "required with [inbox]: set mode = \"dkim\", \"authentication-results\", "
                      "\"smime\" or \"none\"");
  bool needs_authserv = d.authentication.configured &&
                        d.authentication.mode == AuthMode::kAuthenticationResults;
  for (size_t i = 0; i < d.shippers.size(); ++i) {
    const Shipper& sh = d.shippers[i];
    // Without the section, only a shipper's own method says anything.
    if (!d.authentication.configured && sh.authentication.empty()) continue;
    const AuthMode m = ModeFor(d, sh);
    needs_authserv = needs_authserv || m == AuthMode::kAuthenticationResults;
    if (m == AuthMode::kSmime && sh.certificates.empty())
      return ctx.FailPath(root, IndexPath("shippers", i),
                          "certificates: required with smime authentication (the PEM files of "
                          "its signing certificates or their issuing CAs)");
  }
  if (needs_authserv && d.authentication.authserv_id.empty())
    return ctx.FailAt(0, "authentication.authserv_id",
                      "required key is missing (needed with authentication-results: the "
                      "authserv-id your receiving server writes, or microsoft365)");
  return Status::Ok();
}

// A probe goes out through [smtp] and comes back through an IMAP [inbox]
// (the canary folder is an IMAP folder, distinct from the others).
Status CheckCanary(const Context& ctx, const toml::table& root, const Draft& d) {
  const toml::node* table = root.get("canary");
  if (!table) return Status::Ok();
  if (d.inbox.imap_url.empty())
    return ctx.Fail(*table, "canary", "needs an [inbox] with imap_url (probes come back there)");
  if (d.smtp.url.empty())
    return ctx.Fail(*table, "canary", "needs [smtp] (probes go out through the relay)");
  for (const std::string* f : {&d.inbox.processed_folder, &d.inbox.rejected_folder,
                               &d.inbox.ignored_folder}) {
    if (*f == d.canary.folder)
      return ctx.FailPath(root, "canary.folder", "is already one of [inbox]'s folders");
  }
  return Status::Ok();
}

Status CheckMailChannel(const Context& ctx, const toml::table& root, const Draft& d) {
  Status s = CheckLimits(ctx, root, d.limits);
  if (s.ok()) s = CheckAuthentication(ctx, root, d);
  if (s.ok()) s = CheckInbox(ctx, root, d.inbox);
  if (s.ok()) s = CheckOutbox(ctx, root, d.outbox);
  if (s.ok()) s = CheckSmtp(ctx, root, d.smtp);
  if (s.ok()) s = CheckOAuth2(ctx, root, d.oauth2);
  if (s.ok()) s = CheckCanary(ctx, root, d);
  // Every reply is sent from mail.address; [mail] itself requires it, so it
  // is missing only when [mail] is.
  if (s.ok() && root.get("inbox") && d.mail.address.empty())
    s = ctx.FailAt(0, "mail.address",
                   "required key is missing (needed with [inbox]: replies are sent from it)");
  return s;
}

}  // namespace

Status CheckNoSecrets(const Context& ctx, const toml::table& root) {
  Secret first;
  FindSecrets(root, "", &first);
  if (!first.node) return Status::Ok();
  std::uint32_t line = first.node->source().path ? first.node->source().begin.line : 0;
  return ctx.FailAt(line, first.path, first.reason);
}

Status CheckDraft(const Context& ctx, const toml::table& root, const Draft& draft) {
  Status s = CheckUniqueIds(ctx, root, draft);
  if (s.ok()) s = CheckSiteMeshes(ctx, root, draft);
  std::set<std::string, std::less<>> sites;
  for (const Site& site : draft.sites) sites.insert(site.id);
  for (size_t i = 0; s.ok() && i < draft.contracts.size(); ++i)
    s = CheckContract(ctx, root, draft.contracts[i], IndexPath("contracts", i), sites);
  for (size_t i = 0; s.ok() && i < draft.shippers.size(); ++i)
    s = CheckShipperSites(ctx, root, draft.shippers[i], IndexPath("shippers", i), sites);
  if (s.ok()) s = CheckMailChannel(ctx, root, draft);
  return s;
}

}  // namespace flexmail::cfg
