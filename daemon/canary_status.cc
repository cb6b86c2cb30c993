#include "daemon/canary_status.h"

namespace flexmail {
namespace {

Json InstantOrNull(const std::optional<Instant>& t) {
  return t ? Json(FormatLocalIso(*t)) : Json(nullptr);
}

}  // namespace

Status ReadCanaryHealth(const Config& config, Ledger& ledger, Instant now, CanaryHealth* out) {
  *out = CanaryHealth();
  out->configured = config.canary.configured;
  if (!out->configured) return Status::Ok();
  bool found = false;
  CanaryRecord r;
  Status s = ledger.LastCanaryRoundTrip(&found, &r);
  if (s.ok() && found) out->last_round_trip = r;
  if (s.ok()) s = ledger.LatestCanaryProbe(&found, &r);
  if (s.ok() && found) out->latest = r;
  CanaryRecord first;
  if (s.ok() && !out->last_round_trip) s = ledger.FirstCanaryProbe(&found, &first);
  if (!s.ok()) return s;
  const auto limit = 2 * config.canary.interval;
  if (out->last_round_trip) {
    if (now - *out->last_round_trip->returned_at > limit)
      out->problem = "no canary probe came back for more than 2 intervals (last back " +
                     FormatLocalIso(*out->last_round_trip->returned_at) + ")";
  } else if (!out->latest) {
    out->problem = "no canary probe sent yet";
  } else if (now - first.sent_at > limit) {
    out->problem = "no canary probe has ever come back (first sent " +
                   FormatLocalIso(first.sent_at) + ")";
  }
  if (!out->problem.empty() && out->latest && !out->latest->send_error.empty())
    out->problem += "; the latest could not be sent: " + out->latest->send_error;
  return Status::Ok();
}

Json CanaryHealthJson(const CanaryHealth& h, const Config& config) {
  if (!h.configured) return nullptr;
  Json trip = nullptr, latest = nullptr;
  if (const auto& t = h.last_round_trip) {
    trip = {{"probeId", t->probe_id},
            {"sentAt", FormatLocalIso(t->sent_at)},
            {"returnedAt", InstantOrNull(t->returned_at)},
            {"roundTripMs", t->round_trip_ms}};
  }
  if (const auto& p = h.latest) {
    latest = {{"probeId", p->probe_id},
              {"sentAt", FormatLocalIso(p->sent_at)},
              {"sendError", p->send_error.empty() ? Json(nullptr) : Json(p->send_error)},
              {"returnedAt", InstantOrNull(p->returned_at)}};
  }
  return {{"intervalSeconds", config.canary.interval.count()},
          {"lastRoundTrip", trip},
          {"lastProbe", latest}};
}

std::string CanaryHealthText(const CanaryHealth& h, const Config& config) {
  if (!h.configured) return "not configured";
  const std::string every =
      " (a probe every " + std::to_string(config.canary.interval.count()) + " s)";
  if (!h.last_round_trip) return "no probe back yet" + every;
  return "back " + FormatLocalIso(*h.last_round_trip->returned_at) + " after " +
         std::to_string(h.last_round_trip->round_trip_ms) + " ms" + every;
}

std::string CanaryStatusNote(const Config& config, Ledger& ledger) {
  if (!config.canary.configured) return "";
  bool found = false;
  CanaryRecord r;
  if (!ledger.LastCanaryRoundTrip(&found, &r).ok()) return ", canary unknown";
  if (!found) return ", canary never back";
  return ", canary back " + FormatLocalIso(*r.returned_at) + " in " +
         std::to_string(r.round_trip_ms) + " ms";
}

}  // namespace flexmail
