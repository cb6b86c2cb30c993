// The flexmail configuration file (TOML): database path, rule settings and
// the referential. Checked once at start: any problem is one message naming
// the key and the value.
#pragma once

#include <string>
#include <string_view>

#include "rules/referential.h"
#include "rules/status.h"

namespace flexmail {

struct Config {
  std::string path;           // the config file as given
  std::string database_path;  // resolved against the config file's folder
  Referential referential;
};

// Loads and checks `path`. On failure returns InvalidInput with a message
// like "flexmail.toml:12: sites[2].mesh = \"ME0099\": no [[meshes]] has this code"
// (the keys and the message format are listed at the top of config.cc);
// NotFound when the file does not exist, Permanent when it cannot be read,
// both naming the path. *out is left untouched on failure.
Status LoadConfig(const std::string& path, Config* out);
// Same, from text (for tests); `source_name` names the file in messages and
// becomes Config::path. Relative paths resolve against `base_dir`, and stay
// relative when it is empty.
Status ParseConfig(std::string_view toml_text, const std::string& source_name,
                   const std::string& base_dir, Config* out);

}  // namespace flexmail
