// Rows the ledger reads back into the model. Internal to db/. The functions
// take no transaction of their own: callers that need several reads to agree
// hold one (Snapshot a read transaction, Submit its write transaction).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/ledger.h"

namespace flexmail::store {

// What the rules need for `keys` (see LedgerSnapshot): ids among
// keys.programme_ids already integrated, the highest version of each
// (site, day) that has one, the reference history of every (site, day) asked
// for (empty when none), the publications of the meshes and the shortages of
// the days asked for. When keys.at is set, a reference history holds only
// the versions in force at keys.at and at each of keys.reference_instants,
// and the publications only those that can matter at keys.at.
Status ReadSnapshot(sqlite3* db, const SnapshotKeys& keys, LedgerSnapshot* out);

Status ReadReferenceHistory(sqlite3* db, const SiteDay& key, ReferenceHistory* out);

// Every publication, or those of `mesh` when it is non-empty, in
// (published_at, seq) order with their stored applied_at. Appends to *out.
Status ReadPublications(sqlite3* db, const std::string& mesh, std::vector<Publication>* out);
// Only those that can matter at `at` (see kPublicationLookback).
Status ReadPublicationsAt(sqlite3* db, const std::string& mesh, Instant at,
                          std::vector<Publication>* out);
// Only those that can matter at some instant of [from, to]: published in
// (from - kPublicationLookback, to], and the last one of each indicator
// published before that. REQUIRES: mesh non-empty, from <= to.
Status ReadPublicationsDuring(sqlite3* db, const std::string& mesh, Instant from, Instant to,
                              std::vector<Publication>* out);

// The publication with that seq.
Status ReadPublication(sqlite3* db, std::int64_t seq, Publication* out);

// The last stored publication of p's (mesh, kind) in (published_at, seq)
// order with published_at <= p.published_at; nullopt when there is none.
Status ReadPreviousPublication(sqlite3* db, const Publication& p,
                               std::optional<Publication>* out);
// The stored publications of p's (mesh, kind) published strictly after
// p.published_at, in order.
Status ReadLaterPublications(sqlite3* db, const Publication& p, std::vector<Publication>* out);

// Every shortage, or those of `days` when non-null, in (gas day,
// declared_at, seq) order. Appends to *out.
Status ReadShortages(sqlite3* db, const std::set<GasDay>* days, std::vector<Shortage>* out);

// Declarations received in [from, to), in reception order.
Status ReadDeclarations(sqlite3* db, Instant from, Instant to,
                        std::vector<StoredDeclaration>* out);

// Those `f` selects, newest first. Appends to *out.
Status ReadFilteredDeclarations(sqlite3* db, const DeclarationFilter& f,
                                std::vector<StoredDeclaration>* out);
// The newest `limit` received in (since, until], newest first. Appends.
Status ReadLatestDeclarations(sqlite3* db, Instant since, Instant until, int limit,
                              std::vector<StoredDeclaration>* out);
// Declaration `id`; *found false when there is none.
Status ReadDeclaration(sqlite3* db, std::int64_t id, bool* found, StoredDeclaration* out);
// The diagnostics of declaration `id`, in the order the shipper was told.
// Appends to *out.
Status ReadDiagnostics(sqlite3* db, std::int64_t id, std::vector<Diagnostic>* out);

// Every programme of (site, day), by version (programme_reader.cc).
Status ReadProgrammes(sqlite3* db, const SiteDay& key, std::vector<StoredProgramme>* out);
// Every programme of declaration `id`, in the order written (programme_reader.cc).
Status ReadProgrammesOf(sqlite3* db, std::int64_t id, std::vector<StoredProgramme>* out);
// The programme with that hms_profile_id (none or one: the column is unique).
Status ReadProgrammeByProfileId(sqlite3* db, const std::string& hms_profile_id,
                                std::vector<StoredProgramme>* out);

}  // namespace flexmail::store
