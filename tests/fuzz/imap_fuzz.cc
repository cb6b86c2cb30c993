// Every IMAP response parser on the same server text, line by line where
// the mailbox reads lines. The UIDs a SEARCH yields must survive the trip
// through SequenceSets and ParseSequenceSet: that is how they are fetched.
#include <cstdlib>
#include <string>
#include <vector>

#include "mail/imap_parse.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

namespace imap = flexmail::imap;

// Far below the mailbox's own cap (a million), so that one input cannot
// spend the run filling a vector.
constexpr std::size_t kMaxUids = 4096;

void CheckSequenceSets(const std::vector<std::uint64_t>& uids) {
  std::vector<std::uint64_t> back;
  for (const std::string& set : imap::SequenceSets(uids, 50)) {
    std::vector<std::uint64_t> part;
    if (!imap::ParseSequenceSet(set, kMaxUids, &part)) std::abort();
    back.insert(back.end(), part.begin(), part.end());
  }
  if (back != uids) std::abort();
}

void ParseLine(std::string_view line) {
  imap::FetchMeta meta;
  (void)imap::ParseFetchMeta(line, &meta);
  flexmail::Instant at;
  (void)imap::ParseInternalDate(line, &at);
  (void)imap::ParseUid(line);
  (void)imap::CopyUidCovers(line, 7);
  (void)imap::HasResponseCode(line, "UNAVAILABLE");
  (void)imap::WithoutTag(line);
  if (imap::IsPlainMailboxName(line)) (void)imap::MailboxArgument(line);
  std::vector<std::uint64_t> set;
  (void)imap::ParseSequenceSet(line, kMaxUids, &set);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body = flexmail::fuzz::AsText(data, size);
  imap::MailboxStatus status;
  (void)imap::ParseStatus(body, &status);
  (void)imap::ParseCapabilities(body);
  (void)imap::ParseListNames(body);
  std::vector<std::uint64_t> uids;
  if (imap::ParseSearch(body, kMaxUids, &uids)) CheckSequenceSets(uids);
  for (std::string_view line : imap::SplitLines(body)) ParseLine(line);
  return 0;
}
