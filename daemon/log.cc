#include "daemon/log.h"

#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "parser/encoding.h"

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

}  // namespace

std::string Printable(std::string_view s, size_t max) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t n = 0;
    (void)parser::DecodeUtf8At(s, i, &n);  // 0: not well-formed UTF-8
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
