// Building the outside-world objects the configuration asks for.
#pragma once

#include <memory>

#include "config/config.h"
#include "mail/mailbox.h"

namespace flexmail {

// The configured inbox ([inbox] maildir or imap_url); null with *error set
// when none is configured or a secret cannot be read.
std::unique_ptr<Mailbox> MakeMailbox(const Config& config, std::string* error);
// The configured reply sender: SMTP when [smtp] url is set, else the
// [outbox] directory; null (replies wait) when neither is.
std::unique_ptr<MailSender> MakeSender(const Config& config, std::string* error);

}  // namespace flexmail
