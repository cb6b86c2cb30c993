#include "daemon/service.h"

#include <csignal>
#include <thread>

#include <systemd/sd-daemon.h>

#include "daemon/log.h"

namespace flexmail {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnStopSignal(int) { g_stop.store(true); }

// Sleeps until `until` or a stop, in short steps, feeding the watchdog.
void SleepUntil(std::chrono::steady_clock::time_point until, const std::atomic<bool>* stop) {
  while (!stop->load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    sd_notify(0, "WATCHDOG=1");
  }
}

void Notify(const PollRecord& last, int pending) {
  std::string status = "STATUS=last poll " + FormatLocalIso(last.finished_at) +
                       (last.ok ? " ok" : " failed") + ", " + std::to_string(pending) +
                       " replies pending";
  sd_notify(0, status.c_str());
  sd_notify(0, "WATCHDOG=1");
}

int PendingReplies(Ledger* ledger) {
  int n = -1;
  return ledger->CountReplies(ReplyState::kPending, &n).ok() ? n : -1;
}

}  // namespace

const std::atomic<bool>* InstallStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return &g_stop;
}

int RunService(const Config& config, Ledger* ledger, Mailbox* mailbox, MailSender* sender,
               const Clock& clock, const std::atomic<bool>* stop) {
  Runner runner(config, ledger, mailbox, sender, clock);
  LogInfo("flexmail started: inbox " + mailbox->name() + ", poll every " +
          std::to_string(config.inbox.poll_interval.count()) + " s" +
          (sender ? "" : "; no [smtp] nor [outbox] directory: replies wait in the ledger"));
  sd_notify(0, "READY=1");
  while (!stop->load()) {
    auto next = std::chrono::steady_clock::now() + config.inbox.poll_interval;
    PassStats stats;
    PollRecord rec = runner.Cycle(&stats, stop);
    if (!rec.ok) LogError(rec.error + "; retrying at the next poll");
    Notify(rec, PendingReplies(ledger));
    SleepUntil(next, stop);
  }
  sd_notify(0, "STOPPING=1");
  mailbox->Close();
  LogInfo("flexmail stopped");
  return 0;
}

}  // namespace flexmail
