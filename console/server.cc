#include "console/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "console/pages.h"

namespace flexmail {
namespace {

struct Args {
  HttpRequest* req;
};

MHD_Result CollectArgument(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* req = static_cast<HttpRequest*>(cls);
  std::string k = key ? key : "", v = value ? value : "";
  req->query_bytes += k.size() + v.size() + 2;
  if (req->query_bytes <= kMaxQueryBytes) req->query[k] = v;
  return MHD_YES;
}

MHD_Result Answer(void* cls, MHD_Connection* connection, const char* url, const char* method,
                  const char*, const char*, size_t*, void**) {
  HttpRequest req;
  req.method = method ? method : "";
  req.path = url ? url : "/";
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, CollectArgument, &req);
  HttpResponse r = static_cast<ConsoleServer*>(cls)->Serve(req);
  MHD_Response* response = MHD_create_response_from_buffer(r.body.size(), r.body.data(),
                                                           MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response, "Content-Type", r.content_type.c_str());
  for (const auto& [name, value] : r.headers)
    MHD_add_response_header(response, name.c_str(), value.c_str());
  MHD_Result ok = MHD_queue_response(connection, static_cast<unsigned>(r.status), response);
  MHD_destroy_response(response);
  return ok;
}

Status BindError(const std::string& listen, const std::string& why) {
  return Status::Permanent("http.listen = \"" + listen + "\": cannot listen: " + why);
}

}  // namespace

ConsoleServer::ConsoleServer(const Config& config, ConsoleSources sources, Router router,
                             std::unique_ptr<Ledger> ledger)
    : config_(config),
      sources_(std::move(sources)),
      router_(std::move(router)),
      ledger_(std::move(ledger)) {}

ConsoleServer::~ConsoleServer() { Stop(); }

void ConsoleServer::Stop() {
  if (daemon_) MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
}

HttpResponse ConsoleServer::Serve(const HttpRequest& req) {
  std::lock_guard<std::mutex> lock(mu_);
  ConsoleContext ctx{config_, *ledger_, sources_.now(), sources_.channel};
  return router_.Handle(ctx, req);
}

Status ConsoleServer::Start(const Config& config, const std::string& database,
                            const std::string& listen, ConsoleSources sources, Router router,
                            std::unique_ptr<ConsoleServer>* out) {
  std::string host;
  int port = 0;
  if (!SplitListenAddress(listen, &host, &port))
    return BindError(listen, "expected an IPv4 address or an [IPv6] one, then :port");
  sockaddr_storage addr{};
  bool v6 = host.find(':') != std::string::npos;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET6, host.c_str(), &a->sin6_addr) != 1) return BindError(listen, "bad IPv6");
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1) return BindError(listen, "bad IPv4");
  }
  std::unique_ptr<Ledger> ledger;
  Status s = Ledger::OpenReadOnly(database, &ledger);
  if (!s.ok()) return s;
  std::unique_ptr<ConsoleServer> server(
      new ConsoleServer(config, std::move(sources), std::move(router), std::move(ledger)));
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | (v6 ? MHD_USE_IPv6 : 0);
  errno = 0;
  server->daemon_ = MHD_start_daemon(
      flags, static_cast<std::uint16_t>(port), nullptr, nullptr, &Answer, server.get(),
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&addr),
      MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_END);
  if (server->daemon_ == nullptr)
    return BindError(listen, errno ? std::strerror(errno) : "libmicrohttpd refused to start");
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info ? info->port : port;
  *out = std::move(server);
  return Status::Ok();
}

Status StartConsole(const Config& config, const std::string& database, const std::string& listen,
                    ConsoleSources sources, std::unique_ptr<ConsoleServer>* out) {
  Router router;
  AddStandardPages(&router);
  return ConsoleServer::Start(config, database, listen, std::move(sources), std::move(router), out);
}

}  // namespace flexmail
