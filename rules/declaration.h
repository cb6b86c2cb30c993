// Judging one declaration (one email, or one `submit`): technical validation
// of every file and line (RULES §3), then, only when no error was found,
// feasibility of each programme against the state before the declaration
// (§4) and the reference updates it causes (§6).
//
// Pure: the referential, the reception instant and a snapshot of the ledger
// are passed in; the result says what to store.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "rules/feasibility.h"
#include "rules/indicators.h"
#include "rules/programme.h"
#include "rules/reference.h"
#include "rules/referential.h"

namespace flexmail {

struct SiteDay {
  std::string site;
  GasDay day;
  auto operator<=>(const SiteDay&) const = default;
};

// What the rules need to know of the ledger: only for the keys a declaration
// touches (see SnapshotKeysOf).
struct SnapshotKeys {
  std::set<std::string> programme_ids;
  std::set<SiteDay> site_days;
  std::set<std::string> meshes;
  std::set<GasDay> days;
  // The reception instant, when known: the ledger may then leave out what
  // cannot matter at it, so a snapshot stays small after months and after a
  // backlog of versions: publications after it or long superseded before it
  // (kPublicationLookback), and every reference version but those in force
  // at `at` and at each of reference_instants.
  std::optional<Instant> at;
  // The instants at which the rules read a reference history (InForceAt),
  // none after `at` (see ReferenceInstantsOf). Per (site, day) the ledger
  // need only return v(q) for each of them, v(q) being the last version (by
  // effective_at, then seq) effective at or before q. That is enough: in any
  // subset S of the versions that holds v(q), the versions of S effective at
  // or before q are among those of the whole history, whose last is v(q), so
  // S.InForceAt(q) = v(q). Adding the declaration's own updates (effective
  // at `at`) to S keeps InForceAt(at) equal to the whole history's too.
  std::vector<Instant> reference_instants;
  // When the declaration is processed. Set (with `at`), the ledger also
  // reads latest_judged and bounds the snapshot at JudgementInstant(at,
  // processed_at, latest_judged) instead of `at`, which differs when the
  // declaration comes out of order. Unset, latest_judged stays empty: a
  // snapshot of the state at `at` alone.
  std::optional<Instant> processed_at;
};

// The instants at which judging a declaration received at `at` reads the
// reference history of a (site, day), earliest first: the budget instant of
// the current slot (BudgetReferenceInstant), then `at` itself, where
// feasibility takes its reference R (§4), the update rebuilds from the
// previous reference (§6), and the reply shows the reference once updated.
std::vector<Instant> ReferenceInstantsOf(Instant at);

// How far back of `at` a bounded snapshot keeps every publication (plus,
// before that, the last publication of each indicator): an indicator's delay
// is at most 24 h.
constexpr std::chrono::hours kPublicationLookback{48};

struct LedgerSnapshot {
  std::set<std::string> existing_ids;          // integrated ids among the keys
  std::map<SiteDay, int> max_version;          // highest integrated version
  std::map<SiteDay, ReferenceHistory> references;
  std::vector<Publication> publications;       // of the meshes asked for
  std::vector<Shortage> shortages;             // for the days asked for
  // Per (site, day) among the keys, the latest instant at which a stored
  // integrated declaration was judged (RULES §9, mail out of order).
  std::map<SiteDay, Instant> latest_judged;
};

// RULES §9, mail processed out of reception order: a declaration received
// before the judgement instant of one already integrated for one of its
// (site, day)s is judged at its processing instant (never before that
// latest judgement, so the state it is judged against includes it), and
// its accepted programme then takes effect after the earlier one. Any other
// declaration is judged at its reception instant.
Instant JudgementInstant(Instant received_at, Instant processed_at,
                         const std::map<SiteDay, Instant>& latest_judged);

// The keys of `d` received at `at` and processed at `processed_at`.
SnapshotKeys SnapshotKeysOf(const ParsedDeclaration& d, const Referential& ref, Instant at,
                            Instant processed_at);
// Processed when received.
inline SnapshotKeys SnapshotKeysOf(const ParsedDeclaration& d, const Referential& ref,
                                   Instant at) {
  return SnapshotKeysOf(d, ref, at, at);
}
// `keys` bounded at instant `t` instead.
SnapshotKeys KeysAt(SnapshotKeys keys, Instant t);

// kTest is a message's only (a communication test of the email channel:
// answered, no declaration); a declaration never has it.
enum class Outcome { kIntegrated, kRejected, kIgnored, kTest };
std::string_view OutcomeName(Outcome o);  // INTEGRATED, REJECTED, IGNORED, TEST

// One programme of an integrated declaration and its verdict.
struct ProgrammeResult {
  std::string file;
  int line = 0;
  ProgrammeId id;
  std::string raw_id;
  std::string site_label;          // from the referential
  std::string mesh;
  std::optional<LocalTime> created;
  double tech_qmin = 0;
  double tech_qmax = 0;
  Hourly values{};                 // as stored (nonexistent hour zeroed)
  bool accepted = true;
  bool superseded = false;         // accepted but a higher version won
  FeasibilityPath path = FeasibilityPath::kChecked;
  std::vector<Violation> violations;
  AppliedIndicators indicators;
  std::string comment;             // French explanation of the status
};

struct ReferenceUpdate {
  SiteDay key;
  ReferenceVersion version;        // effective_at = reception instant
};

struct DeclarationResult {
  Outcome outcome = Outcome::kRejected;
  Instant received_at{};
  // The instant the rules judged at: received_at, or, out of order, the
  // processing instant (JudgementInstant). Reference updates take effect
  // then.
  Instant judged_at{};
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
  std::vector<ProgrammeResult> programmes;  // empty when rejected
  std::vector<ReferenceUpdate> updates;
  std::vector<SiteDay> touched;             // site/days of the programmes, sorted
};

// The instant `r` was judged at (received_at when judged_at is unset).
inline Instant JudgedAt(const DeclarationResult& r) { return std::max(r.received_at, r.judged_at); }

// Judged at JudgementInstant(received_at, processed_at, snap.latest_judged).
DeclarationResult EvaluateDeclaration(const ParsedDeclaration& d, std::string_view sender,
                                      Instant received_at, Instant processed_at,
                                      const Referential& ref, const LedgerSnapshot& snap);
// Processed when received.
DeclarationResult EvaluateDeclaration(const ParsedDeclaration& d, std::string_view sender,
                                      Instant received_at, const Referential& ref,
                                      const LedgerSnapshot& snap);

// The French comment of a programme result ("Programme accepté", or the
// texts of its violations).
std::string CommentOf(const ProgrammeResult& r);

}  // namespace flexmail
