// DecodeRfc2047 on any field text. Its output is UTF-8, which
// EncodeRfc2047 must write so that decoding gives it back.
#include <cstdlib>
#include <string>

#include "mail/rfc2047.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bool unknown_charset = false;
  std::string text = flexmail::DecodeRfc2047(flexmail::fuzz::AsText(data, size), &unknown_charset);
  (void)flexmail::IsPlainHeaderText(text);
  std::string encoded = flexmail::EncodeRfc2047(text, 9);
  if (flexmail::DecodeRfc2047(encoded) != text) std::abort();
  return 0;
}
