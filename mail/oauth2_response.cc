#include "mail/oauth2_response.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iterator>

#include "mail/curl_util.h"

namespace flexmail {

namespace {

using Json = nlohmann::json;

constexpr std::int64_t kMaxClockSkew = 120;
constexpr double kMinExpiresIn = 2, kMaxExpiresIn = 24 * 3600, kDefaultExpiresIn = 300;
constexpr char kNotAToken[] = "the token service's answer is not a token: ";

// Entra's codes that point at one key more precisely than the RFC 6749
// error beside them (which is often just invalid_request or invalid_client).
struct AadstsHint {
  long code;
  const char* hint;
};
constexpr AadstsHint kAadstsHints[] = {
    {90002, "check oauth2.token_url (the tenant)"},   // tenant not found
    {900023, "check oauth2.token_url (the tenant)"},  // tenant identifier invalid
    {700016, "check oauth2.client_id and the tenant in oauth2.token_url"},  // no such app
    {700024, "check this machine's clock (NTP): the assertion's time was refused"},
    {500133, "check this machine's clock (NTP): the assertion's time was refused"},
};

// Unsigned digits in [0, 2^31), nothing else.
bool ParseSmallNumber(std::string_view s, long* out) {
  if (s.empty() || s.size() > 9) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// The AADSTS number in Entra's error_description, else 0.
long AadstsCode(const std::string& description) {
  const std::size_t at = description.find("AADSTS");
  if (at == std::string::npos) return 0;
  const std::size_t start = at + 6;
  std::size_t end = start;
  while (end < description.size() && end - start < 9 && description[end] >= '0' &&
         description[end] <= '9') {
    ++end;
  }
  long code = 0;
  return ParseSmallNumber(std::string_view(description).substr(start, end - start), &code) ? code
                                                                                           : 0;
}

std::string CredentialHint(CredentialKind kind) {
  if (kind == CredentialKind::kSecret) {
    return "check oauth2.client_id and oauth2.client_secret_file";
  }
  return "check oauth2.client_id, oauth2.certificate_file (is this certificate uploaded to the "
         "application?) and oauth2.private_key_file";
}

// Which key an RFC 6749 error (refined by an AADSTS code) points at; "" when
// none in particular.
std::string Hint(const std::string& error, long aadsts, CredentialKind kind) {
  for (const AadstsHint& h : kAadstsHints) {
    if (h.code == aadsts) return h.hint;
  }
  if (error == "invalid_client" || error == "invalid_grant") return CredentialHint(kind);
  if (error == "unauthorized_client") {
    return "check oauth2.client_id (may this application use the client-credentials grant?)";
  }
  if (error == "invalid_scope") return "check oauth2.scope";
  if (error == "invalid_request") {
    return "check oauth2.token_url, oauth2.client_id and oauth2.scope";
  }
  if (error == "unsupported_grant_type") {
    return "check oauth2.token_url (this service does not offer the client-credentials grant)";
  }
  return "";
}

// Which key an HTTP status without an OAuth2 error points at.
std::string StatusHint(long status, CredentialKind kind) {
  if (status == 401 || status == 403) return CredentialHint(kind);
  if ((status >= 300 && status < 400) || status == 404 || status == 405) {
    return "check oauth2.token_url";
  }
  return "";
}

// RFC 6750's token type, whose case RFC 6749 section 5.1 leaves free.
bool IsBearer(const std::string& type) {
  static constexpr std::string_view kBearer = "bearer";
  return type.size() == kBearer.size() &&
         std::equal(type.begin(), type.end(), kBearer.begin(),
                    [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a + 32 : a) == b; });
}

bool IsTransientStatus(long status) {
  return status == 408 || status == 429 || (status >= 500 && status < 600);
}

bool Echoes(const std::string& body, const AnswerContext& context) {
  return std::any_of(context.never_quote.begin(), context.never_quote.end(),
                     [&](const std::string& s) { return !s.empty() && body.find(s) != s.npos; });
}

const std::string* StringField(const Json& j, const char* name) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

// What the service said, fit for a message: its OAuth2 error and
// description, else the start of the body.
std::string Quote(const HttpAnswer& answer, const Json& j, const AnswerContext& context) {
  if (Echoes(answer.body, context)) return "its answer repeats our request; not quoted";
  const std::string* error = StringField(j, "error");
  const std::string* description = StringField(j, "error_description");
  std::string text;
  if (error != nullptr) {
    text = PrintableText(*error, 64);
    if (description != nullptr) text += ": \"" + PrintableText(*description) + "\"";
  } else {
    text = answer.body.empty() ? "empty answer" : "\"" + PrintableText(answer.body) + "\"";
  }
  return text;
}

std::string Join(std::string text, const std::string& more) {
  if (more.empty()) return text;
  return text.empty() ? more : text + "; " + more;
}

std::chrono::seconds ExpiresIn(const Json& j) {
  double v = kDefaultExpiresIn;
  auto it = j.find("expires_in");
  if (it != j.end() && it->is_number()) {
    v = it->get<double>();
  } else if (it != j.end() && it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    double parsed = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (ec == std::errc() && end == s.data() + s.size()) v = parsed;
  }
  if (!std::isfinite(v)) v = kDefaultExpiresIn;
  return std::chrono::seconds(
      static_cast<std::int64_t>(std::clamp(v, kMinExpiresIn, kMaxExpiresIn)));
}

// "" when `token` is acceptable, else what is wrong with it (never the token).
std::string TokenProblem(const Json& j) {
  auto it = j.find("access_token");
  if (it == j.end()) return "no access_token";
  if (!it->is_string()) return "access_token is not a string";
  const std::string& t = it->get_ref<const std::string&>();
  if (t.empty()) return "access_token is empty";
  if (t.size() > kMaxAccessToken) return "access_token is longer than 16 KiB";
  if (!IsTokenText(t)) return "access_token holds spaces or bytes other than printable ASCII";
  return "";
}

Status ParseGrant(const HttpAnswer& answer, TokenGrant* out) {
  if (answer.overflowed) {
    return Status::Permanent(std::string(kNotAToken) + "answer larger than 64 KiB");
  }
  const Json j = Json::parse(answer.body, nullptr, false);
  if (j.is_discarded()) return Status::Permanent(std::string(kNotAToken) + "not JSON");
  if (!j.is_object()) return Status::Permanent(std::string(kNotAToken) + "not a JSON object");
  const std::string problem = TokenProblem(j);
  if (!problem.empty()) return Status::Permanent(kNotAToken + problem);
  auto type = j.find("token_type");
  if (type != j.end() && !(type->is_string() && IsBearer(type->get_ref<const std::string&>()))) {
    return Status::Permanent(
        std::string(kNotAToken) + "token_type is " +
        PrintableText(type->dump(-1, ' ', true, Json::error_handler_t::replace), 64) +
        ", expected Bearer");
  }
  out->access_token = j["access_token"].get<std::string>();
  out->expires_in = ExpiresIn(j);
  return Status::Ok();
}

Status ParseRefusal(const HttpAnswer& answer, const AnswerContext& context) {
  const std::string code = std::to_string(answer.status);
  if (answer.overflowed) {
    const std::string text =
        "the token service answered HTTP " + code + " with an answer larger than 64 KiB";
    return IsTransientStatus(answer.status) ? Status::Transient(text) : Status::Permanent(text);
  }
  const Json j = Json::parse(answer.body, nullptr, false);
  const std::string quote = Quote(answer, j, context);
  if (IsTransientStatus(answer.status)) {
    return Status::Transient("the token service is unavailable (HTTP " + code + ", " + quote + ")");
  }
  const std::string* error = StringField(j, "error");
  if (error == nullptr) {
    return Status::Permanent(Join("the token service refused our request (HTTP " + code +
                                      ", not an OAuth2 error: " + quote + ")",
                                  StatusHint(answer.status, context.credential)));
  }
  if (*error == "temporarily_unavailable" || *error == "server_error") {
    return Status::Transient("the token service is unavailable (HTTP " + code + ", " + quote + ")");
  }
  const std::string* description = StringField(j, "error_description");
  const long aadsts = description != nullptr ? AadstsCode(*description) : 0;
  return Status::Permanent(
      Join("the token service refused our request (HTTP " + code + ", " + quote + ")",
           Hint(*error, aadsts, context.credential)));
}

Status Classify(const HttpAnswer& answer, const AnswerContext& context, TokenGrant* out) {
  if (answer.status == 200) return ParseGrant(answer, out);
  if (answer.status >= 200 && answer.status < 300) {
    return Status::Permanent(kNotAToken + std::string("HTTP ") + std::to_string(answer.status) +
                             " instead of 200");
  }
  return ParseRefusal(answer, context);
}

bool ReadDigits(std::string_view s, std::size_t at, std::size_t n, int* out) {
  long v = 0;
  if (!ParseSmallNumber(s.substr(at, n), &v)) return false;
  *out = static_cast<int>(v);
  return true;
}

int MonthNumber(std::string_view name) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < std::size(kMonths); ++i) {
    if (kMonths[i] == name) return static_cast<int>(i) + 1;
  }
  return 0;
}

}  // namespace

