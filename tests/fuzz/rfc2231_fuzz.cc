// RFC 2231 parameters: the input as one structured field for
// ParseMimeParams, and its lines as "name=value" parameters (the name
// lower-cased, as ParseMimeParams gives it) for DecodeRfc2231 and
// FindFileName, so that continuation numbers and charsets come whole.
#include <string>
#include <vector>

#include "mail/header.h"
#include "mail/rfc2231.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

std::vector<flexmail::MimeParam> ParamsFromLines(std::string_view rest) {
  std::vector<flexmail::MimeParam> params;
  while (!rest.empty()) {
    std::string_view line = flexmail::fuzz::TakeLine(&rest);
    size_t eq = line.find('=');
    std::string_view name = line.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : line.substr(eq + 1);
    params.push_back({flexmail::AsciiLower(name), std::string(value)});
  }
  return params;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = flexmail::fuzz::AsText(data, size);
  std::string value;
  std::vector<flexmail::MimeParam> parsed;
  flexmail::ParseMimeParams(text, &value, &parsed);
  (void)flexmail::FindFileName(parsed, parsed);

  std::vector<flexmail::MimeParam> params = ParamsFromLines(text);
  (void)flexmail::DecodeRfc2231(params, "filename");
  (void)flexmail::FindParam(params, "name");
  (void)flexmail::FindFileName(params, params);
  return 0;
}
