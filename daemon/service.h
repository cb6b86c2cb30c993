// The service loop of `flexmail run`: poll the inbox every poll interval,
// report to systemd, stop cleanly on SIGTERM/SIGINT. Replies are sent by a
// second thread (OutboxWorker) as soon as each is queued.
//
// A signal lets the message being processed finish (its transaction and its
// filing), then the loop exits: well within 5 s, since every network call
// has its own timeouts and the loop sleeps in short steps.
#pragma once

#include <atomic>

#include "daemon/runner.h"

namespace flexmail {

// Installs SIGTERM/SIGINT handlers that set the returned flag.
const std::atomic<bool>* InstallStopHandlers();

// Runs until *stop. Returns the exit code (0 on a requested stop).
int RunService(const Config& config, Ledger* ledger, Mailbox* mailbox, MailSender* sender,
               const Clock& clock, const std::atomic<bool>* stop);

}  // namespace flexmail
