// Real DKIM signers and a real DNS server for the DKIM tests: RSA keys from
// `openssl genrsa`, signatures from dkimpy (dkim_sign.py, Debian's
// python3-dkim), TXT records served by dnsmasq on 127.0.0.1. All in a fresh
// temporary directory, removed at the end.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace flexmail::test {

// Runs argv (no shell) with `input` on stdin; its stdout goes to *out.
// Fails on a non-zero exit or after 60 s.
::testing::AssertionResult RunProgram(const std::vector<std::string>& argv,
                                      std::string_view input, std::string* out);

class DkimWorld {
 public:
  DkimWorld() = default;
  ~DkimWorld();  // stops dnsmasq, removes the directory
  DkimWorld(const DkimWorld&) = delete;
  DkimWorld& operator=(const DkimWorld&) = delete;

  ::testing::AssertionResult Init();
  // A new 2048-bit key `name`; its record "v=DKIM1;k=rsa;p=..." is published
  // as selector._domainkey.domain in the key file and, once started, dnsmasq.
  ::testing::AssertionResult AddKey(const std::string& name, const std::string& selector,
                                    const std::string& domain);
  // The message signed with key `name` for selector/domain; extra arguments
  // go to dkim_sign.py (--length, --expired, --headers a,b).
  ::testing::AssertionResult Sign(const std::string& name, const std::string& selector,
                                  const std::string& domain, std::string_view message,
                                  const std::vector<std::string>& extra, std::string* out);

  // Any other TXT record (e.g. "_dmarc.<domain>", "v=DMARC1; p=reject"),
  // served by dnsmasq once started; not in the key file.
  void AddTxt(const std::string& owner, const std::string& value);

  std::string key_file() const { return (dir_ / "keys.txt").string(); }
  // The private key (PEM) of key `name`, for other signers.
  std::string private_key(const std::string& name) const {
    return (dir_ / (name + ".pem")).string();
  }
  // Starts dnsmasq with every record published so far, on `address` and
  // `port` (0: a free one). Names under example. and test. without a record
  // are NXDOMAIN.
  ::testing::AssertionResult StartDns(const std::string& address = "127.0.0.1", int port = 0);
  ::testing::AssertionResult StopDns();  // idempotent
  int dns_port() const { return dns_port_; }
  const std::string& dns_address() const { return dns_address_; }

 private:
  ::testing::AssertionResult StartDnsOn(const std::string& address, int port);
  std::filesystem::path dir_;
  std::map<std::string, std::string> records_;  // owner name -> TXT value
  pid_t dns_pid_ = -1;
  std::string dns_address_;
  int dns_port_ = 0;
};

// A UDP port on 127.0.0.1 that nothing listens on at the time of the call.
int FreeUdpPort();

// An address in 127.0.0.0/8 other than 127.0.0.1 on whose `port` (UDP and
// TCP) nothing listens at the time of the call; "" when none was found.
// For servers that must be on a fixed port, such as DNS on 53.
std::string FreeLoopbackAddress(int port);

}  // namespace flexmail::test
