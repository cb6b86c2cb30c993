// A message uploaded by libcurl from memory (SMTP DATA, IMAP APPEND), for the
// tests that drive curl directly as a shipper's mail client would.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>

namespace flexmail::test {

struct CurlUpload {
  std::string data;
  std::size_t pos = 0;

  // CURLOPT_READFUNCTION, with this object as CURLOPT_READDATA.
  static std::size_t Read(char* buf, std::size_t size, std::size_t n, void* self) {
    auto* up = static_cast<CurlUpload*>(self);
    const std::size_t len = std::min(size * n, up->data.size() - up->pos);
    up->data.copy(buf, len, up->pos);
    up->pos += len;
    return len;
  }
};

}  // namespace flexmail::test
