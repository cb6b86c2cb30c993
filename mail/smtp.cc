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

// The DATA upload, read by curl from memory, and what this transfer learnt
// about its connection.
struct SmtpSender::Upload {
  const std::string* raw = nullptr;
  std::size_t pos = 0;
  const ReplyLines* auth_proof = nullptr;  // set when authentication is required
  bool connection_authenticated = false;  // the kept connection, before this transfer
  bool opened_connection = false;         // set by OnNewSocket
  bool refused_unauthenticated = false;
};

struct SmtpSender::Attempt {
  CURLcode code = CURLE_OK;
  long response = 0;
  bool opened_connection = false;
  bool refused_unauthenticated = false;
  std::string line;        // the server's reply that decided it, printable
  std::string curl_error;  // curl's explanation, printable
};

namespace {

// curl creates a socket only for a new connection: the place to learn that
// this transfer did not reuse the kept one.
int OnNewSocket(void* opened, curl_socket_t, curlsocktype) {
  *static_cast<bool*>(opened) = true;
  return CURL_SOCKOPT_OK;
}

// What a kept connection the server has dropped looks like: the next
// command finds the socket closed, or the server's farewell (421).
bool LooksDropped(const CURLcode code, long response) {
  return code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR || code == CURLE_GOT_NOTHING ||
         (code != CURLE_OK && response == 421);
}

}  // namespace

// curl asks for the message only once the server has said 354 to DATA: the
// last moment to refuse a transaction that skipped AUTH. On a reused
// connection the proof is the 235 its opening transfer saw.
std::size_t SmtpSender::ReadUpload(char* buf, std::size_t size, std::size_t n, void* p) {
  auto* up = static_cast<Upload*>(p);
  const bool authenticated =
      up->auth_proof == nullptr || up->auth_proof->saw_watched() ||
      (!up->opened_connection && up->connection_authenticated);
  if (!authenticated) {
    up->refused_unauthenticated = true;
    return CURL_READFUNC_ABORT;
  }
  const std::size_t len = std::min(size * n, up->raw->size() - up->pos);
  std::memcpy(buf, up->raw->data() + up->pos, len);
  up->pos += len;
  return len;
}

SmtpSender::SmtpSender(SmtpOptions options)
    : options_(std::move(options)), easy_(std::make_unique<CurlEasy>()) {
  ServerUrl url;
  config_error_ = ParseServerUrl(options_.url, &url);
  if (!config_error_.empty()) {
    config_error_ = "SMTP url: " + config_error_ + " (expected smtp://host:587)";
  } else if (url.scheme != "smtp" && url.scheme != "smtps") {
    config_error_ = "SMTP url must start with smtp:// or smtps://";
  } else if (options_.require_auth && options_.username.empty()) {
    config_error_ = "SMTP require_auth is set but no username is configured";
  } else {
    config_error_ = CheckSaslMechanism(options_.sasl_mechanism, &mechanism_);
  }
  endpoint_ = url.scheme + "://" + url.authority;
  host_ = url.host;
}

SmtpSender::~SmtpSender() = default;

std::optional<ServerCertificate> SmtpSender::last_server_certificate() const {
  std::lock_guard<std::mutex> lock(certificate_mutex_);
  return certificate_;
}

SendResult SmtpSender::Send(const std::string& from, const std::vector<std::string>& recipients,
                            const std::string& raw) {
  if (!config_error_.empty()) return Result(SendOutcome::kRelayUnusable, config_error_);
  if (std::string bad = CheckEnvelope(from, recipients); !bad.empty()) {
    return Result(SendOutcome::kPermanent, "not sent: " + bad);
  }
  if (!easy_->ok()) return Result(SendOutcome::kTransient, "out of memory");
  CurlSlist rcpt;
  for (const std::string& r : recipients) {
    curl_slist* next = curl_slist_append(rcpt.get(), ("<" + r + ">").c_str());
    if (next == nullptr) return Result(SendOutcome::kTransient, "out of memory");
    (void)rcpt.release();  // next is the same list, one longer
    rcpt.reset(next);
  }
  const std::string mail_from = "<" + from + ">";
  std::string token;
  SendResult failed;
  if (!GetToken(&token, &failed)) return failed;
  Attempt a = TransferOnLiveConnection(mail_from, rcpt.get(), raw, token);
  // A token refused at AUTH may have been revoked or have expired early: one
  // more try with a fresh one (5xx only: 4xx says "later", not "bad token").
  if (!token.empty() && a.code == CURLE_LOGIN_DENIED && !(a.response >= 400 && a.response < 500)) {
    options_.token_source->Refused(token);
    if (!GetToken(&token, &failed)) return failed;
    a = Transfer(mail_from, rcpt.get(), raw, true, token);
  }
  return Classify(a);
}