bool IsTokenText(std::string_view token) {
  return !token.empty() && token.size() <= kMaxAccessToken &&
         std::all_of(token.begin(), token.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

Status ParseTokenAnswer(const HttpAnswer& answer, const AnswerContext& context, TokenGrant* out) {
  const std::string skew = DescribeClockSkew(answer.date, context.now_unix);
  TokenGrant grant;
  Status s = Classify(answer, context, &grant);
  if (!s.ok()) {
    const std::string text = Join(s.message(), skew);
    return s.kind() == Status::Kind::kTransient ? Status::Transient(text) : Status::Permanent(text);
  }
  grant.warning = skew;
  *out = std::move(grant);
  return Status::Ok();
}

bool ParseHttpDate(const std::string& text, std::int64_t* unix_time) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions.
  const std::string_view s(text);
  if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT") {
    return false;
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  const int month = MonthNumber(s.substr(8, 3));
  if (month == 0 || !ReadDigits(s, 5, 2, &day) || !ReadDigits(s, 12, 4, &year) ||
      !ReadDigits(s, 17, 2, &hour) || !ReadDigits(s, 20, 2, &minute) ||
      !ReadDigits(s, 23, 2, &second) || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                        std::chrono::day(day)};
  if (!ymd.ok()) return false;
  const auto days = std::chrono::sys_days(ymd).time_since_epoch();
  *unix_time = std::chrono::duration_cast<std::chrono::seconds>(days).count() + hour * 3600 +
               minute * 60 + second;
  return true;
}

std::string DescribeClockSkew(const std::string& date, std::int64_t now_unix) {
  std::int64_t theirs = 0;
  if (!ParseHttpDate(date, &theirs)) return "";
  const std::int64_t diff = theirs - now_unix;
  if (std::llabs(diff) <= kMaxClockSkew) return "";
  return "the token service's clock is " + std::to_string(std::llabs(diff)) + " s " +
         (diff > 0 ? "ahead of" : "behind") + " ours (check NTP)";
}

}  // namespace flexmail
