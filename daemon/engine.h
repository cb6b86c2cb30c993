// Engine: the declaration path from raw CSV files to a stored verdict.
//
// Parses the files, asks the ledger for the state the rules need, runs the
// rules and (when storing) records everything in one transaction, together
// with whatever the caller's extension writes (the email channel adds the
// message and its reply there). Owns no clock: every instant is passed in.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "db/ledger.h"
#include "rules/declaration.h"

namespace flexmail {

// A verdict with what the reply and the JSON need beside it.
struct Verdict {
  DeclarationResult result;
  std::int64_t declaration_id = 0;            // 0 when nothing was stored
  std::vector<SiteDay> touched;               // = result.touched
  std::map<SiteDay, ReferenceHistory> after;  // references of touched keys after it
};

struct ProcessOptions {
  bool store = true;
  // Diagnostics found before the files were read (limits of the email,
  // subject format); errors among them reject the declaration.
  std::vector<Diagnostic> extra;
  // Rejected on `extra` alone, its files stored but never read (a message
  // whose sender failed authentication: nothing of it is judged).
  bool reject_only = false;
  // Runs inside the declaration's transaction once the verdict is written
  // (store only); a non-ok Status rolls everything back.
  std::function<Status(sql::Transaction& tx, const Verdict& v)> extend;
};

class Engine {
 public:
  Engine(const Config& config, Ledger* ledger) : config_(config), ledger_(ledger) {}

  // Judges `env` and, when options.store, records it durably.
  Status Process(const DeclarationEnvelope& env, const ProcessOptions& options, Verdict* out);

 private:
  const Config& config_;
  Ledger* ledger_;
};

// Parses every file of a declaration.
ParsedDeclaration ParseFiles(const std::vector<RawFile>& files);

}  // namespace flexmail
