// The commands behind the command line, one function each. They receive
// parsed arguments and write to the given streams; they return exit codes.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/cli.h"
#include "db/ledger.h"

namespace flexmail {

// What every command has: the configuration, the ledger, the streams and
// the clock.
struct Context {
  const Config& config;
  Ledger& ledger;
  std::ostream& out;
  std::ostream& err;
  const Clock& clock;
};

struct DeclareArgs {
  std::vector<std::string> files;
  std::string sender;
  std::string at;  // TIME or empty for now
  std::string processed_at;  // TIME or empty: `at` when given, else now
  bool json = false;
  bool store = true;  // submit: true; check: false
};
int CmdDeclare(Context& c, const DeclareArgs& a);

struct PublishArgs {
  std::string mesh, indicator, status, at;
};
int CmdPublish(Context& c, const PublishArgs& a);

struct ShowIndicatorsArgs {
  std::string mesh, at;
  bool json = false;
};
int CmdShowIndicators(Context& c, const ShowIndicatorsArgs& a);

struct ShortageArgs {
  std::string gas_day, mesh, at;
  bool cancel = false;  // `shortage cancel`: the end of the shortage
};
int CmdShortage(Context& c, const ShortageArgs& a);

// `override PROGRAMME_ID`: a dispatcher's decision on an integrated
// programme (override_command.cc).
struct OverrideArgs {
  std::string programme_id, status, reason, by, at;
  bool json = false;
};
int CmdOverride(Context& c, const OverrideArgs& a);

// `annotate DECLARATION_ID`: a person's note on a declaration
// (annotate_command.cc).
struct AnnotateArgs {
  std::int64_t declaration_id = 0;
  std::string text, by;
  bool json = false;
};
int CmdAnnotate(Context& c, const AnnotateArgs& a);

struct SiteDayArgs {
  std::string site, gas_day, at;
  bool json = false;
};
int CmdReference(Context& c, const SiteDayArgs& a);
int CmdPrograms(Context& c, const SiteDayArgs& a);

// The email channel.
struct IngestArgs {
  std::string file;
  std::string at;  // --received-at; default now
  std::string processed_at;  // --processed-at; default: --received-at, else now
  bool json = false;
};

// The processing instant of a declaration given on the command line
// (RULES §9): --processed-at, else the reception instant when one was
// given (a replay), else now.
bool ResolveProcessedAt(Context& c, const std::string& processed_at, const std::string& at,
                        Instant received_at, Instant* out);
int CmdIngest(Context& c, const IngestArgs& a);

struct RunArgs {
  bool once = false;
};
int CmdRun(Context& c, const RunArgs& a);

struct OutboxArgs {
  std::int64_t id = 0;
  bool json = false;
};
int CmdOutboxList(Context& c, const OutboxArgs& a);
int CmdOutboxShow(Context& c, const OutboxArgs& a);

// Operators.
// `status`, `check-ledger`: the monitoring check fails (unhealthy, damaged).
constexpr int kExitUnhealthy = 3;
struct StatusArgs {
  bool json = false;
};
// Exit 0 when healthy; kExitUnhealthy when the last successful poll is older
// than 3 poll intervals (or none happened) or a reply is FAILED.
int CmdStatus(Context& c, const StatusArgs& a);

// `serve`: the web console alone, over the configured ledger or `database`,
// on `listen` or [http] listen, until SIGTERM or SIGINT. Exit 2 when there
// is no address or it cannot bind (the message names http.listen).
struct ServeArgs {
  std::string listen;
  std::string database;
};
// Loads the configuration; on failure prints "flexmail: <message>" to
// `err` and returns false (the caller exits with kExitUsage).
bool LoadConfigOrSay(const std::string& config_path, std::ostream& err, Config* config);
int CmdServe(const std::string& config_path, const ServeArgs& a, std::ostream& out,
             std::ostream& err, const Clock& clock);

// `backup FILE`: the ledger copied to FILE (db/backup.h), beside a running
// daemon. Exit 0 when written; 2 for a usage error (FILE is the ledger);
// 1 when the ledger is missing or the copy failed (FILE then unchanged).
struct BackupArgs {
  std::string file;
};
int CmdBackup(const std::string& config_path, const BackupArgs& a, std::ostream& out,
              std::ostream& err);

// `check-ledger`: integrity_check, foreign_key_check and the schema version
// of the configured ledger or `database`. Exit 0 when clean; kExitUnhealthy
// when damaged (each finding printed); 1 when it cannot be checked (a
// missing file, which is not created).
struct CheckLedgerArgs {
  std::string database;
};
int CmdCheckLedger(const std::string& config_path, const CheckLedgerArgs& a, std::ostream& out,
                   std::ostream& err);

struct ReportArgs {
  std::string gas_day;
  bool json = false;
};
int CmdReport(Context& c, const ReportArgs& a);

// A ledger failure said on c.err; returns kExitInternal.
int Internal(Context& c, const Status& s);

// Helpers shared by commands: each writes the usage error and returns false.
// Text an operator typed, to be stored, printed and mailed: not blank, at
// most max_bytes, UTF-8 on one line without control characters (it may not
// forge lines of a reply or of a table, and JSON only carries UTF-8). The
// error names the option and what is wrong, where.
bool CheckOperatorText(Context& c, const char* option, const std::string& text,
                       size_t max_bytes);
bool ResolveInstant(Context& c, const std::string& text, const char* option, Instant* out);
bool ResolveGasDay(Context& c, const std::string& text, GasDay* out);
bool ResolveSite(Context& c, const std::string& id, const Site** out);

}  // namespace flexmail
