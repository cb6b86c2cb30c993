// ParseMessage on any bytes, with the limits received mail gets.
#include "mail/message.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flexmail::ParsedMessage parsed;
  (void)flexmail::ParseMessage(flexmail::fuzz::AsText(data, size), flexmail::MailLimits{}, &parsed);
  return 0;
}
