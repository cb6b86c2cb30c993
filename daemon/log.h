// Logging: one line per event on stderr (the journal under systemd), with
// untrusted text truncated and made printable. Never given a secret.
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

// At most `max` bytes of `s` (cut on a UTF-8 boundary, "…" appended), with
// control characters, DEL and invalid UTF-8 replaced by '?'.
std::string Printable(std::string_view s, size_t max = 200);

void LogInfo(const std::string& line);
void LogWarn(const std::string& line);
void LogError(const std::string& line);
// Silences info lines (commands that print their own report).
void SetLogQuiet(bool quiet);

}  // namespace flexmail
