// The service loop of `flexmail run`: poll the inbox every poll interval,
// report to systemd, stop cleanly on SIGTERM/SIGINT. Replies are sent by a
// second thread (OutboxWorker) as soon as each is queued.
//
// With an IMAP IDLE watcher (ImapIdler), new mail it reports starts the next
// poll at once; the poll stays the only path that reads mail. While IDLE is
// not offered or its connection is down, the loop polls every poll interval
// (the watcher keeps trying in the background). One log line when IDLE is
// established, one when it is lost or unavailable.
//
// A signal lets the message being processed finish (its transaction), then
// the loop exits well within 5 s: the loop sleeps in short steps, and an
// IMAP or SMTP transfer still waiting on a server is abandoned (a reply
// being sent stays PENDING; a message not yet filed is recognised at the
// next start).
#pragma once

#include <atomic>

#include "daemon/runner.h"
#include "mail/imap_idle.h"

namespace flexmail {

// Installs SIGTERM/SIGINT handlers that set the returned flag.
const std::atomic<bool>* InstallStopHandlers();

// Runs until *stop. Returns the exit code (0 on a requested stop; 2, before
// reading anything, when what sender authentication trusts did not load).
// `idler` (null: polling only) is started here and stopped before returning.
int RunService(const Config& config, Ledger* ledger, Mailbox* mailbox, MailSender* sender,
               const Clock& clock, const std::atomic<bool>* stop,
               ImapIdler* idler = nullptr);

}  // namespace flexmail
