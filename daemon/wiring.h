// Building the outside-world objects the configuration asks for.
#pragma once

#include <memory>

#include "config/config.h"
#include "db/ledger.h"
#include "mail/imap_idle.h"
#include "mail/mailbox.h"
#include "mail/token_source.h"

namespace flexmail {

// The configured ledger ([database] path), opened and migrated, with its
// size cap ([database] max_size_mb) applied to this connection.
Status OpenLedger(const Config& config, std::unique_ptr<Ledger>* out);

// Where the OAuth2 tokens come from ([oauth2]) when [inbox] or [smtp] logs
// in with auth = "oauth2", shared by both (one token, renewed once); null
// when neither does, or with *error set when [oauth2] cannot work (its
// secret, certificate or key unreadable or unusable). Its log lines say
// when tokens are renewed or cannot be had, never what they are.
std::shared_ptr<TokenSource> MakeOAuth2Tokens(const Config& config, std::string* error);
// The configured inbox ([inbox] maildir or imap_url); null with *error set
// when none is configured or a secret cannot be read. `tokens`: as
// MakeOAuth2Tokens made it.
std::unique_ptr<Mailbox> MakeMailbox(const Config& config, std::shared_ptr<TokenSource> tokens,
                                     std::string* error);
// The IMAP IDLE watcher of the configured inbox ([inbox] idle and
// idle_refresh), on a connection of its own with the same server, login and
// TLS settings as MakeMailbox's: null (polling only) for a Maildir inbox or
// with idle = false, and with *error set when a secret cannot be read.
// `tokens`: the same source MakeMailbox got. Not started.
std::unique_ptr<ImapIdler> MakeIdler(const Config& config, std::shared_ptr<TokenSource> tokens,
                                     std::string* error);
// The configured reply sender: SMTP when [smtp] url is set, else the
// [outbox] directory; null (replies wait) when neither is.
std::unique_ptr<MailSender> MakeSender(const Config& config, std::shared_ptr<TokenSource> tokens,
                                       std::string* error);

}  // namespace flexmail
