#include "daemon/outbox_worker.h"

#include "daemon/log.h"

namespace flexmail {

OutboxWorker::OutboxWorker(const Config& config, std::unique_ptr<Ledger> ledger,
                           MailSender* sender, const Clock& clock,
                           std::chrono::milliseconds interval,
                           const std::atomic<bool>* stopping)
    : ledger_(std::move(ledger)),
      runner_(config, ledger_.get(), nullptr, sender, clock),
      interval_(interval),
      stopping_(stopping ? stopping : &stop_) {}

OutboxWorker::~OutboxWorker() { Stop(); }

void OutboxWorker::Start() { thread_ = std::thread([this] { Loop(); }); }

void OutboxWorker::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void OutboxWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Status OutboxWorker::last_status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

void OutboxWorker::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, interval_, [this] { return woken_ || stop_.load(); });
  woken_ = false;
}

void OutboxWorker::Loop() {
  while (!stop_.load() && !stopping_->load()) {
    PassStats stats;
    Status s = runner_.DrainOutbox(&stats, stopping_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_ = s;
    }
    // A full batch may hide more due replies behind it: go on at once,
    // unless the relay itself refused (then wait for the next interval).
    const bool more = s.ok() && stats.sent + stats.retried + stats.failed > 0;
    if (!more) Wait();
  }
}

}  // namespace flexmail
