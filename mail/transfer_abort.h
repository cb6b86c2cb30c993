// How a service stops the transfers of the IMAP and SMTP transports in
// progress, without knowing libcurl (implemented in curl_util.cc).
#pragma once

#include <atomic>

namespace flexmail {

// Once *flag is true, every transfer in progress (in any thread) is
// abandoned within about a second, as a transient failure: a service asked
// to stop does not wait for a silent server's timeout. Set before transfers
// start; null (the default) disables it.
void SetTransferAbortFlag(const std::atomic<bool>* flag);

}  // namespace flexmail
