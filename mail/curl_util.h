// What the IMAP and SMTP transports share about libcurl: one easy handle
// with the options every request must carry (verified TLS, timeouts, no
// signals, an error buffer), a response collector with a ceiling, and the
// way untrusted server text is made fit for a log line.
//
// Peer and host verification are never turned off: the only TLS knob is the
// CA file (empty = the system bundle). A CurlEasy is not thread safe; use one
// per thread. CurlGlobalInit is thread safe and runs curl_global_init once.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "mail/transfer_abort.h"
#include "rules/time.h"

namespace flexmail {

// Server replies quoted in our messages are cut to this many bytes.
inline constexpr std::size_t kMaxQuotedServerText = 200;

// curl_global_init(CURL_GLOBAL_DEFAULT), exactly once per process.
void CurlGlobalInit();


// Untrusted text (a server's reply, a curl error naming a host) made safe to
// log: bytes outside printable ASCII become '?', CR/LF/TAB a space, trailing
// blanks go, and the result is at most `max` bytes ("..." marks a cut).
std::string PrintableText(std::string_view text, std::size_t max = kMaxQuotedServerText);

// Options every transfer gets.
struct CurlCommonOptions {
  std::string ca_file;  // PEM bundle trusted for the server; empty = system CAs
  std::chrono::milliseconds connect_timeout{10000};
  // A transfer slower than 1 byte/s for this long, or a server silent this
  // long after a command, is abandoned.
  std::chrono::seconds low_speed_timeout{60};
  // No single request (one command, one message) takes longer than this.
  std::chrono::seconds request_timeout{600};
};

// Collects a response up to a ceiling. Beyond it the write callback refuses
// the data, so curl stops with CURLE_WRITE_ERROR and overflowed() is true:
// a hostile or broken server cannot make us buffer without bound.
class BoundedSink {
 public:
  explicit BoundedSink(std::size_t max_bytes) : max_(max_bytes) {}
  // Installs this sink as the write callback of `h`.
  void AttachBody(CURL* h);
  const std::string& data() const { return data_; }
  std::string& data() { return data_; }
  bool overflowed() const { return overflowed_; }

 private:
  static std::size_t Write(char* p, std::size_t size, std::size_t n, void* self);
  std::size_t max_;
  std::string data_;
  bool overflowed_ = false;
};

// The response lines curl passes to the header callback (for IMAP and SMTP:
// every line the server sends). Keeps only what classification needs: the
// last few lines (each cut and made printable), and whether some line
// started with a given prefix. After a failure curl still says goodbye
// (LOGOUT, QUIT), so the line that explains it is rarely the last one.
class ReplyLines {
 public:
  explicit ReplyLines(std::string watched_prefix = "") : watched_(std::move(watched_prefix)) {}
  void Attach(CURL* h);
  const std::string& last() const { return last_; }
  // The most recent of the kept lines that `match` accepts, else nullptr.
  const std::string* FindRecent(const std::function<bool(std::string_view)>& match) const;
  // The last line starting with `code` ("550"), else the last line.
  const std::string& LastWithCode(long code) const;
  bool saw_watched() const { return saw_watched_; }
  // The kept lines, oldest first, one per line.
  std::string Recent() const;

 private:
  static std::size_t Header(char* p, std::size_t size, std::size_t n, void* self);
  void Add(std::string_view line);
  std::string watched_;
  std::string last_;
  std::string previous_[8];  // a small ring of recent lines, for LastWithCode
  std::size_t count_ = 0;
  bool saw_watched_ = false;
};

// One easy handle and its error buffer.
class CurlEasy {
 public:
  CurlEasy();
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;

  // False when libcurl could not allocate the handle.
  bool ok() const { return handle_ != nullptr; }
  CURL* get() const { return handle_.get(); }
  // Forgets the options of the previous request (live connections and TLS
  // sessions stay, so the next request to the same server reuses them) and
  // sets the common ones.
  void Prepare(const CurlCommonOptions& options);
  // curl's explanation of the last failure ("" when none), printable.
  std::string error_text() const;
  // Whether the last transfer had to open a new connection.
  bool opened_connection() const;
  // The leaf certificate of the last TLS connection this handle opened
  // (Prepare asks curl for the chain): its subject, printable, and
  // notAfter. False when curl has none (no TLS, or a date it could not
  // read). Meaningful right after a transfer that opened_connection().
  bool LeafCertificate(std::string* subject, Instant* not_after) const;

 private:
  struct Cleanup {
    void operator()(CURL* h) const { curl_easy_cleanup(h); }
  };
  std::unique_ptr<CURL, Cleanup> handle_;
  char error_[CURL_ERROR_SIZE] = {};
};

// Owns a curl_slist.
struct CurlSlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistFree>;

// True for the failures that mean "the TLS peer could not be verified or the
// CA file could not be used": configuration, not weather.
bool IsTlsTrustFailure(CURLcode code);

// "the system CA bundle" or "CA file /etc/x.pem", for messages.
std::string DescribeCa(const std::string& ca_file);

// The message for a failure IsTlsTrustFailure accepts, naming the host and
// the CA in use: "TLS certificate of mail.example.com not trusted (CA file
// /etc/x.pem): SSL certificate problem: unable to get local issuer certificate".
std::string DescribeTlsFailure(CURLcode code, const std::string& host,
                               const std::string& ca_file, const std::string& curl_error);

// A mail server's URL, split. Credentials, queries and fragments are
// refused: the secret goes in its own option, never in a URL that ends up
// in logs.
struct ServerUrl {
  std::string scheme;     // lower case
  std::string authority;  // "host:port" or "host"
  std::string host;
  std::string path;       // URL-decoded, "/" when absent
};
// Returns "" or an error that does not quote the URL (it may hold a password).
std::string ParseServerUrl(const std::string& url, ServerUrl* out);

// SASL with an OAuth2 bearer token instead of a password: `mechanism` is
// "XOAUTH2" or "OAUTHBEARER" to force one, "" for whichever of the two the
// server offers (OAUTHBEARER first). No other mechanism is tried, so a server
// that offers neither fails the login instead of getting a password.
// curl keeps a connection for the token it was opened with (a new token
// opens a new one); only one is kept, so the superseded one is closed.
void SetOAuth2Login(CURL* h, const std::string& token, const std::string& mechanism);
// "" when `mechanism` is "", XOAUTH2 or OAUTHBEARER (any case; *canonical
// gets its upper case), else the error.
std::string CheckSaslMechanism(const std::string& mechanism, std::string* canonical);

// RFC 3986 percent-encoding of everything but unreserved characters: a
// mailbox name in a URL, a form value (a secret may hold '&', '=', '+').
std::string PercentEncode(std::string_view value);

// A certificate time as curl's OpenSSL backend prints it ("Expire date:"
// in CURLINFO_CERTINFO): "Jan  1 00:00:00 2027 GMT", fractional seconds
// allowed. False for anything else.
bool ParseCertificateTime(std::string_view text, Instant* out);

// curl's error buffer text if any, else curl's generic text for `code`.
std::string CurlErrorText(CURLcode code, const std::string& error_buffer);

}  // namespace flexmail
