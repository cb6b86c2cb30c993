#include "mail/curl_util.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <iterator>
#include <mutex>
#include <optional>

namespace flexmail {

namespace {

std::atomic<const std::atomic<bool>*> g_abort{nullptr};

// curl calls it about once a second, and at every step of a transfer: also
// while it waits for a server's reply.
int AbortWhenAsked(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const std::atomic<bool>* flag = g_abort.load();
  return flag != nullptr && flag->load() ? 1 : 0;
}

}  // namespace

void SetTransferAbortFlag(const std::atomic<bool>* flag) { g_abort.store(flag); }

void CurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string PrintableText(std::string_view text, std::size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max));
  for (unsigned char c : text) {
    if (c == '\r' || c == '\n' || c == '\t') {
      out += ' ';
    } else {
      out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > max) {
    const std::size_t keep = max > 3 ? max - 3 : 0;
    out.resize(keep);
    out += "...";
  }
  return out;
}

void BoundedSink::AttachBody(CURL* h) {
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &BoundedSink::Write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
}

std::size_t BoundedSink::Write(char* p, std::size_t size, std::size_t n, void* self) {
  auto* sink = static_cast<BoundedSink*>(self);
  const std::size_t len = size * n;
  if (len > sink->max_ - sink->data_.size()) {
    sink->overflowed_ = true;
    return 0;  // anything but len: curl aborts with CURLE_WRITE_ERROR
  }
  sink->data_.append(p, len);
  return len;
}

void ReplyLines::Attach(CURL* h) {
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &ReplyLines::Header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, this);
}

std::size_t ReplyLines::Header(char* p, std::size_t size, std::size_t n, void* self) {
  static_cast<ReplyLines*>(self)->Add(std::string_view(p, size * n));
  return size * n;
}

void ReplyLines::Add(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty()) return;
  if (!watched_.empty() && line.substr(0, watched_.size()) == watched_) saw_watched_ = true;
  // Only a bounded prefix of each line is kept: a line is quoted, never parsed.
  last_ = PrintableText(line, 4 * kMaxQuotedServerText);
  previous_[count_++ % std::size(previous_)] = last_;
}

const std::string* ReplyLines::FindRecent(
    const std::function<bool(std::string_view)>& match) const {
  const std::size_t n = std::min(count_, std::size(previous_));
  for (std::size_t i = 1; i <= n; ++i) {
    const std::string& line = previous_[(count_ - i) % std::size(previous_)];
    if (match(line)) return &line;
  }
  return nullptr;
}

std::string ReplyLines::Recent() const {
  std::string text;
  const std::size_t n = std::min(count_, std::size(previous_));
  for (std::size_t i = n; i >= 1; --i) {
    text += previous_[(count_ - i) % std::size(previous_)];
    text += '\n';
  }
  return text;
}

const std::string& ReplyLines::LastWithCode(long code) const {
  const std::string prefix = std::to_string(code);
  const std::string* line = FindRecent([&](std::string_view l) { return l.starts_with(prefix); });
  return line ? *line : last_;
}

CurlEasy::CurlEasy() {
  CurlGlobalInit();
  handle_.reset(curl_easy_init());
}

void CurlEasy::Prepare(const CurlCommonOptions& o) {
  CURL* h = handle_.get();
  curl_easy_reset(h);
  error_[0] = '\0';
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_);
  // Timeouts through signals do not mix with a multi-threaded daemon.
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.low_speed_timeout.count()));
  // IMAP and SMTP commands run before curl's transfer phase, where the
  // low-speed check does not apply: bound the wait for each reply too.
  curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT,
                   static_cast<long>(o.low_speed_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::chrono::milliseconds(o.request_timeout).count()));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!o.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, o.ca_file.c_str());
  // Mail servers are never reached through a proxy taken from the environment.
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &AbortWhenAsked);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  // The server's chain, kept by curl after the handshake: `status` warns
  // before the certificate expires (LeafCertificate).
  curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
}

void SetOAuth2Login(CURL* h, const std::string& token, const std::string& mechanism) {
  const std::string options =
      mechanism.empty() ? "AUTH=OAUTHBEARER;AUTH=XOAUTH2" : "AUTH=" + mechanism;
  curl_easy_setopt(h, CURLOPT_LOGIN_OPTIONS, options.c_str());  // curl copies it
  curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, token.c_str());
  curl_easy_setopt(h, CURLOPT_MAXCONNECTS, 1L);
}

