// SmtpSender: hands a message to an SMTP server (submission), through
// libcurl. The connection is kept between messages (a backlog's replies
// would otherwise each pay a TCP, TLS and AUTH exchange): "did we
// authenticate?" is therefore a property of the connection, recorded when
// it is opened. A kept connection the server has meanwhile dropped is
// replaced once, at once, by a fresh one.
//
// Promises:
//  - TLS is verified (CA file or the system bundle); with require_tls an
//    smtp:// server that does not offer STARTTLS is refused before anything
//    is sent.
//  - With require_auth, a message is never sent unauthenticated: libcurl
//    silently skips AUTH when the server does not advertise it, so the DATA
//    upload refuses to start unless the server has answered 235 to our AUTH
//    (the transaction is then abandoned before the message's first byte).
//  - All recipients or none: a refused recipient fails the whole send.
//
// Outcome: kSent on 250 after DATA; kPermanent for a 5xx reply, refused
// credentials (535), TLS trust failures, a missing STARTTLS or AUTH, bad
// configuration or addresses; kTransient for 4xx replies, network failures
// and timeouts.
//
// OAuth2 (token_source set): AUTH OAUTHBEARER or XOAUTH2 with the source's
// current token instead of the password. A renewed token gets a new
// connection; a login refused with a token is tried once more with a fresh
// one, then kRelayUnusable quoting the server. No token to be had: the
// source's kTransient stays kTransient (the reply waits), its kPermanent is
// kRelayUnusable. detail is the server's reply line that decided it, or our
// own explanation, printable and bounded; never the password.
// Thread safe as long as each thread uses its own SmtpSender.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mail/mailbox.h"
#include "mail/token_source.h"

struct curl_slist;

namespace flexmail {

class CurlEasy;

struct SmtpOptions {
  // smtp://host[:port] (STARTTLS) or smtps://host[:port] (TLS from the start).
  std::string url;
  std::string username;  // empty: no AUTH (then require_auth must be false)
  std::string password;  // the secret itself; reading a password file is the caller's job
  // OAuth2 instead of the password when set (username = the mailbox address).
  std::shared_ptr<TokenSource> token_source;
  // "XOAUTH2" or "OAUTHBEARER" forces one; "": whichever the server offers.
  std::string sasl_mechanism;
  std::string ca_file;   // PEM bundle to trust; empty = the system CA bundle
  // smtp:// only: refuse a server that does not offer STARTTLS.
  bool require_tls = true;
  // Refuse to send unless the server accepted our credentials.
  bool require_auth = true;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::seconds low_speed_timeout{60};
  std::chrono::seconds request_timeout{300};
};

class SmtpSender final : public MailSender {
 public:
  explicit SmtpSender(SmtpOptions options);
  ~SmtpSender() override;  // says QUIT on the kept connection

  // `from` may be empty (null reverse-path, "<>"). `raw` is the message with
  // CRLF line ends; libcurl does the dot-stuffing.
  SendResult Send(const std::string& from, const std::vector<std::string>& recipients,
                  const std::string& raw) override;

  std::optional<ServerCertificate> last_server_certificate() const override;

  // Connections opened so far (for tests and diagnostics).
  int connections_opened() const { return connections_opened_; }

 private:
  struct Upload;
  struct Attempt;
  static std::size_t ReadUpload(char* buf, std::size_t size, std::size_t n, void* upload);
  // One SMTP transaction on the kept connection, or on a new one when
  // `fresh` is set or none is alive.
  Attempt Transfer(const std::string& mail_from, curl_slist* rcpt, const std::string& raw,
                   bool fresh, const std::string& token);
  // Transfer, on a new connection should the kept one have been dropped.
  Attempt TransferOnLiveConnection(const std::string& mail_from, curl_slist* rcpt,
                                   const std::string& raw, const std::string& token);
  // The options of one transfer; `upload` is the DATA source read by curl.
  void SetUp(const std::string& mail_from, curl_slist* rcpt, Upload* upload, bool fresh,
             const std::string& token);
  // The token to log in with ("" without OAuth2); a failed result when none.
  bool GetToken(std::string* token, SendResult* failed);
  SendResult Classify(const Attempt& a) const;

  SmtpOptions options_;
  std::unique_ptr<CurlEasy> easy_;  // holds the kept connection
  bool connection_authenticated_ = false;  // the kept connection got 235 to AUTH
  int connections_opened_ = 0;
  std::string config_error_;  // set by the constructor when the options are unusable
  std::string endpoint_;      // "smtp://host:port", for messages
  std::string host_;
  std::string mechanism_;     // upper case; "" = OAUTHBEARER or XOAUTH2
  mutable std::mutex certificate_mutex_;  // last_server_certificate() runs in other threads
  std::optional<ServerCertificate> certificate_;  // of the last connection opened
};

}  // namespace flexmail
