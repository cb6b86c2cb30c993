// The configuration file: one TOML file, read and checked once at start.
//
// Keys, with the values each accepts ("number": an integer or a float;
// "integer": also a float with no fractional part):
//
//   [database]                                   optional section
//   path = "flexmail.db"                         string, not empty; relative to the
//                                                config file's folder unless absolute
//   max_size_mb = 0                              integer 0..2^30; 0: no cap. Beyond it the
//                                                ledger refuses to grow, as on a full disk
//   [rules]                                      optional section
//   partial_flexibility_kwh_per_tranche = 800000 number > 0 (RULES §4.6, B)
//   indicator_delay_minutes = 23                 integer 0..1440 (RULES §5)
//   unknown_indicator = "RED"                    GREEN | RED | GREY
//   max_days_ahead = 3                           integer 1..366: a programme's gas day may
//                                                be at most this many days after the gas
//                                                day in progress (RULES §3, GAS_DAY_TOO_FAR)
//   [[meshes]]                                   at least one
//   code = "ME0005"                              ME + 4 digits, unique
//   label = "Bretagne"                           string, not empty
//   [[sites]]                                    at least one
//   id = "LI0001"                                LI + 4 digits, unique
//   label = "Quimper"                            string, not empty
//   mesh = "ME0005"                              the code of a [[meshes]]
//   client = "ENGIE"                             string, not empty
//   tranches = 1                                 integer >= 1, default 1
//   [[contracts]]                                optional
//   code = "GFQUIMP01"                           1-40 of [A-Za-z0-9._], unique
//   [[contracts.sites]]                          at least one per contract
//   site = "LI0001"                              the id of a [[sites]], once per contract
//   qmin = 0                                     number >= 0, default 0 (kWh/h)
//   qmax = 1000000                               number >= qmin (kWh/h)
//   tolerance_pct = 0                            number 0..100, default 0 (5 = +/-5 %)
//   [[shippers]]                                 optional
//   name = "ENGIE"                               string, not empty, unique
//   senders = ["ops@engie.example", "@engie-trading.example"]
//                                                at least one; an address, or "@domain"
//                                                for every address of that domain
//   sites = ["LI0001"]                           ids of [[sites]] it may declare for
//   cc = ["desk@engie.example"]                  addresses copied on every reply; default []
//   (authentication, certificates: see [authentication] below)
//
// The email channel: five optional sections (the engine-only commands need
// none of them). Durations are integer seconds. Paths marked "resolved" are
// relative to the config file's folder unless absolute; the files and
// folders they name are not opened here (the daemon reports their errors).
//
//   [mail]                                       required with [inbox]
//   address = "declarations@flexmail.example"    an address; the From of every reply
//   domain = "flexmail.example"                  a domain (for Message-IDs); default:
//                                                the domain of address
//   [limits]                                     what one received message may hold
//   max_message_bytes = 10485760                 integer 1..104857600 (100 MiB)
//   max_attachments = 20                         integer 1..1000
//   max_csv_bytes = 1048576                      integer 1..52428800 (50 MiB),
//                                                at most max_message_bytes
//   max_depth = 10                               integer 1..100 (MIME nesting)
//   max_header_lines = 1000                      integer 10..100000
//   max_ignored_bytes_per_day = 52428800         integer 0..10737418240 (10 GiB):
//                                                header bytes of ignored mail
//                                                kept per day
//   [inbox]                                      exactly one of maildir, imap_url
//   maildir = "Maildir"                          string, not empty; resolved
//   imap_url = "imaps://imap.example/INBOX"      imaps:// or imap:// (STARTTLS), a host,
//                                                an optional :port and a mailbox; no
//                                                user name or password in it
//   username = "flexmail"                        not empty; required with imap_url
//   auth = "password"                            password | oauth2 (needs [oauth2]);
//                                                default password
//   sasl_mechanism = "XOAUTH2"                   XOAUTH2 | OAUTHBEARER; oauth2 only;
//                                                default: whichever the server offers
//   password_file = "imap.pass"                  not empty; resolved; required with
//                                                imap_url and auth = "password", refused
//                                                with oauth2
//   ca_file = "ca.pem"                           not empty; resolved; default: the
//                                                system's CAs
//   require_tls = true                           default true
//            (username, auth, sasl_mechanism, password_file, ca_file, require_tls:
//            imap_url only)
//   processed_folder = "Processed"               folder names: not empty, no / and no
//   rejected_folder = "Rejected"                 control characters; defaults as shown
//   ignored_folder = "Ignored"
//   poll_interval = 30                           integer 1..3600, default 30
//   connect_timeout = 10                         integer 1..600, default 10
//   low_speed_time = 60                          integer 1..600, default 60 (gives up
//                                                below 1 byte/s for this long)
//   idle = true                                  IMAP IDLE when offered; default true
//   idle_refresh = 1740                          integer 5..1740, default 1740: IDLE is
//                                                re-issued after this many seconds
//   [outbox]                                     replies and their retries
//   directory = "outbox"                         not empty; resolved; replies written as
//                                                .eml files when no [smtp]; default unset
//   retry_initial = 30                           integer 1..3600, default 30
//   retry_max = 300                              integer retry_initial..86400, default 300
//   give_up_after = 86400                        integer 60..2592000 (30 days), default 86400
//   [smtp]                                       the relay replies leave through
//   url = "smtps://smtp.example:465"             required; smtps:// or smtp:// (STARTTLS),
//                                                a host, an optional :port; no user name
//                                                or password in it
//   username = "flexmail"                        not empty; required unless require_auth
//                                                is false
//   auth = "password"                            password | oauth2 (needs [oauth2] and
//                                                require_auth); default password
//   sasl_mechanism = "XOAUTH2"                   as in [inbox]
//   password_file = "smtp.pass"                  not empty; resolved; as username, with
//                                                auth = "password" only
//   ca_file = "ca.pem"                           not empty; resolved
//   require_tls = true                           default true
//   require_auth = true                          default true
//   connect_timeout = 10                         integer 1..600, default 10
//   low_speed_time = 60                          integer 1..600, default 60
//   [oauth2]                                     required when an auth is oauth2 (README,
//                                                "Microsoft 365"); exactly one credential:
//                                                client_secret_file, certificate_file +
//                                                private_key_file, or token_command
//   token_url = "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token"
//                                                https:// only; required unless
//                                                token_command
//   client_id = "00000000-..."                   not empty; as token_url
//   scope = "https://outlook.office365.com/.default"
//                                                not empty; as token_url
//   client_secret_file = "oauth2.secret"         not empty; resolved
//   certificate_file = "app.pem"                 not empty; resolved; with private_key_file
//   private_key_file = "app.key"                 not empty; resolved (RSA)
//   assertion_algorithm = "RS256"                RS256 | PS256; default RS256
//   token_command = "/usr/local/bin/get-token"   not empty; run by /bin/sh, prints a token
//   ca_file = "ca.pem"                           not empty; resolved; trusted for
//                                                token_url; default: the system's CAs
//   [canary]                                     optional: a probe to ourselves (README
//                                                "The canary"); needs [inbox] and [smtp]
//   interval = 900                               required; integer 5..604800 (seconds)
//   secret_file = "canary.secret"                required; resolved; keys the probes' HMAC
//   address = "contact@operator.example"         an address; default: [mail] address
//   folder = "Canary"                            where returned probes are filed
//   [metrics]                                    optional
//   textfile = "/var/lib/prometheus/node-exporter/flexmail.prom"
//                                                required; resolved; rewritten after each
//                                                poll (node_exporter textfile format)
//   [http]                                       optional: the read-only web console
//   listen = "127.0.0.1:8025"                    required; IPv4:port or [IPv6]:port
//   [authentication]                             required with [inbox] (README,
//                                                "Sender authentication")
//   mode = "dkim"                                required; dkim | authentication-results
//                                                | smime | none
//   authserv_id = "mx.operator.example"          a host name or microsoft365; required
//                                                when a shipper's method is
//                                                authentication-results
//   dkim_keys_file = "dkim-keys"                 not empty; resolved; default: DNS
//   dkim_nameservers = ["127.0.0.1:53"]          IPv4[:port]; default [] (the system's)
//   temp_fail_for = 3600                         integer 60..604800, default 3600
//   failure_reply_interval = 3600                integer 0..604800, default 3600
//   and in [[shippers]]:
//   authentication = "smime"                     a mode overriding [authentication]
//   certificates = ["edf.pem"]                   PEM files (signers or issuing CAs);
//                                                resolved; required with smime
//
// No password is ever written in this file, under any key nor inside a URL:
// a key named like one (password, passwd, pass, smtp_password...) or a URL
// with a password is an error whose message does not quote the value.
//
// Unknown keys and unknown sections are errors: a typo must not fall back to
// a default silently. Every error is one message:
//
//   <file>:<line>: <key path> = <value>: <reason>
//   flexmail.toml:14: sites[2].mesh = "ME0099": no [[meshes]] has this code
//
// Key paths use toml++'s syntax, arrays counted from 0 (sites[2] is the third
// [[sites]]). " = <value>" is absent for tables and missing keys, the line is
// absent for a missing top-level section. TOML syntax errors read
// "<file>:<line>:<column>: <toml++ description>".
//
// Adding a section ([audit], ...): declare its struct in config.h and add it
// as a field of Config, write its key table below (Key<YourStruct> rows:
// name, &YourStruct::field, default as a TOML literal, kRequired or
// kOptional, range, syntax check), and add one row to kSections:
//   {"audit", Section<&Config::audit, kAuditKeys>, "{}"},
// ("{}": an absent section reads as an empty one, every key defaulted;
// kOptional: an absent section leaves the struct as it is, so the section
// may have required keys of its own.)
// Plain fields may be std::string, bool, int, std::int64_t, double,
// std::vector<std::string>, std::chrono::seconds or std::chrono::minutes;
// anything else takes a cfg::Reader (see ReadLight). Checks that relate
// several entries go in draft.cc.
#include "config/config.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <toml++/toml.h>

