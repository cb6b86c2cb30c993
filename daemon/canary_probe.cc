#include "daemon/canary_probe.h"

#include <algorithm>
#include <fstream>
#include <random>

#include "daemon/log.h"
#include "daemon/reply.h"
#include "daemon/wiring.h"
#include "mail/compose.h"

namespace flexmail {

Status LoadCanarySecret(const std::string& path, std::string* secret) {
  std::ifstream in(path);
  if (!in) return Status::Permanent("canary.secret_file: cannot read " + path);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() < 16)
    return Status::Permanent("canary.secret_file: " + path +
                             " holds a secret shorter than 16 bytes");
  *secret = std::move(line);
  return Status::Ok();
}

std::string CanaryAddress(const Config& config) {
  return config.canary.address.empty() ? config.mail.address : config.canary.address;
}

std::string NewCanaryProbeId() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device random;  // the kernel's generator
  std::string id;
  for (int i = 0; i < 8; ++i) {
    std::uint32_t word = random();
    for (int j = 0; j < 4; ++j, word >>= 4) id += kHex[word & 15];
  }
  return id;
}

std::string ComposeCanaryProbe(const Config& config, const std::string& instance,
                               const CanaryProbe& probe, const std::string& secret, Instant now) {
  OutgoingMessage m;
  m.from = {config.mail.address, "flexmail"};
  m.to = {{CanaryAddress(config), ""}};
  m.subject = "flexmail canary " + probe.id;
  m.date = std::chrono::time_point_cast<std::chrono::seconds>(now);
  m.date_offset_minutes = UtcOffsetMinutes(now);
  m.message_id = OwnMessageId("canary", probe.id, instance, config.mail.domain);
  m.extra_headers = {{"Auto-Submitted", "auto-generated"},
                     {std::string(kCanaryHeaderName), MakeCanaryHeader(probe, secret)}};
  m.text =
      "A probe flexmail sent to itself to prove that its mail channel works.\n"
      "It is filed into the canary folder when it comes back; nothing to do.\n";
  return ComposeMessage(m);
}

CanaryWorker::CanaryWorker(const Config& config, std::unique_ptr<Ledger> ledger,
                           std::unique_ptr<MailSender> sender, std::string secret,
                           const Clock& clock, const std::atomic<bool>* stopping)
    : config_(config),
      ledger_(std::move(ledger)),
      sender_(std::move(sender)),
      secret_(std::move(secret)),
      clock_(clock),
      stopping_(stopping) {}

CanaryWorker::~CanaryWorker() { Stop(); }

void CanaryWorker::Start() { thread_ = std::thread([this] { Loop(); }); }

void CanaryWorker::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

Status CanaryWorker::SendProbe() {
  CanaryProbe probe;
  probe.id = NewCanaryProbeId();
  const Instant now = clock_.Now();
  probe.sent_unix_ms = now.time_since_epoch().count();
  const std::string raw = ComposeCanaryProbe(config_, ledger_->instance_id(), probe, secret_, now);
  SendResult r = sender_->Send(config_.mail.address, {CanaryAddress(config_)}, raw);
  if (r.outcome == SendOutcome::kSent) {
    LogInfo("canary probe " + probe.id + " sent to " + Printable(CanaryAddress(config_), 120));
    return ledger_->RecordCanarySent(probe.id, now);
  }
  const std::string detail = Printable(r.detail.empty() ? "no detail" : r.detail, 800);
  LogWarn("canary probe " + probe.id + " could not be sent: " + detail);
  return ledger_->RecordCanarySendFailure(probe.id, now, detail);
}

// The first probe is due an interval after the latest one recorded.
void CanaryWorker::Loop() {
  const std::chrono::milliseconds interval = config_.canary.interval;
  bool found = false;
  CanaryRecord latest;
  std::chrono::milliseconds wait{0};
  if (ledger_->LatestCanaryProbe(&found, &latest).ok() && found) {
    wait = std::clamp<std::chrono::milliseconds>(latest.sent_at + interval - clock_.Now(),
                                                 std::chrono::milliseconds(0), interval);
  }
  auto next = std::chrono::steady_clock::now() + wait;
  while (!Stopping()) {
    if (std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    next = std::chrono::steady_clock::now() + interval;
    Status s = SendProbe();
    if (!s.ok()) LogError("canary: cannot record the probe: " + s.ToString());
  }
}

std::unique_ptr<CanaryWorker> StartCanary(
    const Config& config,
    const std::function<std::unique_ptr<MailSender>(std::string*)>& make_sender,
    const Clock& clock, const std::atomic<bool>* stopping, std::string* error) {
  if (!config.canary.configured) return nullptr;
  std::string secret;
  Status s = LoadCanarySecret(config.canary.secret_file, &secret);
  std::unique_ptr<Ledger> ledger;
  if (s.ok()) s = OpenLedger(config, &ledger);
  if (!s.ok()) {
    *error = s.message();
    return nullptr;
  }
  std::unique_ptr<MailSender> sender = make_sender(error);
  if (!sender) {
    if (error->empty()) *error = "canary: no [smtp] relay to send probes through";
    return nullptr;
  }
  auto worker = std::make_unique<CanaryWorker>(config, std::move(ledger), std::move(sender),
                                               std::move(secret), clock, stopping);
  worker->Start();
  LogInfo("canary: a probe to " + Printable(CanaryAddress(config), 120) + " every " +
          std::to_string(config.canary.interval.count()) + " s");
  return worker;
}

}  // namespace flexmail
