#include "mail/smtp.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "mail/curl_util.h"

namespace flexmail {
namespace {

// An address goes between angle brackets on a command line: nothing may end
// the line or the brackets early.
bool IsCommandSafe(const std::string& address) {
  return address.find_first_of("\r\n<>", 0) == std::string::npos &&
         address.find('\0') == std::string::npos;
}

std::string CheckEnvelope(const std::string& from, const std::vector<std::string>& rcpts) {
  if (!IsCommandSafe(from)) return "unusable sender address '" + PrintableText(from) + "'";
  if (rcpts.empty()) return "no recipients";
  for (const std::string& r : rcpts) {
    if (r.empty() || !IsCommandSafe(r)) {
      return "unusable recipient address '" + PrintableText(r) + "'";
    }
  }
  return "";
}

SendResult Result(SendOutcome outcome, std::string detail) {
  return SendResult{outcome, std::move(detail)};
}

}  // namespace

// The DATA upload, read by curl from memory.
struct SmtpSender::Upload {
  const std::string* raw = nullptr;
  std::size_t pos = 0;
  const ReplyLines* auth_proof = nullptr;  // set when authentication is required
  bool refused_unauthenticated = false;
};

// curl asks for the message only once the server has said 354 to DATA: the
// last moment to refuse a transaction that skipped AUTH.
std::size_t SmtpSender::ReadUpload(char* buf, std::size_t size, std::size_t n, void* p) {
  auto* up = static_cast<Upload*>(p);
  if (up->auth_proof != nullptr && !up->auth_proof->saw_watched()) {
    up->refused_unauthenticated = true;
    return CURL_READFUNC_ABORT;
  }
  const std::size_t len = std::min(size * n, up->raw->size() - up->pos);
  std::memcpy(buf, up->raw->data() + up->pos, len);
  up->pos += len;
  return len;
}

SmtpSender::SmtpSender(SmtpOptions options) : options_(std::move(options)) {
  ServerUrl url;
  config_error_ = ParseServerUrl(options_.url, &url);
  if (!config_error_.empty()) {
    config_error_ = "SMTP url: " + config_error_ + " (expected smtp://host:587)";
  } else if (url.scheme != "smtp" && url.scheme != "smtps") {
    config_error_ = "SMTP url must start with smtp:// or smtps://";
  } else if (options_.require_auth && options_.username.empty()) {
    config_error_ = "SMTP require_auth is set but no username is configured";
  }
  endpoint_ = url.scheme + "://" + url.authority;
  host_ = url.host;
}

SendResult SmtpSender::Send(const std::string& from, const std::vector<std::string>& recipients,
                            const std::string& raw) {
  if (!config_error_.empty()) return Result(SendOutcome::kRelayUnusable, config_error_);
  if (std::string bad = CheckEnvelope(from, recipients); !bad.empty()) {
    return Result(SendOutcome::kPermanent, "not sent: " + bad);
  }
  CurlEasy easy;
  CurlSlist rcpt;
  for (const std::string& r : recipients) {
    curl_slist* next = curl_slist_append(rcpt.get(), ("<" + r + ">").c_str());
    if (next == nullptr) return Result(SendOutcome::kTransient, "out of memory");
    (void)rcpt.release();  // next is the same list, one longer
    rcpt.reset(next);
  }
  if (!easy.ok()) return Result(SendOutcome::kTransient, "out of memory");
  const std::string mail_from = "<" + from + ">";
  ReplyLines lines("235");  // 235: "authentication successful", and nothing else
  Upload up{&raw, 0, options_.require_auth ? &lines : nullptr, false};
  BoundedSink ignored(64 * 1024);  // SMTP has no body to download
  SetUp(&easy, mail_from, rcpt.get(), &up);
  lines.Attach(easy.get());
  ignored.AttachBody(easy.get());

  const CURLcode code = curl_easy_perform(easy.get());
  long response = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &response);
  if (up.refused_unauthenticated) {
    return Result(SendOutcome::kRelayUnusable,
                  "not sent: SMTP server " + endpoint_ + " did not authenticate user " +
                      PrintableText(options_.username) +
                      " (AUTH not offered); refusing to send unauthenticated");
  }
  return Classify(code, response, PrintableText(lines.LastWithCode(response)),
                  easy.error_text());
}

void SmtpSender::SetUp(CurlEasy* easy, const std::string& mail_from, curl_slist* rcpt,
                       Upload* upload) const {
  CURL* h = easy->get();
  easy->Prepare({options_.ca_file, options_.connect_timeout, options_.low_speed_timeout,
                 options_.request_timeout});
  curl_easy_setopt(h, CURLOPT_URL, endpoint_.c_str());
  if (endpoint_.starts_with("smtp:")) {
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     static_cast<long>(options_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  }
  if (!options_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload->raw->size()));
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(h, CURLOPT_READDATA, upload);
}

// The table of outcomes: kPermanent when this message can never go,
// kRelayUnusable when no message can until someone fixes the relay or the
// configuration, kTransient when a later try may work.
SendResult SmtpSender::Classify(int curl_code, long response, const std::string& line,
                                const std::string& curl_error) const {
  const auto code = static_cast<CURLcode>(curl_code);
  const std::string error = CurlErrorText(code, curl_error);
  if (code == CURLE_OK) return Result(SendOutcome::kSent, line);
  if (code == CURLE_USE_SSL_FAILED) {
    return Result(SendOutcome::kRelayUnusable,
                  "SMTP server " + endpoint_ + " does not offer STARTTLS; refusing plaintext");
  }
  if (IsTlsTrustFailure(code)) {
    return Result(SendOutcome::kRelayUnusable,
                  DescribeTlsFailure(code, host_, options_.ca_file, error));
  }
  if (code == CURLE_LOGIN_DENIED) {
    const bool later = response >= 400 && response < 500;
    return Result(later ? SendOutcome::kTransient : SendOutcome::kRelayUnusable,
                  std::string(later ? "SMTP login temporarily refused" : "SMTP login refused") +
                      " for user " + PrintableText(options_.username) + " at " + endpoint_ +
                      ": " + line);
  }
  if (code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT) {
    return Result(SendOutcome::kRelayUnusable, "SMTP url " + endpoint_ + " unusable: " + error);
  }
  if (response >= 500 && response < 600) return Result(SendOutcome::kPermanent, line);
  if (response >= 400 && response < 500) return Result(SendOutcome::kTransient, line);
  return Result(SendOutcome::kTransient, "SMTP server " + endpoint_ + ": " + error);
}

}  // namespace flexmail
