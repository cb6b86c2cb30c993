// The contract's objects (§13) as JSON: hmsProfile, rebuiltHmsProfile,
// siteIndicators, error. The keys are fixed: other tools parse them.
#pragma once

#include <nlohmann/json.hpp>

#include "daemon/engine.h"
#include "rules/declaration.h"
#include "rules/referential.h"

namespace flexmail {

using Json = nlohmann::ordered_json;

// §13.6 plus location: code, message, file, line, field (null when absent).
Json DiagnosticJson(const Diagnostic& d);
// §13.3, with hmsProfileFeasibility {indicator, hmsProfileFeasibilityStatus,
// comment, codes, superseded, violations, unknownIndicators}.
Json HmsProfileJson(const ProgrammeResult& r, Instant processed_at, const Referential& ref);
// §13.4: the reference of (site, day) in force at t; zeros and null
// processingDateTime when there is none.
Json RebuiltJson(const SiteDay& key, const ReferenceHistory& history, Instant t,
                 const Referential& ref);
// §13.1 for one site at t.
Json SiteIndicatorsJson(const Site& site, const std::vector<Publication>& pubs, Instant t,
                        const Referential& ref);
// A stored programme's overrides, oldest first (`report --json`, `override
// --json` prints one of them with the programme's identity).
Json OverridesJson(const StoredProgramme& p);
Json OverrideJson(const OverrideRecord& o);
// Adds technicalQMin, technicalQMax (kWh/h) and technicalBoundsFrom (the
// programme that declared them) to a (site, day)'s object: LastDeclared's,
// or nulls.
void AddTechnicalBounds(const StoredProgramme* last, Json* out);
// People's notes on a declaration, in the order written.
Json AnnotationsJson(const std::vector<AnnotationRecord>& notes);
// One shortage in force for `indicators show --json`.
Json StandingShortageJson(const StandingShortage& sh);
// The object `submit --json` and `check --json` print: outcome, errors,
// warnings, hmsProfiles, rebuiltHmsProfiles, plus sender and receivedAt.
Json VerdictJson(const Verdict& v, const std::string& sender, const Referential& ref);

}  // namespace flexmail
