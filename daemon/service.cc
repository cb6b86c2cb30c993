#include "daemon/service.h"

#include <csignal>
#include <thread>

#include <systemd/sd-daemon.h>

#include "daemon/log.h"
#include "daemon/outbox_worker.h"
#include "daemon/poll_outputs.h"
#include "mail/transfer_abort.h"

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

namespace {

// The sender thread, when replies have somewhere to go: with its own
// ledger connection. Null (replies wait, logged) when none can be opened.
std::unique_ptr<OutboxWorker> StartWorker(const Config& config, MailSender* sender,
                                          const Clock& clock,
                                          const std::atomic<bool>* stop) {
  if (!sender) return nullptr;
  std::unique_ptr<Ledger> ledger;
  Status s = Ledger::Open(config.database_path, &ledger);
  if (!s.ok()) {
    LogError("cannot open the ledger for the outbox: " + s.ToString());
    return nullptr;
  }
  auto worker = std::make_unique<OutboxWorker>(config, std::move(ledger), sender, clock,
                                               config.inbox.poll_interval, stop);
  worker->Start();
  return worker;
}

}  // namespace

int RunService(const Config& config, Ledger* ledger, Mailbox* mailbox, MailSender* sender,
               const Clock& clock, const std::atomic<bool>* stop) {
  Runner runner(config, ledger, mailbox, nullptr, clock);
  if (!runner.ready().ok()) {
    // What authentication trusts did not load: read no mail at all.
    LogError(config.path + ": " + runner.ready().message());
    return 2;
  }
  LogInfo("flexmail started: inbox " + mailbox->name() + ", poll every " +
          std::to_string(config.inbox.poll_interval.count()) + " s" +
          (sender ? "" : "; no [smtp] nor [outbox] directory: replies wait in the ledger"));
  SetTransferAbortFlag(stop);  // a stop does not wait for a silent server
  std::unique_ptr<OutboxWorker> worker = StartWorker(config, sender, clock, stop);
  if (sender && !worker) return 1;
  if (worker) runner.set_on_reply_queued([&] { worker->Wake(); });
  PollOutputs outputs(config, ledger, mailbox, sender, clock);
  sd_notify(0, "READY=1");
  while (!stop->load()) {
    auto next = std::chrono::steady_clock::now() + config.inbox.poll_interval;
    PassStats stats;
    const Status drained = worker ? worker->last_status() : Status::Ok();
    PollRecord rec = runner.Cycle(&stats, stop, &drained);
    if (!rec.ok) LogError(rec.error + "; retrying at the next poll");
    Notify(rec, PendingReplies(ledger));
    outputs.AfterPoll(rec);
    SleepUntil(next, stop);
  }
  sd_notify(0, "STOPPING=1");
  if (worker) worker->Stop();  // the reply being sent finishes
  mailbox->Close();
  LogInfo("flexmail stopped");
  return 0;
}

}  // namespace flexmail
