#include "tests/console/xmllint.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/daemon/testbed.h"

namespace flexmail::testing {

int Xmllint(const std::string& args, const std::string& xml, std::string* out) {
  std::string path = (std::filesystem::temp_directory_path() / "flexmail-xml-XXXXXX").string();
  const int fd = mkstemp(path.data());
  if (fd < 0) return -1;
  close(fd);
  std::ofstream(path) << xml;
  std::string printed;
  const int rc = Shell("xmllint " + args + " " + path, &printed);
  std::filesystem::remove(path);
  while (!printed.empty() && printed.back() == '\n') printed.pop_back();
  if (out) *out = printed;
  return rc;
}

}  // namespace flexmail::testing
