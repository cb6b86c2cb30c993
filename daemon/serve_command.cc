// `flexmail serve`: the web console without the daemon.
#include <csignal>
#include <pthread.h>

#include "daemon/console_channel.h"
#include "daemon/cli.h"
#include "daemon/commands.h"

namespace flexmail {

int CmdServe(const std::string& config_path, const ServeArgs& a, std::ostream& out,
             std::ostream& err, const Clock& clock) {
  Config config;
  if (!LoadConfigOrSay(config_path, err, &config)) return kExitUsage;
  const std::string listen = a.listen.empty() ? config.http.listen : a.listen;
  if (listen.empty()) {
    err << "flexmail: " << config.path << ": http.listen is not set and no --listen given\n";
    return kExitUsage;
  }
  const std::string database = a.database.empty() ? config.database_path : a.database;
  // Blocked before the server's thread starts, so it inherits the mask and
  // only sigwait below sees the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::unique_ptr<ConsoleServer> server;
  Status s = StartConsole(config, database, listen, DaemonConsoleSources(clock), &server);
  if (!s.ok()) {
    err << "flexmail: " << config.path << ": " << s.message() << "\n";
    return s.kind() == Status::Kind::kPermanent && s.message().starts_with("http.listen")
               ? kExitUsage
               : kExitInternal;
  }
  out << "flexmail: console on port " << server->port() << " over " << database << "\n";
  out.flush();
  int received = 0;
  sigwait(&signals, &received);
  server->Stop();
  return kExitOk;
}

}  // namespace flexmail
