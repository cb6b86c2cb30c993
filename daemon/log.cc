#include "daemon/log.h"

#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace flexmail {
namespace {

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("flexmail");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
    l->flush_on(spdlog::level::info);
    return l;
  }();
  return *logger;
}

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

std::string Printable(std::string_view s, size_t max) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8Length(s, i);
    if (out.size() + (n ? n : 1) > max) return out + "…";
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7f))) {
      out += '?';
      i += n ? n : 1;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

void LogInfo(const std::string& line) { Logger().info(line); }
void LogWarn(const std::string& line) { Logger().warn(line); }
void LogError(const std::string& line) { Logger().error(line); }
void SetLogQuiet(bool quiet) {
  Logger().set_level(quiet ? spdlog::level::warn : spdlog::level::info);
}

}  // namespace flexmail
