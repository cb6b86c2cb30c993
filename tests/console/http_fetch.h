// One HTTP request to the console on loopback with libcurl, for the tests
// of the real server: status, content type, raw header block and body.
#pragma once

#include <string>

namespace flexmail::testing {

struct Fetched {
  long status = 0;
  std::string content_type, headers, body;
};

// `method` GET, HEAD or anything else (sent as a custom request).
Fetched Fetch(int port, const std::string& path, const std::string& method = "GET");

}  // namespace flexmail::testing
