// The console's HTTP server: libmicrohttpd with its own internal polling
// thread, over its own read-only ledger connection (Ledger::OpenReadOnly),
// so a slow page can never block intake. Requests are served one at a time
// on that thread, through a Router built before Start.
//
// Start binds and returns; the destructor (or Stop) waits for the thread.
// Not copyable; Stop is not thread safe against itself.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "console/channel.h"
#include "console/http.h"

struct MHD_Daemon;

namespace flexmail {

// Where the console's instants and health judgement come from; the
// daemon supplies both. `now` must be callable from the server's thread.
struct ConsoleSources {
  std::function<Instant()> now;
  const ChannelProbe* channel = nullptr;  // null: /healthz 503, /metrics 500
};

class ConsoleServer {
 public:
  // Opens `database` read-only and listens on `listen` ("127.0.0.1:8025",
  // "[::1]:0" for any free port). kPermanent naming http.listen and the
  // address when it cannot bind; the ledger's error when it cannot open.
  // REQUIRES: config and sources.channel outlive the server.
  static Status Start(const Config& config, const std::string& database,
                      const std::string& listen, ConsoleSources sources, Router router,
                      std::unique_ptr<ConsoleServer>* out);
  ~ConsoleServer();
  ConsoleServer(const ConsoleServer&) = delete;
  ConsoleServer& operator=(const ConsoleServer&) = delete;

  int port() const { return port_; }  // the bound port (useful with :0)
  void Stop();

  // For the libmicrohttpd callback only.
  HttpResponse Serve(const HttpRequest& req);

 private:
  ConsoleServer(const Config& config, ConsoleSources sources, Router router,
                std::unique_ptr<Ledger> ledger);
  const Config& config_;
  const ConsoleSources sources_;
  Router router_;
  std::unique_ptr<Ledger> ledger_;
  std::mutex mu_;  // one request at a time on ledger_
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
};

// Start with the standard pages (console/pages.h AddStandardPages).
Status StartConsole(const Config& config, const std::string& database, const std::string& listen,
                    ConsoleSources sources, std::unique_ptr<ConsoleServer>* out);

}  // namespace flexmail