bool SmtpSender::GetToken(std::string* token, SendResult* failed) {
  token->clear();
  if (!options_.token_source) return true;
  const Status s = options_.token_source->Get(token);
  if (s.ok()) return true;
  *failed = Result(s.kind() == Status::Kind::kTransient ? SendOutcome::kTransient
                                                        : SendOutcome::kRelayUnusable,
                   "not sent: no OAuth2 token for SMTP: " + s.message());
  return false;
}

// The server may close an idle connection at any time; that says nothing
// about the relay. Should the message have been accepted just before the
// drop, it goes twice: replies are sent at least once, never lost.
SmtpSender::Attempt SmtpSender::TransferOnLiveConnection(const std::string& mail_from,
                                                         curl_slist* rcpt, const std::string& raw,
                                                         const std::string& token) {
  Attempt a = Transfer(mail_from, rcpt, raw, false, token);
  if (!a.opened_connection && LooksDropped(a.code, a.response)) {
    a = Transfer(mail_from, rcpt, raw, true, token);
  }
  return a;
}

SmtpSender::Attempt SmtpSender::Transfer(const std::string& mail_from, curl_slist* rcpt,
                                         const std::string& raw, bool fresh,
                                         const std::string& token) {
  ReplyLines lines("235");  // 235: "authentication successful", and nothing else
  Upload up;
  up.raw = &raw;
  up.auth_proof = options_.require_auth ? &lines : nullptr;
  up.connection_authenticated = connection_authenticated_;
  BoundedSink ignored(64 * 1024);  // SMTP has no body to download
  SetUp(mail_from, rcpt, &up, fresh, token);
  lines.Attach(easy_->get());
  ignored.AttachBody(easy_->get());

  Attempt a;
  a.code = curl_easy_perform(easy_->get());
  curl_easy_getinfo(easy_->get(), CURLINFO_RESPONSE_CODE, &a.response);
  a.opened_connection = up.opened_connection;
  a.refused_unauthenticated = up.refused_unauthenticated;
  a.line = PrintableText(lines.LastWithCode(a.response));
  a.curl_error = easy_->error_text();
  if (up.opened_connection) {
    ++connections_opened_;
    connection_authenticated_ = lines.saw_watched();
    ServerCertificate c{endpoint_, "", {}};
    if (easy_->LeafCertificate(&c.subject, &c.not_after)) {
      std::lock_guard<std::mutex> lock(certificate_mutex_);
      certificate_ = std::move(c);
    }
  }
  return a;
}

void SmtpSender::SetUp(const std::string& mail_from, curl_slist* rcpt, Upload* upload,
                       bool fresh, const std::string& token) {
  CURL* h = easy_->get();
  easy_->Prepare({options_.ca_file, options_.connect_timeout, options_.low_speed_timeout,
                  options_.request_timeout});
  curl_easy_setopt(h, CURLOPT_URL, endpoint_.c_str());
  if (endpoint_.starts_with("smtp:")) {
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     static_cast<long>(options_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  }
  if (!options_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
    if (token.empty()) {
      curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
    } else {
      SetOAuth2Login(h, token, mechanism_);
    }
  }
  curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, &OnNewSocket);
  curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, &upload->opened_connection);
  if (fresh) curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
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
SendResult SmtpSender::Classify(const Attempt& a) const {
  if (a.refused_unauthenticated) {
    return Result(SendOutcome::kRelayUnusable,
                  "not sent: SMTP server " + endpoint_ + " did not authenticate user " +
                      PrintableText(options_.username) +
                      " (AUTH not offered); refusing to send unauthenticated");
  }
  const CURLcode code = a.code;
  const long response = a.response;
  const std::string& line = a.line;
  const std::string error = CurlErrorText(code, a.curl_error);
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
    const std::string what = options_.token_source ? "OAuth2 token" : "login";
    // curl's own words when the server offers no OAuth2 mechanism (no
    // refusal to quote then: the last reply is EHLO's 250).
    const bool refused_by_server = response >= 400 && response < 600;
    const std::string why = options_.token_source && !refused_by_server ? error : line;
    return Result(later ? SendOutcome::kTransient : SendOutcome::kRelayUnusable,
                  "SMTP " + what + (later ? " temporarily refused" : " refused") + " for user " +
                      PrintableText(options_.username) + " at " + endpoint_ + ": " + why);
  }
  if (code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT) {
    return Result(SendOutcome::kRelayUnusable, "SMTP url " + endpoint_ + " unusable: " + error);
  }
  if (response >= 500 && response < 600) return Result(SendOutcome::kPermanent, line);
  if (response >= 400 && response < 500) return Result(SendOutcome::kTransient, line);
  return Result(SendOutcome::kTransient, "SMTP server " + endpoint_ + ": " + error);
}

}  // namespace flexmail
