// Human output of the commands: aligned tables, one block per topic.
#pragma once

#include <cstdint>
#include <map>
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
// The shortages in force (StandingShortages), or a line saying there is none.
// "REFUSED, overridden: ACCEPTED from … by …" for a programme overridden.
std::string StoredStatusText(const StoredProgramme& p);
// The dispatcher's overrides of `programmes`, nothing when there is none.
void PrintOverrides(std::ostream& os, const std::vector<StoredProgramme>& programmes);
// "Technical bounds (last declared, ID): qMin …, qMax … kWh/h" (LastDeclared).
void PrintTechnicalBounds(std::ostream& os, const StoredProgramme* last);
// People's notes per declaration id; nothing when there is none.
void PrintAnnotations(std::ostream& os,
                      const std::map<std::int64_t, std::vector<AnnotationRecord>>& notes);
// The text of each declaration's email (at most 40 lines each, control
// characters made visible); nothing when none has one.
void PrintEmailTexts(std::ostream& os, const std::map<std::int64_t, MessageRecord>& mails);
void PrintShortages(std::ostream& os, const std::vector<StandingShortage>& standing);

}  // namespace flexmail
