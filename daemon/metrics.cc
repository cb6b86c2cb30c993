#include "daemon/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <span>

namespace flexmail {
namespace {

// The outcomes and states always listed, in this order; others the ledger
// may hold (a newer schema) follow.
constexpr const char* kOutcomes[] = {"INTEGRATED", "REJECTED", "IGNORED", "TEST"};
constexpr const char* kStates[] = {"PENDING", "SENT", "FAILED"};

void Family(std::string* out, std::string_view name, std::string_view type,
            std::string_view help) {
  out->append("# HELP ").append(name).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void Sample(std::string* out, std::string_view name, double v, std::string_view label = "",
            std::string_view label_value = "") {
  out->append(name);
  if (!label.empty()) {
    out->append("{").append(label).append("=\"").append(EscapeLabelValue(label_value))
        .append("\"}");
  }
  out->append(" ").append(FormatSampleValue(v)).append("\n");
}

// One sample per key of `fixed`, then the others of `values`.
void LabelledSamples(std::string* out, std::string_view name, std::string_view label,
                     const std::map<std::string, std::int64_t>& values,
                     std::span<const char* const> fixed) {
  std::map<std::string, std::int64_t> rest = values;
  for (const char* key : fixed) {
    auto it = rest.find(key);
    Sample(out, name, it == rest.end() ? 0 : static_cast<double>(it->second), label, key);
    if (it != rest.end()) rest.erase(it);
  }
  for (const auto& [key, n] : rest) Sample(out, name, static_cast<double>(n), label, key);
}

void Gauge(std::string* out, std::string_view name, std::string_view help,
           std::optional<double> v) {
  if (!v) return;
  Family(out, name, "gauge", help);
  Sample(out, name, *v);
}

std::optional<double> AsNumber(std::optional<bool> b) {
  if (!b) return std::nullopt;
  return *b ? 1.0 : 0.0;
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatSampleValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  // The shortest text that reads back the same value.
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string FormatMetrics(const MetricsSnapshot& s) {
  std::string out;
  Family(&out, "flexmail_messages_total", "counter",
         "Messages recorded in the ledger, by outcome.");
  LabelledSamples(&out, "flexmail_messages_total", "outcome", s.messages_by_outcome, kOutcomes);
  Family(&out, "flexmail_replies", "gauge", "Replies in the outbox, by state.");
  LabelledSamples(&out, "flexmail_replies", "state", s.replies_by_state, kStates);
  Gauge(&out, "flexmail_poll_duration_seconds", "How long the last inbox poll took.",
        s.poll_duration_seconds);
  Gauge(&out, "flexmail_last_poll_success_timestamp_seconds",
        "When the last successful inbox poll ended (Unix time).",
        s.last_poll_success_unix_seconds);
  Gauge(&out, "flexmail_last_poll_ok", "1 if the last inbox poll succeeded, else 0.",
        AsNumber(s.last_poll_ok));
  Gauge(&out, "flexmail_oldest_unanswered_declaration_age_seconds",
        "Age of the oldest reply still waiting to be sent (0 when none).",
        s.oldest_unanswered_age_seconds);
  Gauge(&out, "flexmail_canary_last_round_trip_timestamp_seconds",
        "When the last canary probe came back (Unix time).",
        s.canary_last_round_trip_unix_seconds);
  Gauge(&out, "flexmail_canary_last_round_trip_seconds",
        "How long the last canary probe took to come back.", s.canary_last_round_trip_seconds);
  Gauge(&out, "flexmail_imap_idle_connected",
        "1 if the IMAP IDLE connection is up, else 0.", AsNumber(s.imap_idle_connected));
  if (!s.version.empty()) {
    Family(&out, "flexmail_build_info", "gauge", "The running flexmail's version (always 1).");
    Sample(&out, "flexmail_build_info", 1, "version", s.version);
  }
  return out;
}

}  // namespace flexmail
