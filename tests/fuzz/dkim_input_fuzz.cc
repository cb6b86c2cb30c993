// A received message cut up for libopendkim: fields one by one, and the body.
#include <string>

#include "mail/dkim_input.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flexmail::DkimInput input;
  std::string reason;
  if (!flexmail::SplitForDkim(flexmail::fuzz::AsText(data, size), &input, &reason)) return 0;
  for (const std::string& field : input.fields) (void)flexmail::NameIs(field, "From");
  return 0;
}
