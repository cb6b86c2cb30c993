// Fetching a page of the real console server over loopback with libcurl,
// for the server tests.
#pragma once

#include <string>

namespace flexmail::testing {

struct Fetched {
  long status = 0;
  std::string content_type, headers, body;  // headers: the raw lines, CRLF-ended
};

// `method` GET, HEAD (no body) or any other (sent as is). A transfer
// failure is a test failure.
Fetched Fetch(int port, const std::string& path, const std::string& method = "GET");

}  // namespace flexmail::testing
