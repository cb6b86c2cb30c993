// Migration 12: the ledger's instance id, 128 random bits drawn once when
// the ledger is created (or upgraded to this version) and never changed.
// flexmail's Message-IDs carry it: a declaration number alone repeats in
// every new or restored ledger, and mail systems may silently drop a
// message whose Message-ID they have already seen.
#include <sqlite3.h>
#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "db/schema.h"
#include "db/sqlite.h"

namespace flexmail {
namespace {

constexpr int kMaxRandomBytes = 64;

// getrandom(2): the kernel's generator, waiting (once, early at boot) until
// it is seeded. A short read only happens when interrupted: read the rest.
bool FillRandom(unsigned char* buf, size_t n, std::string* error) {
  size_t done = 0;
  while (done < n) {
    ssize_t got = getrandom(buf + done, n - done, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      *error = std::string("getrandom: ") + std::strerror(errno);
      return false;
    }
    done += static_cast<size_t>(got);
  }
  return true;
}

// flexmail_random_hex(N): N random bytes (1 to 64) as lowercase hex. An
// SQL function so that the migration stays one SQL text applied in the
// migrations' transaction; it fails the migration rather than ever
// returning a weak value.
void RandomHex(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const int n = sqlite3_value_int(argv[0]);
  if (n < 1 || n > kMaxRandomBytes) {
    sqlite3_result_error(ctx, "flexmail_random_hex: N must be 1 to 64", -1);
    return;
  }
  unsigned char bytes[kMaxRandomBytes];
  std::string error;
  if (!FillRandom(bytes, static_cast<size_t>(n), &error)) {
    sqlite3_result_error(ctx, error.c_str(), -1);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (int i = 0; i < n; ++i) {
    hex += kHex[bytes[i] >> 4];
    hex += kHex[bytes[i] & 15];
  }
  sqlite3_result_text(ctx, hex.data(), static_cast<int>(hex.size()), SQLITE_TRANSIENT);
}

}  // namespace

Status RegisterMigrationFunctions(sqlite3* db) {
  // DIRECTONLY: usable by the migration's own SQL, never from a trigger or
  // a view a crafted file could hold.
  int rc = sqlite3_create_function_v2(db, "flexmail_random_hex", 1,
                                      SQLITE_UTF8 | SQLITE_DIRECTONLY, nullptr, &RandomHex,
                                      nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : sql::FromCode(db, rc, "flexmail_random_hex");
}

std::string_view LedgerInstanceSql() {
  return R"sql(
CREATE TABLE ledger_instance (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  instance_id TEXT NOT NULL
              CHECK (length(instance_id) = 32 AND instance_id NOT GLOB '*[^0-9a-f]*')
);
INSERT INTO ledger_instance (id, instance_id) VALUES (1, flexmail_random_hex(16));
)sql";
}

}  // namespace flexmail
