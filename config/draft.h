// The configuration file as read, before its parts are checked against each
// other and the Referential is built. Internal to config/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "config/config.h"
#include "config/schema.h"
#include "rules/referential.h"

namespace flexmail::cfg {

struct DatabaseSection {
  std::string path;  // as written; resolved against the file's folder later
  std::int64_t max_size_mb = 0;  // 0: no cap
};

// Config's own sections are filled in place (a section that lands directly in
// Config needs no code here); the referential's parts wait in the extra
// fields until CheckDraft has cross-checked them.
struct Draft : Config {
  DatabaseSection database;
  RuleSettings rules;
  std::vector<Mesh> meshes;
  std::vector<Site> sites;
  std::vector<Contract> contracts;
  std::vector<Shipper> shippers;
};

// Fails on the first secret written in the file, wherever it is: a key named
// like a password (password, passwd, pass, smtp_password...), or a URL with a
// password in it. The message names the key but never quotes the value.
// Runs before anything else is read, so the secret is never quoted back by
// another check either.
Status CheckNoSecrets(const Context& ctx, const toml::table& root);

// The checks a key table cannot express because they relate entries: unique
// codes and ids, references to meshes and sites that exist, qmin <= qmax;
// in the email channel, keys required or excluded by others, bounds that
// depend on another key, and [inbox] needing mail.address.
// `root` is the parsed file, for the line and value of the key at fault.
Status CheckDraft(const Context& ctx, const toml::table& root, const Draft& draft);

}  // namespace flexmail::cfg