#include "config/draft.h"
#include "config/schema.h"
#include "config/syntax.h"

namespace flexmail {
namespace {

using cfg::Above;
using cfg::Any;
using cfg::AtLeast;
using cfg::Between;
using cfg::Draft;
using cfg::Key;
using cfg::kOptional;
using cfg::kRequired;
using cfg::NonEmpty;

constexpr Key<cfg::DatabaseSection> kDatabaseKeys[] = {
    {"path", &cfg::DatabaseSection::path, R"("flexmail.db")", NonEmpty()},
    {"max_size_mb", &cfg::DatabaseSection::max_size_mb, "0", Between(0, 1 << 30)},
};

Status ReadLight(const cfg::Context& ctx, const toml::node& node, const std::string& path,
                 RuleSettings* out) {
  std::string name;
  Status s = cfg::ReadInto(ctx, node, path, Any(), cfg::LightSyntax, &name);
  if (s.ok()) ParseLight(name, &out->unknown_indicator);
  return s;
}

constexpr Key<RuleSettings> kRulesKeys[] = {
    {"partial_flexibility_kwh_per_tranche", &RuleSettings::partial_flexibility_kwh_per_tranche,
     "800000", Above(0)},
    {"indicator_delay_minutes", &RuleSettings::indicator_delay, "23", Between(0, 1440)},
    {"unknown_indicator", ReadLight, R"("RED")"},
    {"max_days_ahead", &RuleSettings::max_days_ahead, "3", Between(1, 366)},
};

constexpr Key<Mesh> kMeshKeys[] = {
    {"code", &Mesh::code, kRequired, Any(), cfg::MeshCodeSyntax},
    {"label", &Mesh::label, kRequired, NonEmpty()},
};

constexpr Key<Site> kSiteKeys[] = {
    {"id", &Site::id, kRequired, Any(), cfg::SiteIdSyntax},
    {"label", &Site::label, kRequired, NonEmpty()},
    {"mesh", &Site::mesh, kRequired, Any(), cfg::MeshCodeSyntax},
    {"client", &Site::client, kRequired, NonEmpty()},
    {"tranches", &Site::tranches, "1", AtLeast(1)},
};

constexpr Key<ContractSite> kContractSiteKeys[] = {
    {"site", &ContractSite::site, kRequired, Any(), cfg::SiteIdSyntax},
    {"qmin", &ContractSite::qmin, "0", AtLeast(0)},
    {"qmax", &ContractSite::qmax, kRequired, AtLeast(0)},
    {"tolerance_pct", &ContractSite::tolerance_pct, "0", Between(0, 100)},
};

constexpr Key<Contract> kContractKeys[] = {
    {"code", &Contract::code, kRequired, Any(), cfg::ContractCodeSyntax},
    {"sites", cfg::TablesOf<&Contract::sites, kContractSiteKeys, 1>, kRequired},
};

constexpr Key<Shipper> kShipperKeys[] = {
    {"name", &Shipper::name, kRequired, NonEmpty()},
    {"senders", &Shipper::senders, kRequired, NonEmpty(), cfg::SenderSyntax},
    {"sites", &Shipper::sites, kRequired, Any(), cfg::SiteIdSyntax},
    {"cc", &Shipper::cc, "[]", Any(), cfg::AddressSyntax},
    {"authentication", &Shipper::authentication, kOptional, Any(), cfg::AuthModeSyntax},
    {"certificates", &Shipper::certificates, "[]", Any(), cfg::PathSyntax},
};

// A top-level [section] or [[section]]; Member is a field of Config (the
// section is kept as is) or of Draft (it becomes part of the Referential).
template <auto Member, const auto& Keys>
constexpr cfg::Reader<Draft> Section = &cfg::TableOf<Member, Keys, Draft>;
template <auto Member, const auto& Keys, int MinCount = 0>
constexpr cfg::Reader<Draft> Sections = &cfg::TablesOf<Member, Keys, MinCount, Draft>;

constexpr Key<MailSettings> kMailKeys[] = {
    {"address", &MailSettings::address, kRequired, Any(), cfg::AddressSyntax},
    {"domain", &MailSettings::domain, kOptional, Any(), cfg::DomainSyntax},
};

constexpr Key<LimitSettings> kLimitKeys[] = {
    {"max_message_bytes", &LimitSettings::max_message_bytes, "10485760", Between(1, 100 << 20)},
    {"max_attachments", &LimitSettings::max_attachments, "20", Between(1, 1000)},
    {"max_csv_bytes", &LimitSettings::max_csv_bytes, "1048576", Between(1, 50 << 20)},
    {"max_depth", &LimitSettings::max_depth, "10", Between(1, 100)},
    {"max_header_lines", &LimitSettings::max_header_lines, "1000", Between(10, 100000)},
    {"max_ignored_bytes_per_day", &LimitSettings::max_ignored_bytes_per_day, "52428800",
     Between(0, std::int64_t{10} << 30)},
};

template <typename Settings>
Status ReadLogin(const cfg::Context& ctx, const toml::node& node, const std::string& path,
                 Settings* out) {
  std::string name;
  Status s = cfg::ReadInto(ctx, node, path, Any(), cfg::MailLoginSyntax, &name);
  if (s.ok()) ParseMailLogin(name, &out->auth);
  return s;
}

constexpr Key<InboxSettings> kInboxKeys[] = {
    {"maildir", &InboxSettings::maildir, kOptional, NonEmpty()},
    {"imap_url", &InboxSettings::imap_url, kOptional, Any(), cfg::ImapUrlSyntax},
    {"username", &InboxSettings::username, kOptional, NonEmpty()},
    {"auth", ReadLogin<InboxSettings>, R"("password")"},
    {"sasl_mechanism", &InboxSettings::sasl_mechanism, kOptional, Any(),
     cfg::SaslMechanismSyntax},
    {"password_file", &InboxSettings::password_file, kOptional, NonEmpty()},
    {"ca_file", &InboxSettings::ca_file, kOptional, NonEmpty()},
    {"require_tls", &InboxSettings::require_tls, "true"},
    {"processed_folder", &InboxSettings::processed_folder, R"("Processed")", NonEmpty(),
     cfg::FolderSyntax},
    {"rejected_folder", &InboxSettings::rejected_folder, R"("Rejected")", NonEmpty(),
     cfg::FolderSyntax},
    {"ignored_folder", &InboxSettings::ignored_folder, R"("Ignored")", NonEmpty(),
     cfg::FolderSyntax},
    {"poll_interval", &InboxSettings::poll_interval, "30", Between(1, 3600)},
    {"connect_timeout", &InboxSettings::connect_timeout, "10", Between(1, 600)},
    {"low_speed_time", &InboxSettings::low_speed_time, "60", Between(1, 600)},
    {"idle", &InboxSettings::idle, "true"},
    {"idle_refresh", &InboxSettings::idle_refresh, "1740", Between(5, 1740)},
};

constexpr Key<OutboxSettings> kOutboxKeys[] = {
    {"directory", &OutboxSettings::directory, kOptional, NonEmpty()},
    {"retry_initial", &OutboxSettings::retry_initial, "30", Between(1, 3600)},
    {"retry_max", &OutboxSettings::retry_max, "300", Between(1, 86400)},
    {"give_up_after", &OutboxSettings::give_up_after, "86400", Between(60, 30 * 86400)},
};

constexpr Key<SmtpSettings> kSmtpKeys[] = {
    {"url", &SmtpSettings::url, kRequired, Any(), cfg::SmtpUrlSyntax},
    {"username", &SmtpSettings::username, kOptional, NonEmpty()},
    {"auth", ReadLogin<SmtpSettings>, R"("password")"},
    {"sasl_mechanism", &SmtpSettings::sasl_mechanism, kOptional, Any(),
     cfg::SaslMechanismSyntax},
    {"password_file", &SmtpSettings::password_file, kOptional, NonEmpty()},
    {"ca_file", &SmtpSettings::ca_file, kOptional, NonEmpty()},
    {"require_tls", &SmtpSettings::require_tls, "true"},
    {"require_auth", &SmtpSettings::require_auth, "true"},
    {"connect_timeout", &SmtpSettings::connect_timeout, "10", Between(1, 600)},
    {"low_speed_time", &SmtpSettings::low_speed_time, "60", Between(1, 600)},
};

constexpr Key<OAuth2Settings> kOAuth2Keys[] = {
    {"token_url", &OAuth2Settings::token_url, kOptional, Any(), cfg::TokenUrlSyntax},
    {"client_id", &OAuth2Settings::client_id, kOptional, NonEmpty()},
    {"scope", &OAuth2Settings::scope, kOptional, NonEmpty()},
    {"client_secret_file", &OAuth2Settings::client_secret_file, kOptional, NonEmpty()},
    {"certificate_file", &OAuth2Settings::certificate_file, kOptional, NonEmpty()},
    {"private_key_file", &OAuth2Settings::private_key_file, kOptional, NonEmpty()},
    {"assertion_algorithm", &OAuth2Settings::assertion_algorithm, R"("RS256")", Any(),
     cfg::AssertionAlgorithmSyntax},
    {"token_command", &OAuth2Settings::token_command, kOptional, NonEmpty()},
    {"ca_file", &OAuth2Settings::ca_file, kOptional, NonEmpty()},
};

constexpr Key<CanarySettings> kCanaryKeys[] = {
    {"interval", &CanarySettings::interval, kRequired, Between(5, 7 * 86400)},
    {"secret_file", &CanarySettings::secret_file, kRequired, NonEmpty()},
    {"address", &CanarySettings::address, kOptional, Any(), cfg::AddressSyntax},
    {"folder", &CanarySettings::folder, R"("Canary")", NonEmpty(), cfg::FolderSyntax},
};

constexpr Key<MetricsSettings> kMetricsKeys[] = {
    {"textfile", &MetricsSettings::textfile, kRequired, NonEmpty()},
};

constexpr Key<HttpSettings> kHttpKeys[] = {
    {"listen", &HttpSettings::listen, kRequired, NonEmpty(), cfg::ListenSyntax},
};

Status ReadAuthMode(const cfg::Context& ctx, const toml::node& node, const std::string& path,
                    AuthenticationSettings* out) {
  std::string name;
  Status s = cfg::ReadInto(ctx, node, path, Any(), cfg::AuthModeSyntax, &name);
  if (s.ok()) ParseAuthMode(name, &out->mode);
  return s;
}

constexpr Key<AuthenticationSettings> kAuthenticationKeys[] = {
    {"mode", ReadAuthMode, kRequired},
    {"authserv_id", &AuthenticationSettings::authserv_id, kOptional, NonEmpty(),
     cfg::AuthservIdSyntax},
    {"dkim_keys_file", &AuthenticationSettings::dkim_keys_file, kOptional, NonEmpty()},
    {"dkim_nameservers", &AuthenticationSettings::dkim_nameservers, "[]", Any(),
     cfg::NameserverSyntax},
    {"temp_fail_for", &AuthenticationSettings::temp_fail_for, "3600", Between(60, 7 * 86400)},
    {"failure_reply_interval", &AuthenticationSettings::failure_reply_interval, "3600",
     Between(0, 7 * 86400)},
};

constexpr Key<Draft> kSections[] = {
    {"database", Section<&Draft::database, kDatabaseKeys>, "{}"},
    {"rules", Section<&Draft::rules, kRulesKeys>, "{}"},
    {"meshes", Sections<&Draft::meshes, kMeshKeys, 1>, kRequired},
    {"sites", Sections<&Draft::sites, kSiteKeys, 1>, kRequired},
    {"contracts", Sections<&Draft::contracts, kContractKeys>, "[]"},
    {"shippers", Sections<&Draft::shippers, kShipperKeys>, "[]"},
    // The email channel: the engine-only commands need none of it.
    {"mail", Section<&Config::mail, kMailKeys>, kOptional},
    {"limits", Section<&Config::limits, kLimitKeys>, kOptional},
    {"inbox", Section<&Config::inbox, kInboxKeys>, kOptional},
    {"outbox", Section<&Config::outbox, kOutboxKeys>, kOptional},
    {"smtp", Section<&Config::smtp, kSmtpKeys>, kOptional},
    {"oauth2", Section<&Config::oauth2, kOAuth2Keys>, kOptional},
    {"authentication", Section<&Config::authentication, kAuthenticationKeys>, kOptional},
    {"canary", Section<&Config::canary, kCanaryKeys>, kOptional},
    {"metrics", Section<&Config::metrics, kMetricsKeys>, kOptional},
    {"http", Section<&Config::http, kHttpKeys>, kOptional},
};

Status ParseToml(std::string_view text, const std::string& source_name, toml::table* root) {
  try {
    *root = toml::parse(text, std::string(source_name));
    return Status::Ok();
  } catch (const toml::parse_error& e) {
    const toml::source_position& at = e.source().begin;
    return Status::InvalidInput(source_name + ":" + std::to_string(at.line) + ":" +
                                std::to_string(at.column) + ": " + std::string(e.description()));
  }
}

// Relative paths are taken from the config file's folder; an empty path
// (a key that was not set) stays empty.
std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  if (path.empty()) return path;
  std::filesystem::path p(path);
  if (p.is_absolute() || base_dir.empty()) return p.lexically_normal().string();
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

Config Build(Draft&& draft, const std::string& source_name, const std::string& base_dir) {
  Config config = std::move(static_cast<Config&>(draft));  // sections kept as read
  config.path = source_name;
  config.database_path = ResolvePath(base_dir, draft.database.path);
  config.database_max_bytes = draft.database.max_size_mb << 20;
  if (config.mail.domain.empty() && !config.mail.address.empty())
    config.mail.domain = config.mail.address.substr(config.mail.address.find('@') + 1);
  for (std::string* path :
       {&config.inbox.maildir, &config.inbox.password_file, &config.inbox.ca_file,
        &config.outbox.directory, &config.smtp.password_file, &config.smtp.ca_file,
        &config.authentication.dkim_keys_file, &config.oauth2.client_secret_file,
        &config.oauth2.certificate_file, &config.oauth2.private_key_file,
        &config.oauth2.ca_file, &config.canary.secret_file, &config.metrics.textfile}) {
    *path = ResolvePath(base_dir, *path);
  }
  for (Shipper& shipper : draft.shippers) {
    for (std::string& file : shipper.certificates) file = ResolvePath(base_dir, file);
  }
  config.referential =
      Referential(std::move(draft.meshes), std::move(draft.sites), std::move(draft.contracts),
                  std::move(draft.shippers), draft.rules);
  return config;
}

Status ReadWholeFile(const std::string& path, std::string* out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    int err = errno;
    std::string m = path + ": cannot read: " + std::strerror(err);
    return err == ENOENT ? Status::NotFound(m) : Status::Permanent(m);
  }
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  int err = std::ferror(f) ? errno : 0;
  std::fclose(f);
  if (err) return Status::Permanent(path + ": cannot read: " + std::strerror(err));
  return Status::Ok();
}

}  // namespace

