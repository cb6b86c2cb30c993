#include "daemon/service.h"

#include <algorithm>
#include <csignal>
#include <thread>

#include <systemd/sd-daemon.h>

#include "daemon/canary_status.h"
#include "daemon/console_channel.h"
#include "daemon/log.h"
#include "daemon/outbox_worker.h"
#include "daemon/poll_outputs.h"
#include "daemon/wiring.h"
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

// Says once per change whether IMAP IDLE wakes the poll.
class IdleLog {
 public:
  IdleLog(const ImapIdler* idler, std::chrono::seconds poll) : idler_(idler), poll_(poll) {}
  void Update() {
    if (!idler_) return;
    switch (idler_->state()) {
      case ImapIdler::State::kIdling:
        if (said_ != Said::kUp) {
          LogInfo("IMAP IDLE established on " + idler_->name() + ": new mail wakes the poll");
        }
        said_ = Said::kUp;
        break;
      case ImapIdler::State::kNotOffered:
      case ImapIdler::State::kBroken:
        if (said_ != Said::kDown) {
          LogWarn(std::string(said_ == Said::kUp ? "IMAP IDLE lost" : "IMAP IDLE unavailable") +
                  " (" + Printable(idler_->last_error()) + "): polling every " +
                  std::to_string(poll_.count()) + " s until it is back");
        }
        said_ = Said::kDown;
        break;
      default:
        break;
    }
  }

 private:
  enum class Said { kNothing, kUp, kDown };
  const ImapIdler* idler_;
  std::chrono::seconds poll_;
  Said said_ = Said::kNothing;
};

// Waits until `until`, a stop, or new mail reported by IDLE, feeding the
// watchdog at least once a second.
void WaitForWork(std::chrono::steady_clock::time_point until, const std::atomic<bool>* stop,
                 ImapIdler* idler, IdleLog* idle_log) {
  while (!stop->load() && std::chrono::steady_clock::now() < until) {
    const auto step = std::min(until, std::chrono::steady_clock::now() + std::chrono::seconds(1));
    if (!idler) {
      SleepUntil(step, stop);
      continue;
    }
    const ImapIdler::Event event = idler->Wait(step, stop);
    idle_log->Update();
    if (event == ImapIdler::Event::kNewMail) return;
    if (event == ImapIdler::Event::kUnavailable) SleepUntil(step, stop);
    sd_notify(0, "WATCHDOG=1");
  }
}

std::string IdleSummary(const Config& config, const ImapIdler* idler) {
  if (idler) return ", IMAP IDLE wakes it when offered";
  if (config.inbox.maildir.empty() && !config.inbox.idle)
    return ", IMAP IDLE off ([inbox] idle = false): polling only";
  return "";
}

void Notify(const PollRecord& last, int pending, const std::string& canary = "") {
  std::string status = "STATUS=last poll " + FormatLocalIso(last.finished_at) +
                       (last.ok ? " ok" : " failed") + ", " + std::to_string(pending) +
                       " replies pending" + canary;
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
  Status s = OpenLedger(config, &ledger);
  // The SENT mark must follow the relay's acceptance as closely as it can
  // (see CommitWithoutWaitingForDisk); the replies themselves were made
  // durable with their declarations.
  if (s.ok()) s = ledger->CommitWithoutWaitingForDisk();
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
               const Clock& clock, const std::atomic<bool>* stop, ImapIdler* idler) {
  Runner runner(config, ledger, mailbox, nullptr, clock);
  if (!runner.ready().ok()) {
    // What authentication trusts did not load: read no mail at all.
    LogError(config.path + ": " + runner.ready().message());
    return 2;
  }
  LogInfo("flexmail started: inbox " + mailbox->name() + ", poll every " +
          std::to_string(config.inbox.poll_interval.count()) + " s" + IdleSummary(config, idler) +
          (sender ? "" : "; no [smtp] nor [outbox] directory: replies wait in the ledger"));
  SetTransferAbortFlag(stop);  // a stop does not wait for a silent server
  std::unique_ptr<OutboxWorker> worker = StartWorker(config, sender, clock, stop);
  if (sender && !worker) return 1;
  if (worker) runner.set_on_reply_queued([&] { worker->Wake(); });
  std::unique_ptr<ConsoleServer> console;
  if (!config.http.listen.empty()) {
    Status started = StartConsole(config, config.database_path, config.http.listen,
                                  DaemonConsoleSources(clock), &console);
    if (!started.ok()) {
      LogError(config.path + ": " + started.message());
      if (worker) worker->Stop();
      return 2;
    }
    LogInfo("web console on http://" + config.http.listen + "/");
  }
  if (idler) idler->Start();
  IdleLog idle_log(idler, config.inbox.poll_interval);
  PollOutputs outputs(config, ledger, mailbox, sender, clock, idler);
  sd_notify(0, "READY=1");
  while (!stop->load()) {
    auto next = std::chrono::steady_clock::now() + config.inbox.poll_interval;
    PassStats stats;
    const Status drained = worker ? worker->last_status() : Status::Ok();
    PollRecord rec = runner.Cycle(&stats, stop, &drained);
    if (!rec.ok) LogError(rec.error + "; retrying at the next poll");
    Notify(rec, PendingReplies(ledger), CanaryStatusNote(config, *ledger));
    outputs.AfterPoll(rec);
    WaitForWork(next, stop, idler, &idle_log);
  }
  sd_notify(0, "STOPPING=1");
  if (idler) idler->Stop();
  if (worker) worker->Stop();  // the reply being sent finishes
  if (console) console->Stop();
  mailbox->Close();
  LogInfo("flexmail stopped");
  return 0;
}

}  // namespace flexmail
