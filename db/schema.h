// The ledger's schema: numbered migrations, applied in order in one write
// transaction and recorded in PRAGMA user_version. A migration, once
// released, is never edited: changes go into a new one.
#pragma once

#include <string_view>

#include "rules/status.h"

struct sqlite3;

namespace flexmail {

// The schema version this code writes and reads.
int LatestSchemaVersion();

// Brings the database to LatestSchemaVersion() and sets *version to it.
// A database already at a higher version (written by a newer flexmail) is
// left untouched and reported as kPermanent: this code cannot read it.
// Safe when several processes open the same empty file at once: the write
// lock serializes them and the later ones find nothing left to do.
// Applies the migrations up to `target` only (an older ledger, for tests of
// later migrations).
Status MigrateUpTo(sqlite3* db, int target);
Status Migrate(sqlite3* db, int* version);

// The SQL of the operator views (migration 2), kept in views.cc.
std::string_view ViewsSql();
// The email channel's tables and views (migration 3), in schema_mail.cc.
std::string_view MailSchemaSql();
// The messages' declaration key (migration 4), in schema_mail.cc.
std::string_view DeclarationKeySql();
// Sender authentication of messages (migration 6), in schema_mail.cc.
std::string_view AuthenticationSql();
// v_messages as migration 6 made it (and migration 7 makes it again).
std::string_view MessagesViewWithAuthenticationSql();
// Communication tests: outcome TEST, replies without a declaration
// (migration 7), in schema_tests_outcome.cc.
std::string_view CommunicationTestSql();
// Polls that failed in a way only an operator can fix (migration 8), in
// schema_mail.cc.
std::string_view PollsNeedOperatorSql();
// The canary's probes and v_canary (migration 9), in schema_canary.cc.
std::string_view CanarySql();
// The mail servers' certificates last seen (migration 10), in
// schema_certificates.cc.
std::string_view TlsCertificatesSql();
// Indexes for what status, the console and the metrics count (migration
// 11), in schema_mail.cc.
std::string_view MonitoringIndexesSql();
// The ledger's random instance id (migration 12), in schema_instance.cc.
std::string_view LedgerInstanceSql();
// Overrides of programmes' verdicts and ends of shortages (migration 13),
// in schema_dispatch.cc.
std::string_view DispatchSql();
// Notes on declarations and messages' texts (migration 14), in
// schema_annotations.cc.
std::string_view AnnotationsSql();
// Notes refused INSERT OR REPLACE (migration 15), in
// schema_annotations_kept.cc.
std::string_view AnnotationsKeptSql();
// The SQL functions migrations call (flexmail_random_hex), on `db`.
Status RegisterMigrationFunctions(sqlite3* db);

}  // namespace flexmail
