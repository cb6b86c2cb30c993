// The Prometheus metrics of flexmail, as the node_exporter textfile
// collector reads them (text exposition format 0.0.4): a pure function of a
// snapshot of values, so the exact text can be tested.
//
// Choices the format leaves open:
//  - Every family has its HELP and TYPE lines, families in a fixed order.
//  - A value that is not known (no successful poll yet, no canary, no IDLE
//    connection configured, no version) leaves its family out entirely:
//    an absent series says "unknown", a 0 would say something false.
//  - flexmail_messages_total and flexmail_replies always list every
//    outcome and state, with 0 for none, so that rate() and alerts see the
//    series before the first message of a kind.
//  - Numbers are written as integers when whole, else with up to 17
//    significant digits; timestamps are Unix seconds.
//  - Label values are escaped as the format requires: \ as \\, " as \",
//    newline as \n.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace flexmail {

struct MetricsSnapshot {
  // Messages in the ledger, by outcome (INTEGRATED, REJECTED, IGNORED, TEST).
  std::map<std::string, std::int64_t> messages_by_outcome;
  // Replies by state (PENDING, SENT, FAILED).
  std::map<std::string, std::int64_t> replies_by_state;
  std::optional<double> poll_duration_seconds;          // the last poll
  std::optional<double> last_poll_success_unix_seconds;  // its end
  std::optional<bool> last_poll_ok;
  double oldest_unanswered_age_seconds = 0;  // 0 when every reply has gone
  // Filled by the integration with the canary probes and the IMAP IDLE
  // connection; unset until then.
  std::optional<double> canary_last_round_trip_unix_seconds;
  std::optional<double> canary_last_round_trip_seconds;
  std::optional<bool> imap_idle_connected;
  std::string version;  // "" leaves flexmail_build_info out
};

// The textfile's content; ends with a newline.
std::string FormatMetrics(const MetricsSnapshot& s);

// A label value escaped for the exposition format (without the quotes).
std::string EscapeLabelValue(std::string_view value);

// A sample value: "3", "0.25", "1733217000.5", "NaN", "+Inf", "-Inf".
std::string FormatSampleValue(double v);

}  // namespace flexmail