std::string CheckSaslMechanism(const std::string& mechanism, std::string* canonical) {
  std::string upper;
  for (char c : mechanism) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!upper.empty() && upper != "XOAUTH2" && upper != "OAUTHBEARER") {
    return "SASL mechanism '" + PrintableText(mechanism) +
           "' is not an OAuth2 one (expected XOAUTH2 or OAUTHBEARER)";
  }
  *canonical = upper;
  return "";
}

std::string PercentEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string CurlEasy::error_text() const { return PrintableText(error_); }

bool CurlEasy::opened_connection() const {
  long connects = 0;
  curl_easy_getinfo(handle_.get(), CURLINFO_NUM_CONNECTS, &connects);
  return connects > 0;
}

bool CurlEasy::LeafCertificate(std::string* subject, Instant* not_after) const {
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(handle_.get(), CURLINFO_CERTINFO, &info) != CURLE_OK || !info ||
      info->num_of_certs < 1)
    return false;
  bool dated = false;
  subject->clear();
  for (curl_slist* field = info->certinfo[0]; field; field = field->next) {
    std::string_view line(field->data);
    if (line.starts_with("Subject:")) subject->assign(PrintableText(line.substr(8)));
    if (line.starts_with("Expire date:")) dated = ParseCertificateTime(line.substr(12), not_after);
  }
  return dated;
}

bool ParseCertificateTime(std::string_view text, Instant* out) {
  std::string t(text);
  // Fractional seconds ("00:00:00.5 2027") are dropped: days matter here.
  if (auto dot = t.find('.'); dot != std::string::npos) {
    auto end = t.find(' ', dot);
    if (end == std::string::npos) return false;
    t.erase(dot, end - dot);
  }
  std::tm tm{};
  const char* rest = strptime(t.c_str(), " %b %d %H:%M:%S %Y GMT", &tm);
  if (rest == nullptr) return false;
  while (*rest == ' ') ++rest;
  if (*rest != '\0') return false;
  const time_t secs = timegm(&tm);
  *out = Instant(std::chrono::seconds(secs));
  return true;
}

bool IsTlsTrustFailure(CURLcode code) {
  return code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
         code == CURLE_SSL_CONNECT_ERROR || code == CURLE_SSL_CERTPROBLEM ||
         code == CURLE_SSL_ISSUER_ERROR;
}

std::string DescribeCa(const std::string& ca_file) {
  return ca_file.empty() ? "the system CA bundle" : "CA file " + PrintableText(ca_file);
}

std::string DescribeTlsFailure(CURLcode code, const std::string& host,
                               const std::string& ca_file, const std::string& curl_error) {
  const std::string ca = DescribeCa(ca_file);
  const std::string h = PrintableText(host);
  switch (code) {
    case CURLE_SSL_CACERT_BADFILE:
      return "cannot use " + ca + " to verify " + h + ": " + curl_error;
    case CURLE_SSL_CONNECT_ERROR:
      return "TLS handshake with " + h + " failed (" + ca + "): " + curl_error;
    default:
      return "TLS certificate of " + h + " not trusted (" + ca + "): " + curl_error;
  }
}

namespace {

struct CurlUrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

// One part of a parsed URL; nullopt when absent.
std::optional<std::string> UrlPart(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, flags) != CURLUE_OK || value == nullptr) return std::nullopt;
  std::string s(value);
  curl_free(value);
  return s;
}

}  // namespace

std::string ParseServerUrl(const std::string& url, ServerUrl* out) {
  CurlGlobalInit();
  std::unique_ptr<CURLU, CurlUrlFree> u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return "not a valid URL";
  }
  if (UrlPart(u.get(), CURLUPART_USER) || UrlPart(u.get(), CURLUPART_PASSWORD)) {
    return "the URL must not contain credentials (set username and password instead)";
  }
  if (UrlPart(u.get(), CURLUPART_QUERY) || UrlPart(u.get(), CURLUPART_FRAGMENT)) {
    return "the URL must not have a query or a fragment";
  }
  out->scheme = UrlPart(u.get(), CURLUPART_SCHEME).value_or("");
  out->host = UrlPart(u.get(), CURLUPART_HOST).value_or("");
  auto port = UrlPart(u.get(), CURLUPART_PORT);
  out->authority = out->host + (port ? ":" + *port : "");
  out->path = UrlPart(u.get(), CURLUPART_PATH, CURLU_URLDECODE).value_or("/");
  return "";
}

std::string CurlErrorText(CURLcode code, const std::string& error_buffer) {
  return error_buffer.empty() ? std::string(curl_easy_strerror(code)) : error_buffer;
}

}  // namespace flexmail
