// The service loop of `flexmail run`: poll the inbox every poll interval,
// report to systemd, stop cleanly on SIGTERM/SIGINT. Replies are sent by a
// second thread (OutboxWorker) as soon as each is queued.
//
// A signal lets the message being processed finish (its transaction), then
// the loop exits well within 5 s: the loop sleeps in short steps, and an
// IMAP or SMTP transfer still waiting on a server is abandoned (a reply
// being sent stays PENDING; a message not yet filed is recognised at the
// next start).
#pragma once

#include <atomic>

#include "daemon/runner.h"

namespace flexmail {

// Installs SIGTERM/SIGINT handlers that set the returned flag.
const std::atomic<bool>* InstallStopHandlers();

// Runs until *stop. Returns the exit code (0 on a requested stop; 2, before
// reading anything, when what sender authentication trusts did not load).
int RunService(const Config& config, Ledger* ledger, Mailbox* mailbox, MailSender* sender,
               const Clock& clock, const std::atomic<bool>* stop);

}  // namespace flexmail
