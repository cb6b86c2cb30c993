// The DNS service libopendkim uses to fetch DKIM keys. Ours rather than the
// library's: Debian's libopendkim 2.11 asks res_nquery, which reports a
// missing key (NXDOMAIN) as a lookup failure, and its dkim_dns_nslist() is a
// no-op on glibc (no res_setservers) and takes no port. Here a definite
// answer (a record, NXDOMAIN, no data) reaches libopendkim; anything else
// (timeout, refused, SERVFAIL) is a query failure, i.e. DKIM_STAT_KEYFAIL,
// which the caller reports as a temporary error.
#pragma once

#include <resolv.h>

#include <memory>
#include <string>
#include <vector>

struct dkim_lib;

namespace flexmail {

class DkimDns {
 public:
  // `nameservers` ("127.0.0.1" or "127.0.0.1:5353", IPv4, at most 3), or
  // empty for /etc/resolv.conf. nullptr with *error for a bad entry or a
  // resolver that cannot be initialised.
  static std::unique_ptr<DkimDns> Create(const std::vector<std::string>& nameservers,
                                         int timeout_seconds, std::string* error);
  ~DkimDns();
  DkimDns(const DkimDns&) = delete;
  DkimDns& operator=(const DkimDns&) = delete;

  // Makes `lib` send its key queries here. This object must outlive lib's use.
  void Install(dkim_lib* lib);

 private:
  DkimDns() = default;
  static int Start(void* srv, int type, unsigned char* query, unsigned char* buf,
                   size_t buflen, void** qh);
  static int WaitReply(void* srv, void* qh, struct timeval* to, size_t* bytes, int* error,
                       int* dnssec);
  static int Cancel(void* srv, void* qh);

  struct __res_state state_ {};
  bool initialised_ = false;
};

}  // namespace flexmail
