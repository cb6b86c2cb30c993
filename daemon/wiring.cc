#include "daemon/wiring.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "mail/imap.h"
#include "daemon/token_log.h"
#include "mail/maildir.h"
#include "mail/oauth2.h"
#include "mail/outbox_dir.h"
#include "mail/smtp.h"

namespace flexmail {
namespace {

// Reads a secret: the first line of the file, without its line end. The
// secret never appears in a message; only the path does.
bool ReadSecret(const std::string& path, std::string* secret, std::string* error,
                const std::string& what = "password file") {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read the " + what + " " + path;
    return false;
  }
  std::getline(in, *secret);
  if (!secret->empty() && secret->back() == '\r') secret->pop_back();
  if (secret->empty()) {
    *error = "the " + what + " " + path + " is empty";
    return false;
  }
  return true;
}

bool UsesOAuth2(const Config& config) {
  return (!config.inbox.imap_url.empty() && config.inbox.auth == MailLogin::kOAuth2) ||
         (!config.smtp.url.empty() && config.smtp.auth == MailLogin::kOAuth2);
}

}  // namespace

Status OpenLedger(const Config& config, std::unique_ptr<Ledger>* out) {
  std::unique_ptr<Ledger> ledger;
  Status s = Ledger::Open(config.database_path, &ledger);
  if (s.ok() && config.database_max_bytes > 0) s = ledger->LimitSize(config.database_max_bytes);
  if (s.ok()) *out = std::move(ledger);
  return s;
}

std::shared_ptr<TokenSource> MakeOAuth2Tokens(const Config& config, std::string* error) {
  if (!UsesOAuth2(config)) return nullptr;
  const OAuth2Settings& c = config.oauth2;
  OAuth2Options o;
  o.token_url = c.token_url;
  o.client_id = c.client_id;
  o.scope = c.scope;
  if (!c.client_secret_file.empty() &&
      !ReadSecret(c.client_secret_file, &o.client_secret, error,
                  "oauth2.client_secret_file"))
    return nullptr;
  o.certificate_file = c.certificate_file;
  o.private_key_file = c.private_key_file;
  o.assertion_algorithm = c.assertion_algorithm;
  o.ca_file = c.ca_file;
  std::shared_ptr<CachingTokenSource> source;
  Status s = MakeTokenSource(o, c.token_command, &source);
  if (!s.ok()) {
    *error = s.message();
    return nullptr;
  }
  return LogTokens(std::move(source), c.token_command.empty() ? c.token_url : "token_command");
}

namespace {

// The [inbox] IMAP server, login and TLS settings; false (*error set) when
// the password file cannot be read.
bool InboxImapOptions(const InboxSettings& in, std::shared_ptr<TokenSource> tokens,
                      ImapOptions* o, std::string* error) {
  o->url = in.imap_url;
  o->username = in.username;
  if (in.auth == MailLogin::kOAuth2) {
    o->token_source = std::move(tokens);
    o->sasl_mechanism = in.sasl_mechanism;
  } else if (!ReadSecret(in.password_file, &o->password, error)) {
    return false;
  }
  o->ca_file = in.ca_file;
  o->require_tls = in.require_tls;
  o->connect_timeout = in.connect_timeout;
  o->low_speed_timeout = in.low_speed_time;
  return true;
}

}  // namespace

std::unique_ptr<Mailbox> MakeMailbox(const Config& config, std::shared_ptr<TokenSource> tokens,
                                     std::string* error) {
  const InboxSettings& in = config.inbox;
  if (!in.maildir.empty()) return std::make_unique<MaildirMailbox>(in.maildir);
  if (in.imap_url.empty()) {
    *error = config.path + ": no inbox configured ([inbox] maildir or imap_url)";
    return nullptr;
  }
  ImapOptions o;
  if (!InboxImapOptions(in, std::move(tokens), &o, error)) return nullptr;
  o.processed_folder = in.processed_folder;
  o.rejected_folder = in.rejected_folder;
  o.ignored_folder = in.ignored_folder;
  if (config.canary.configured) o.canary_folder = config.canary.folder;
  // A backlog is filed 50 messages per MOVE; the end of each poll files the rest.
  o.file_batch = 50;
  return std::make_unique<ImapMailbox>(o);
}

std::unique_ptr<ImapIdler> MakeIdler(const Config& config, std::shared_ptr<TokenSource> tokens,
                                     std::string* error) {
  const InboxSettings& in = config.inbox;
  if (!in.maildir.empty() || in.imap_url.empty() || !in.idle) return nullptr;
  ImapOptions o;
  if (!InboxImapOptions(in, std::move(tokens), &o, error)) return nullptr;
  IdleSettings settings;
  settings.refresh = in.idle_refresh;
  return std::make_unique<ImapIdler>(std::move(o), settings);
}

std::unique_ptr<MailSender> MakeSender(const Config& config,
                                       std::shared_ptr<TokenSource> tokens, std::string* error) {
  const SmtpSettings& smtp = config.smtp;
  if (smtp.url.empty()) {
    if (config.outbox.directory.empty()) return nullptr;
    std::error_code ec;
    std::filesystem::create_directories(config.outbox.directory, ec);
    if (ec) {
      *error = "cannot create the outbox directory " + config.outbox.directory + ": " +
               ec.message();
      return nullptr;
    }
    return std::make_unique<DirectorySender>(config.outbox.directory);
  }
  SmtpOptions o;
  o.url = smtp.url;
  o.username = smtp.username;
  if (smtp.auth == MailLogin::kOAuth2) {
    o.token_source = std::move(tokens);
    o.sasl_mechanism = smtp.sasl_mechanism;
  } else if (!smtp.password_file.empty() &&
             !ReadSecret(smtp.password_file, &o.password, error)) {
    return nullptr;
  }
  o.ca_file = smtp.ca_file;
  o.require_tls = smtp.require_tls;
  o.require_auth = smtp.require_auth;
  o.connect_timeout = smtp.connect_timeout;
  o.low_speed_timeout = smtp.low_speed_time;
  return std::make_unique<SmtpSender>(o);
}

}  // namespace flexmail
