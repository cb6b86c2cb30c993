#include "daemon/console_channel.h"

#include "daemon/health.h"
#include "daemon/metrics_textfile.h"

namespace flexmail {
namespace {

std::string LocalOrNever(bool known, Instant t) { return known ? FormatLocalIso(t) : "jamais"; }

std::vector<std::pair<std::string, std::string>> Facts(const Health& h, const Config& config) {
  std::vector<std::pair<std::string, std::string>> f;
  f.emplace_back("Dernière relève réussie", LocalOrNever(h.polled, h.ok_poll.finished_at));
  f.emplace_back("Dernière relève", LocalOrNever(h.last_found, h.last_poll.finished_at));
  f.emplace_back("Dernière erreur",
                 h.last_found && !h.last_poll.ok ? h.last_poll.error : "aucune");
  f.emplace_back("Messages en attente",
                 h.last_found ? std::to_string(h.last_poll.messages_waiting) : "inconnu");
  f.emplace_back("Boîte d'envoi", std::to_string(h.by_state.at("PENDING")) + " en attente, " +
                                      std::to_string(h.by_state.at("SENT")) + " envoyées, " +
                                      std::to_string(h.by_state.at("FAILED")) + " en échec");
  if (config.canary.configured) f.emplace_back("Canari", CanaryHealthText(h.canary, config));
  f.emplace_back("Authentification", h.authentication);
  return f;
}

}  // namespace

Status LedgerChannelProbe::Health(const Config& config, Ledger& ledger, Instant now,
                                  ChannelHealth* out) const {
  flexmail::Health h;
  Status s = ReadHealth(config, ledger, now, &h);
  if (!s.ok()) return s;
  out->problems = h.problems;
  out->warnings = h.warnings;
  out->facts = Facts(h, config);
  return Status::Ok();
}

Status LedgerChannelProbe::Metrics(const Config&, Ledger& ledger, Instant now,
                                   std::string* exposition) const {
  bool found = false;
  PollRecord last;
  MetricsSnapshot snap;
  Status s = ledger.LastPoll(&found, &last);
  if (s.ok()) s = ReadMetricsSnapshot(&ledger, now, last, &snap);
  if (s.ok()) *exposition = FormatMetrics(snap);
  return s;
}

ConsoleSources DaemonConsoleSources(const Clock& clock) {
  static const LedgerChannelProbe probe;  // stateless: one for every console
  return {[&clock] { return clock.Now(); }, &probe};
}

}  // namespace flexmail
