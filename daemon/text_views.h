// Human output of the commands: aligned tables, one block per topic.
#pragma once

#include <ostream>
#include <vector>

#include "daemon/engine.h"
#include "db/ledger.h"

namespace flexmail {

void PrintVerdict(std::ostream& os, const Verdict& v, const std::string& sender);
void PrintReference(std::ostream& os, const SiteDay& key, const ReferenceHistory& history,
                    Instant t);
void PrintProgrammes(std::ostream& os, const std::vector<StoredProgramme>& programmes);
void PrintIndicators(std::ostream& os, const std::vector<const Site*>& sites,
                     const std::vector<Publication>& pubs, Instant t, const Referential& ref);

}  // namespace flexmail
