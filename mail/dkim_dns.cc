#include "mail/dkim_dns.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>

#include <cstring>
#include <string_view>

#define _Bool bool  // dkim.h is C; g++ knows no _Bool
#include <dkim.h>
#undef _Bool

namespace flexmail {
namespace {

// The reply length, handed from Start to WaitReply (the resolver is
// synchronous: the answer is already in libopendkim's buffer).
struct Reply {
  size_t length = 0;
};

bool ParseNameserver(std::string_view entry, sockaddr_in* out) {
  std::string_view host = entry;
  int port = 53;
  if (size_t colon = entry.find(':'); colon != std::string_view::npos) {
    host = entry.substr(0, colon);
    std::string_view digits = entry.substr(colon + 1);
    if (digits.empty() || digits.size() > 5) return false;
    port = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      port = port * 10 + (c - '0');
    }
    if (port == 0 || port > 65535) return false;
  }
  std::string h(host);
  std::memset(out, 0, sizeof *out);
  out->sin_family = AF_INET;
  out->sin_port = htons(static_cast<uint16_t>(port));
  return inet_pton(AF_INET, h.c_str(), &out->sin_addr) == 1;
}

}  // namespace

std::unique_ptr<DkimDns> DkimDns::Create(const std::vector<std::string>& nameservers,
                                         int timeout_seconds, std::string* error) {
  if (nameservers.size() > MAXNS) {
    *error = "more than " + std::to_string(MAXNS) + " nameservers";
    return nullptr;
  }
  std::unique_ptr<DkimDns> dns(new DkimDns());
  if (res_ninit(&dns->state_) != 0) {
    *error = "resolver initialisation failed";
    return nullptr;
  }
  dns->initialised_ = true;
  // One attempt per server, each bounded by the timeout: a dead server costs
  // at most timeout_seconds per key.
  dns->state_.retrans = timeout_seconds > 0 ? timeout_seconds : 5;
  dns->state_.retry = 1;
  if (!nameservers.empty()) {
    for (size_t i = 0; i < nameservers.size(); ++i) {
      if (!ParseNameserver(nameservers[i], &dns->state_.nsaddr_list[i])) {
        *error = "nameserver is not IPv4[:port]";
        return nullptr;
      }
    }
    dns->state_.nscount = static_cast<int>(nameservers.size());
  }
  return dns;
}

DkimDns::~DkimDns() {
  if (initialised_) res_nclose(&state_);
}

void DkimDns::Install(dkim_lib* lib) {
  // No init/close callbacks: the library must neither create its own
  // service nor free ours.
  dkim_dns_set_init(lib, nullptr);
  dkim_dns_set_close(lib, nullptr);
  dkim_dns_set_query_service(lib, this);
  dkim_dns_set_query_start(lib, &DkimDns::Start);
  dkim_dns_set_query_waitreply(lib, &DkimDns::WaitReply);
  dkim_dns_set_query_cancel(lib, &DkimDns::Cancel);
}

int DkimDns::Start(void* srv, int type, unsigned char* query, unsigned char* buf,
                   size_t buflen, void** qh) {
  auto* self = static_cast<DkimDns*>(srv);
  unsigned char packet[NS_PACKETSZ];
  int n = res_nmkquery(&self->state_, ns_o_query, reinterpret_cast<const char*>(query),
                       ns_c_in, type, nullptr, 0, nullptr, packet, sizeof packet);
  if (n < 0) return DKIM_DNS_ERROR;
  // res_nsend, not res_nquery: it hands back NXDOMAIN replies as they are.
  int len = res_nsend(&self->state_, packet, n, buf, static_cast<int>(buflen));
  if (len < static_cast<int>(NS_HFIXEDSZ)) return DKIM_DNS_ERROR;
  HEADER hdr;
  std::memcpy(&hdr, buf, sizeof hdr);
  if (hdr.rcode != ns_r_noerror && hdr.rcode != ns_r_nxdomain) return DKIM_DNS_ERROR;
  *qh = new Reply{static_cast<size_t>(len)};
  return DKIM_DNS_SUCCESS;
}

int DkimDns::WaitReply(void*, void* qh, struct timeval*, size_t* bytes, int* error,
                       int* dnssec) {
  if (bytes != nullptr) *bytes = static_cast<Reply*>(qh)->length;
  if (error != nullptr) *error = 0;
  if (dnssec != nullptr) *dnssec = DKIM_DNSSEC_UNKNOWN;
  return DKIM_DNS_SUCCESS;
}

int DkimDns::Cancel(void*, void* qh) {
  delete static_cast<Reply*>(qh);
  return DKIM_DNS_SUCCESS;
}

}  // namespace flexmail
