// The console's HTTP server: libmicrohttpd with its own internal polling
// thread, over its own read-only ledger connection (Ledger::OpenReadOnly),
// so a slow page can never block intake. Requests are served one at a time
// on that thread, through a Router built before Start.
//
// Start binds and returns; the destructor (or Stop) waits for the thread.
// Not copyable; Stop is not thread safe against itself.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "console/http.h"
#include "daemon/clock.h"

struct MHD_Daemon;

namespace flexmail {

class ConsoleServer {
 public:
  // Opens `database` read-only and listens on `listen` ("127.0.0.1:8025",
  // "[::1]:0" for any free port). kPermanent naming http.listen and the
  // address when it cannot bind; the ledger's error when it cannot open.
  // REQUIRES: config, clock outlive the server.
  static Status Start(const Config& config, const std::string& database,
                      const std::string& listen, const Clock& clock, Router router,
                      std::unique_ptr<ConsoleServer>* out);
  ~ConsoleServer();
  ConsoleServer(const ConsoleServer&) = delete;
  ConsoleServer& operator=(const ConsoleServer&) = delete;

  int port() const { return port_; }  // the bound port (useful with :0)
  void Stop();

  // For the libmicrohttpd callback only.
  HttpResponse Serve(const HttpRequest& req);

 private:
  ConsoleServer(const Config& config, const Clock& clock, Router router,
                std::unique_ptr<Ledger> ledger);
  const Config& config_;
  const Clock& clock_;
  Router router_;
  std::unique_ptr<Ledger> ledger_;
  std::mutex mu_;  // one request at a time on ledger_
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
};

// Start with the standard pages (console/pages.h AddStandardPages).
Status StartConsole(const Config& config, const std::string& database, const std::string& listen,
                    const Clock& clock, std::unique_ptr<ConsoleServer>* out);

}  // namespace flexmail
