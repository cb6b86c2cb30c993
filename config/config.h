// The flexmail configuration file (TOML): database path, rule settings and
// the referential. Checked once at start: any problem is one message naming
// the key and the value.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/referential.h"
#include "rules/status.h"

namespace flexmail {

// [mail]: flexmail's own identity in the email channel.
struct MailSettings {
  std::string address;  // From of every reply; mail from it is never answered
  std::string domain;   // right side of reply Message-IDs; default: address's domain
};

// [limits]: what one received message may hold (bad input never crashes).
struct LimitSettings {
  std::int64_t max_message_bytes = 10 << 20;
  int max_attachments = 20;
  std::int64_t max_csv_bytes = 1 << 20;
  int max_depth = 10;
  int max_header_lines = 1000;
  // Bytes of IGNORED messages (strangers, bounces, loops, duplicates) the
  // ledger keeps per Paris day, header sections only; beyond it only their
  // metadata row.
  std::int64_t max_ignored_bytes_per_day = 50 << 20;
};

// How flexmail logs in to the IMAP and SMTP servers: a password from a
// file, or an OAuth2 bearer token ([oauth2]).
enum class MailLogin { kPassword, kOAuth2 };
// "password", "oauth2".
bool ParseMailLogin(std::string_view name, MailLogin* out);

// [inbox]: where declarations arrive. Exactly one of maildir / imap_url.
struct InboxSettings {
  std::string maildir;        // resolved against the config file's folder
  std::string imap_url;       // imaps://host[:port]/INBOX or imap:// (STARTTLS)
  std::string username;
  MailLogin auth = MailLogin::kPassword;
  std::string sasl_mechanism;  // oauth2: XOAUTH2 or OAUTHBEARER; "": the server's choice
  std::string password_file;  // resolved; the password is never in the config
  std::string ca_file;        // resolved; empty: the system's CAs
  bool require_tls = true;    // imap:// must upgrade with STARTTLS
  std::string processed_folder = "Processed";
  std::string rejected_folder = "Rejected";
  std::string ignored_folder = "Ignored";
  std::chrono::seconds poll_interval{30};
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds low_speed_time{60};  // abort below 1 byte/s for this long
  // IMAP IDLE (RFC 2177) when the server offers it: new mail wakes the poll
  // at once; IDLE is re-issued after idle_refresh (servers may drop an IDLE
  // older than 30 minutes).
  bool idle = true;
  std::chrono::seconds idle_refresh{1740};
};

// [outbox]: where replies go when no SMTP is configured, and retry policy.
struct OutboxSettings {
  std::string directory;  // resolved; replies written as .eml files
  std::chrono::seconds retry_initial{30};
  std::chrono::seconds retry_max{300};
  std::chrono::seconds give_up_after{24 * 3600};
};

// [smtp]: the relay replies leave through.
struct SmtpSettings {
  std::string url;            // smtp://host:587 (STARTTLS) or smtps://host:465
  std::string username;
  MailLogin auth = MailLogin::kPassword;
  std::string sasl_mechanism;  // oauth2: XOAUTH2 or OAUTHBEARER; "": the server's choice
  std::string password_file;  // resolved
  std::string ca_file;        // resolved
  bool require_tls = true;
  bool require_auth = true;
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds low_speed_time{60};
};

// [authentication]: how a message proves it comes from its From (the
// modes and what each trusts are in README "Sender authentication").
enum class AuthMode { kDkim, kAuthenticationResults, kSmime, kNone };
// "dkim", "authentication-results", "smime", "none".
std::string_view AuthModeName(AuthMode m);
bool ParseAuthMode(std::string_view name, AuthMode* out);
struct AuthenticationSettings {
  bool configured = false;   // the section is present (required to read mail)
  AuthMode mode = AuthMode::kNone;
  std::string authserv_id;   // authentication-results: ours, or "microsoft365"
  std::string dkim_keys_file;                  // resolved; empty: DNS
  std::vector<std::string> dkim_nameservers;   // "127.0.0.1:53"; empty: the system's
  std::chrono::seconds temp_fail_for{3600};    // DNS failures retried this long
  // At most one SENDER_NOT_AUTHENTICATED reply per shipper in this interval:
  // flexmail must not become a mail cannon for whoever forges a From.
  std::chrono::seconds failure_reply_interval{3600};
};

// [oauth2]: where the bearer tokens of auth = "oauth2" come from (README
// "Microsoft 365"). One credential: a client secret, a certificate and its
// key (a signed client assertion), or a site's own token_command.
struct OAuth2Settings {
  bool configured = false;     // the section is present
  std::string token_url;       // https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token
  std::string client_id;
  std::string scope;           // https://outlook.office365.com/.default
  std::string client_secret_file;  // resolved
  std::string certificate_file;    // resolved
  std::string private_key_file;    // resolved
  std::string assertion_algorithm = "RS256";  // or PS256
  std::string token_command;   // run by /bin/sh; prints a token
  std::string ca_file;         // resolved; trusted for token_url; empty: the system's
};

// [canary]: a probe sent to ourselves through the relay every `interval`,
// read back from the inbox: the channel proves it works before an outage.
struct CanarySettings {
  bool configured = false;       // the section is present
  std::chrono::seconds interval{900};
  std::string secret_file;       // resolved; keys the probes' HMAC
  std::string address;           // where probes are sent; empty: [mail] address
  std::string folder = "Canary"; // where returned probes are filed
};

// [metrics]: the Prometheus node_exporter textfile, rewritten after each poll.
struct MetricsSettings {
  std::string textfile;  // resolved; empty: no metrics file
};

// [http]: the read-only web console (README "Console"). Absent: no console.
struct HttpSettings {
  std::string listen;  // "127.0.0.1:8025" or "[::1]:8025"; empty: off
};

// Splits a listen address "host:port" (IPv4 dotted quad, or an IPv6 address
// in brackets) into its host (brackets removed) and port (0..65535; 0: any
// free port). False when it is not of that shape.
bool SplitListenAddress(std::string_view listen, std::string* host, int* port);

struct Config {
  std::string path;           // the config file as given
  std::string database_path;  // resolved against the config file's folder
  // [database] max_size_mb in bytes; 0: none. The daemon then stops filing
  // mail before the ledger would pass it (Ledger::LimitSize), as it does on
  // a full disk, so that a flood cannot fill a disk shared with others.
  std::int64_t database_max_bytes = 0;
  Referential referential;
  MailSettings mail;
  LimitSettings limits;
  InboxSettings inbox;
  OutboxSettings outbox;
  SmtpSettings smtp;
  OAuth2Settings oauth2;
  AuthenticationSettings authentication;
  CanarySettings canary;
  MetricsSettings metrics;
  HttpSettings http;
};

// The method that applies to `shipper`: its own `authentication`, else
// [authentication] mode.
AuthMode ModeFor(const Config& config, const Shipper& shipper);

// Loads and checks `path`. On failure returns InvalidInput with a message
// like "flexmail.toml:12: sites[2].mesh = \"ME0099\": no [[meshes]] has this code"
// (the keys and the message format are listed at the top of config.cc);
// NotFound when the file does not exist, Permanent when it cannot be read,
// both naming the path. *out is left untouched on failure.
Status LoadConfig(const std::string& path, Config* out);
// Same, from text (for tests); `source_name` names the file in messages and
// becomes Config::path. Relative paths resolve against `base_dir`, and stay
// relative when it is empty.
Status ParseConfig(std::string_view toml_text, const std::string& source_name,
                   const std::string& base_dir, Config* out);

}  // namespace flexmail
