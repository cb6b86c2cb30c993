// Migration 9: the canary's probes, sent by flexmail to itself through the
// relay and read back from the inbox (README, "The canary").
//
//   -- Is the channel working? The latest probes, newest first:
//   SELECT * FROM v_canary LIMIT 10;
//
// One row per probe: when it was handed to the relay (or why it could not
// be), and when it came back with its round trip. A probe that never came
// back keeps returned_at NULL: that silence is what `status` reports.
#include "db/schema.h"

namespace flexmail {

std::string_view CanarySql() {
  return R"sql(
CREATE TABLE canary_probes (
  probe_id          TEXT PRIMARY KEY CHECK (length(probe_id) BETWEEN 8 AND 64),
  sent_at           TEXT NOT NULL CHECK (sent_at LIKE '____-__-__T__:__:__.___Z'),
  sent_at_local     TEXT NOT NULL CHECK (sent_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  send_error        TEXT CHECK (send_error IS NULL OR send_error <> ''),  -- NULL: relay accepted it
  returned_at       TEXT CHECK (returned_at IS NULL OR returned_at LIKE '____-__-__T__:__:__.___Z'),
  returned_at_local TEXT
    CHECK (returned_at_local IS NULL OR returned_at_local LIKE '____-__-__T__:__:__.___+__:__'),
  round_trip_ms     INTEGER CHECK (round_trip_ms IS NULL OR round_trip_ms >= 0),
  CHECK ((returned_at IS NULL) = (round_trip_ms IS NULL)),
  CHECK ((returned_at IS NULL) = (returned_at_local IS NULL))
);
CREATE INDEX canary_probes_by_sent ON canary_probes (sent_at);
CREATE INDEX canary_probes_by_return ON canary_probes (returned_at)
  WHERE returned_at IS NOT NULL;
CREATE VIEW v_canary AS
SELECT c.probe_id,
       c.sent_at_local AS sent,
       c.send_error,
       c.returned_at_local AS returned,
       c.round_trip_ms
  FROM canary_probes c
 ORDER BY c.sent_at DESC, c.probe_id;
)sql";
}

}  // namespace flexmail
