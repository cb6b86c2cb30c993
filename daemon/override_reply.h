// The shipper's answer to a dispatcher's override: a French text, threaded
// to the email that carried the programme, saying the new status, from
// when, why, and what became of the reference.
#pragma once

#include <string>

#include "daemon/reply.h"
#include "db/ledger.h"

namespace flexmail {

// `o` stored (its id names the reply: "<override-ID.INSTANCE@DOMAIN>");
// `p` the programme it overrides, read before it; `msg` the email that
// carried p. `reference_moved`: o made a reference version.
ReplyEnvelope BuildOverrideReply(const Config& config, const std::string& instance,
                                 const ParsedMessage& msg, const StoredProgramme& p,
                                 const OverrideRecord& o, bool reference_moved, Instant now);

// "ACCEPTÉ" / "REFUSÉ".
const char* FrenchStatus(bool accepted);

}  // namespace flexmail
