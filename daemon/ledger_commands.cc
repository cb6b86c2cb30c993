// The ledger file's commands: backup (a consistent copy beside the running
// daemon) and check-ledger (a monitoring check of the file itself). Neither
// opens a Ledger: the file is never created nor migrated.
#include <string>
#include <vector>

#include "daemon/commands.h"
#include "daemon/log.h"
#include "db/backup.h"

namespace flexmail {
namespace {

// "label:" padded so that the values line up, as `status` prints them.
std::string Label(const std::string& label) {
  std::string l = label + ":";
  return l + std::string(l.size() < 19 ? 19 - l.size() : 1, ' ');
}

// Findings name tables and text from the file itself: printable, bounded.
void PrintFindings(std::ostream& os, const char* check, const std::vector<std::string>& found) {
  if (found.empty()) os << Label(check) << "ok\n";
  for (const auto& f : found) os << Label(check) << Printable(f, 400) << "\n";
}

void PrintCheck(std::ostream& os, const std::string& path, const LedgerCheck& c) {
  const size_t problems = c.schema.size() + c.integrity.size() + c.foreign_keys.size();
  if (problems == 0) {
    os << "OK\n";
  } else {
    os << "DAMAGED - " << problems << (problems == 1 ? " problem\n" : " problems\n");
  }
  os << Label("ledger") << path << " (schema version "
     << (c.schema_version < 0 ? std::string("unreadable") : std::to_string(c.schema_version))
     << ")\n";
  for (const auto& f : c.schema) os << Label("schema") << f << "\n";
  PrintFindings(os, "integrity_check", c.integrity);
  PrintFindings(os, "foreign_key_check", c.foreign_keys);
}

}  // namespace

int CmdBackup(const std::string& config_path, const BackupArgs& a, std::ostream& out,
              std::ostream& err) {
  Config config;
  if (!LoadConfigOrSay(config_path, err, &config)) return kExitUsage;
  BackupStats stats;
  Status s = BackupLedger(config.database_path, a.file, BackupOptions(), &stats);
  if (!s.ok()) {
    err << "flexmail: backup: " << s.message() << "\n";
    return s.kind() == Status::Kind::kInvalidInput ? kExitUsage : kExitInternal;
  }
  out << "ledger " << config.database_path << " copied to " << a.file << ": " << stats.pages
      << " pages of " << stats.page_size << " bytes\n";
  return kExitOk;
}

int CmdCheckLedger(const std::string& config_path, const CheckLedgerArgs& a, std::ostream& out,
                   std::ostream& err) {
  Config config;
  if (!LoadConfigOrSay(config_path, err, &config)) return kExitUsage;
  const std::string path = a.database.empty() ? config.database_path : a.database;
  LedgerCheck check;
  Status s = CheckLedger(path, &check);
  if (!s.ok()) {
    err << "flexmail: check-ledger: " << s.message() << "\n";
    return kExitInternal;
  }
  PrintCheck(out, path, check);
  return check.clean() ? kExitOk : kExitUnhealthy;
}

}  // namespace flexmail
