#include "mail/token_endpoint.h"

#include <curl/curl.h>

#include <string_view>

#include "mail/curl_util.h"

namespace flexmail {

namespace {

constexpr char kUrlKey[] = "oauth2.token_url";
constexpr std::size_t kMaxDateHeader = 64;

struct CurlUrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

bool HasPart(CURLU* u, CURLUPart part, std::string* value = nullptr) {
  char* text = nullptr;
  if (curl_url_get(u, part, &text, 0) != CURLUE_OK || text == nullptr) return false;
  if (value != nullptr) *value = text;
  curl_free(text);
  return true;
}

// The URL's host, or why it cannot be the token URL. A URL with credentials
// is not quoted: it may hold a password.
Status CheckTokenUrl(const std::string& url, std::string* host) {
  CurlGlobalInit();
  std::unique_ptr<CURLU, CurlUrlFree> u(curl_url());
  const std::string quoted = std::string(kUrlKey) + " \"" + PrintableText(url) + "\"";
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return Status::Permanent(quoted + " is not a URL: expected https://host/path");
  }
  if (HasPart(u.get(), CURLUPART_USER) || HasPart(u.get(), CURLUPART_PASSWORD)) {
    return Status::Permanent(std::string(kUrlKey) +
                             " must not contain credentials: the client authenticates with "
                             "oauth2.client_secret_file or a certificate");
  }
  if (HasPart(u.get(), CURLUPART_FRAGMENT)) {
    return Status::Permanent(quoted + " has a #fragment: expected https://host/path");
  }
  std::string scheme;
  HasPart(u.get(), CURLUPART_SCHEME, &scheme);
  if (scheme != "https") {
    return Status::Permanent(quoted +
                             " is not https://: the token service receives our "
                             "credentials, which only TLS may carry");
  }
  HasPart(u.get(), CURLUPART_HOST, host);
  return Status::Ok();
}

// Keeps the Date header of the answer (of the last header block, should a
// 100 Continue come first).
struct DateCatcher {
  std::string value;
  static std::size_t Header(char* p, std::size_t size, std::size_t n, void* self) {
    std::string_view line(p, size * n);
    constexpr std::string_view kName = "date:";
    if (line.size() > kName.size() && curl_strnequal(line.data(), kName.data(), kName.size())) {
      line.remove_prefix(kName.size());
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' ')) {
        line.remove_suffix(1);
      }
      static_cast<DateCatcher*>(self)->value = PrintableText(line, kMaxDateHeader);
    }
    return size * n;
  }
};

}  // namespace

struct CurlTokenEndpoint::Impl {
  CurlTokenEndpointOptions options;
  std::string host;
  CurlEasy easy;  // kept between requests: the TLS session is reused

  Status Failure(CURLcode code) const;
  void SetRequest(const std::string& form_body, curl_slist* headers);
};

Status CurlTokenEndpoint::Create(const CurlTokenEndpointOptions& options,
                                 std::unique_ptr<TokenEndpoint>* out) {
  auto impl = std::make_unique<Impl>();
  Status s = CheckTokenUrl(options.token_url, &impl->host);
  if (!s.ok()) return s;
  if (!impl->easy.ok()) return Status::Internal("libcurl cannot allocate a handle");
  impl->options = options;
  out->reset(new CurlTokenEndpoint(std::move(impl)));
  return Status::Ok();
}

CurlTokenEndpoint::CurlTokenEndpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CurlTokenEndpoint::~CurlTokenEndpoint() = default;

void CurlTokenEndpoint::Impl::SetRequest(const std::string& form_body, curl_slist* headers) {
  CurlCommonOptions common;
  common.ca_file = options.ca_file;
  common.connect_timeout = options.connect_timeout;
  common.low_speed_timeout = options.request_timeout;
  common.request_timeout = options.request_timeout;
  easy.Prepare(common);
  CURL* h = easy.get();
  curl_easy_setopt(h, CURLOPT_URL, options.token_url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, form_body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(form_body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
}

Status CurlTokenEndpoint::Impl::Failure(CURLcode code) const {
  const std::string error = CurlErrorText(code, easy.error_text());
  if (IsTlsTrustFailure(code)) {
    return Status::Permanent(DescribeTlsFailure(code, host, options.ca_file, error) +
                             " (check oauth2.ca_file)");
  }
  if (code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT) {
    return Status::Permanent(std::string(kUrlKey) + " cannot be used: " + error);
  }
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    return Status::Transient("token request abandoned: the daemon is stopping");
  }
  return Status::Transient("token service unreachable: " + error);
}

HttpAnswer CurlTokenEndpoint::Post(const std::string& form_body) {
  CurlSlist headers(curl_slist_append(nullptr, "Accept: application/json"));
  // Appending to a list keeps its head: the owner stays valid.
  if (headers) curl_slist_append(headers.get(), "Content-Type: application/x-www-form-urlencoded");
  impl_->SetRequest(form_body, headers.get());
  CURL* h = impl_->easy.get();
  BoundedSink sink(kMaxTokenAnswer);
  sink.AttachBody(h);
  DateCatcher date;
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &DateCatcher::Header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &date);

  const CURLcode code = curl_easy_perform(h);
  HttpAnswer answer;
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && sink.overflowed())) {
    answer.transport = impl_->Failure(code);
    return answer;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &answer.status);
  answer.body = std::move(sink.data());
  answer.overflowed = sink.overflowed();
  answer.date = std::move(date.value);
  return answer;
}

}  // namespace flexmail
