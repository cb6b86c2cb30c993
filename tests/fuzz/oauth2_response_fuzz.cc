// A token service's answer: the first line is the HTTP status, the second
// the Date header, the rest the body. A token program's output is read for
// a JWT expiry the same way, so the body goes there too.
#include <charconv>
#include <cstdint>
#include <string>

#include "mail/jwt.h"
#include "mail/oauth2_response.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest = flexmail::fuzz::AsText(data, size);
  std::string_view status = flexmail::fuzz::TakeLine(&rest);
  flexmail::HttpAnswer answer;
  std::from_chars(status.data(), status.data() + status.size(), answer.status);
  answer.date = std::string(flexmail::fuzz::TakeLine(&rest));
  answer.body = std::string(rest.substr(0, flexmail::kMaxTokenAnswer));
  answer.overflowed = rest.size() > flexmail::kMaxTokenAnswer;

  flexmail::AnswerContext context;
  context.now_unix = 1796000000;
  context.never_quote = {"s3cr3t"};
  flexmail::TokenGrant grant;
  (void)flexmail::ParseTokenAnswer(answer, context, &grant);
  std::int64_t when = 0;
  (void)flexmail::ParseHttpDate(answer.date, &when);
  std::int64_t exp = 0;
  (void)flexmail::ReadJwtExpiry(answer.body, &exp);
  return 0;
}
