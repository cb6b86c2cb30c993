// The S/MIME structure of any message, then the whole verification against
// no registered certificate: the CMS DER a message carries is parsed by
// OpenSSL before trust is looked at.
#include <string>

#include "mail/smime.h"
#include "mail/smime_mime.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw = flexmail::fuzz::AsText(data, size);
  flexmail::SmimeParts parts;
  std::string why;
  if (flexmail::FindSmimeParts(raw, &parts, &why) && parts.detached) {
    (void)flexmail::CanonicalCrlf(parts.content);
  }
  std::string entity;
  (void)flexmail::VerifySmime(raw, flexmail::SmimeTrust{}, "ops@engie.example", flexmail::Instant{},
                              &entity);
  return 0;
}
