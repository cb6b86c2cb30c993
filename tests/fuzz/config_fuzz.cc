// ParseConfig on any text: a configuration file is the operator's, but it
// is hand-edited, and a typo must give an error, never a crash.
#include "config/config.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flexmail::Config config;
  (void)flexmail::ParseConfig(flexmail::fuzz::AsText(data, size), "flexmail.toml", "/etc/flexmail",
                              &config);
  return 0;
}
