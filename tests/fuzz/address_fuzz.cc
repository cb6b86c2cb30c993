// A From field value, and a domain label as DMARC alignment turns it into
// ASCII for the Public Suffix List.
#include <string>

#include "mail/address.h"
#include "mail/punycode.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = flexmail::fuzz::AsText(data, size);
  flexmail::ParsedMailbox mailbox;
  if (flexmail::ParseSingleMailbox(text, &mailbox)) (void)mailbox.Address();
  std::string label;
  (void)flexmail::LabelToAscii(text, &label);
  return 0;
}
