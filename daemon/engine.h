// Engine: the declaration path from raw CSV files to a stored verdict.
//
// Parses the files, asks the ledger for the state the rules need, runs the
// rules and (for `submit`) stores everything in one transaction. Owns no
// clock: every instant is passed in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "db/ledger.h"
#include "rules/declaration.h"

namespace flexmail {

// A verdict with what the reply and the JSON need beside it.
struct Verdict {
  DeclarationResult result;
  std::int64_t declaration_id = 0;           // 0 when nothing was stored
  std::vector<SiteDay> touched;              // = result.touched
  std::map<SiteDay, ReferenceHistory> after; // references of touched keys after it
};

class Engine {
 public:
  Engine(const Config& config, Ledger* ledger) : config_(config), ledger_(ledger) {}

  // Judges `env` and, when `store` is true, records it durably.
  Status Process(const DeclarationEnvelope& env, bool store, Verdict* out);

  const Referential& referential() const { return config_.referential; }
  Ledger* ledger() { return ledger_; }

 private:
  const Config& config_;
  Ledger* ledger_;
};

// Parses every file of a declaration.
ParsedDeclaration ParseFiles(const std::vector<RawFile>& files);

}  // namespace flexmail