std::string_view AuthModeName(AuthMode m) {
  switch (m) {
    case AuthMode::kDkim: return "dkim";
    case AuthMode::kAuthenticationResults: return "authentication-results";
    case AuthMode::kSmime: return "smime";
    case AuthMode::kNone: break;
  }
  return "none";
}

bool ParseAuthMode(std::string_view name, AuthMode* out) {
  for (AuthMode m : {AuthMode::kDkim, AuthMode::kAuthenticationResults, AuthMode::kSmime,
                     AuthMode::kNone}) {
    if (AuthModeName(m) == name) {
      *out = m;
      return true;
    }
  }
  return false;
}

bool ParseMailLogin(std::string_view name, MailLogin* out) {
  if (name == "password") *out = MailLogin::kPassword;
  else if (name == "oauth2") *out = MailLogin::kOAuth2;
  else return false;
  return true;
}

AuthMode ModeFor(const Config& config, const Shipper& shipper) {
  AuthMode m = config.authentication.mode;
  if (!shipper.authentication.empty()) ParseAuthMode(shipper.authentication, &m);
  return m;
}

Status ParseConfig(std::string_view toml_text, const std::string& source_name,
                   const std::string& base_dir, Config* out) {
  // Nodes only carry a line when the document has a name.
  std::string name = source_name.empty() ? "config" : source_name;
  toml::table root;
  Status s = ParseToml(toml_text, name, &root);
  Draft draft;
  cfg::Context ctx(name);
  if (s.ok()) s = cfg::CheckNoSecrets(ctx, root);
  if (s.ok()) s = cfg::ReadTable(ctx, root, "", std::span<const Key<Draft>>(kSections), &draft);
  draft.authentication.configured = root.contains("authentication");
  draft.oauth2.configured = root.contains("oauth2");
  draft.canary.configured = root.contains("canary");
  if (s.ok()) s = cfg::CheckDraft(ctx, root, draft);
  if (s.ok()) *out = Build(std::move(draft), source_name, base_dir);
  return s;
}

Status LoadConfig(const std::string& path, Config* out) {
  std::string text;
  Status s = ReadWholeFile(path, &text);
  if (s.ok()) s = ParseConfig(text, path, std::filesystem::path(path).parent_path().string(), out);
  return s;
}

}  // namespace flexmail
