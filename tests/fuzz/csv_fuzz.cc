// ParseDeclarationFile: the first line is the attachment's name, the rest
// the file's bytes.
#include <string>

#include "parser/csv.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest = flexmail::fuzz::AsText(data, size);
  flexmail::RawFile file;
  file.name = std::string(flexmail::fuzz::TakeLine(&rest));
  file.bytes = std::string(rest);
  flexmail::ParsedDeclaration out;
  flexmail::ParseDeclarationFile(file, &out);
  return 0;
}
