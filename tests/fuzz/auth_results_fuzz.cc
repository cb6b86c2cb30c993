// One Authentication-Results field value, read the two ways the checker
// reads it: its authserv-id first, then the whole value.
#include <string>

#include "mail/auth_results_parse.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view value = flexmail::fuzz::AsText(data, size);
  bool has_id = false;
  std::string id;
  std::string error;
  (void)flexmail::ReadAuthservId(value, &has_id, &id, &error);
  flexmail::AuthResField field;
  if (!flexmail::ParseAuthResults(value, &field, &error)) return 0;
  std::string from;
  for (const flexmail::AuthResInfo& info : field.results) (void)info.UniqueProperty("header.from", &from);
  return 0;
}
