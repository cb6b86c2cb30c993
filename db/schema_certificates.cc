// Migration 10: the certificates the mail servers showed the daemon, so
// that `flexmail status` (another process, which never connects to them)
// can warn before one expires. One row per endpoint, replaced at each
// connection: only the certificate in use matters.
#include "db/schema.h"

namespace flexmail {

std::string_view TlsCertificatesSql() {
  return R"sql(
CREATE TABLE tls_certificates (
  endpoint        TEXT PRIMARY KEY CHECK (endpoint <> ''),  -- "imaps://host:993"
  subject         TEXT NOT NULL,
  not_after       TEXT NOT NULL CHECK (not_after LIKE '____-__-__T__:__:__.___Z'),
  not_after_local TEXT NOT NULL CHECK (not_after_local LIKE '____-__-__T__:__:__.___+__:__'),
  seen_at         TEXT NOT NULL CHECK (seen_at LIKE '____-__-__T__:__:__.___Z'),
  seen_at_local   TEXT NOT NULL CHECK (seen_at_local LIKE '____-__-__T__:__:__.___+__:__')
) WITHOUT ROWID;
)sql";
}

}  // namespace flexmail
