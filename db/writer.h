// Rows the ledger writes. Internal to db/: each function assumes the caller
// holds a write transaction on `db` and leaves committing to it, so a
// failure anywhere leaves nothing behind.
#pragma once

#include <cstdint>

#include "db/ledger.h"

namespace flexmail::store {

// The declaration row, its files and its diagnostics; when the outcome is
// INTEGRATED, also its programmes and the reference versions they produce.
Status WriteDeclaration(sqlite3* db, const DeclarationEnvelope& env,
                        const DeclarationResult& result, std::int64_t* declaration_id);

// A publication with p.applied_at already computed; sets *seq.
Status InsertPublication(sqlite3* db, const Publication& p, std::int64_t* seq);
// Rewrites the applied_at of the stored publication `seq`.
Status SetAppliedAt(sqlite3* db, std::int64_t seq, Instant applied_at);

// A shortage or its end (s.cancels).
Status InsertShortage(sqlite3* db, const Shortage& s);

// One reference version made by programmes.id `programme_row`, linked to
// its override when u.version.override_id is set; sets *id, its seq.
Status InsertReferenceVersion(sqlite3* db, const ReferenceUpdate& u, std::int64_t programme_row,
                              std::int64_t* id);

}  // namespace flexmail::store
