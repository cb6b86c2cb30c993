#include "daemon/engine.h"

namespace flexmail {
namespace {

// The references of the touched keys once the declaration's updates apply.
void FillAfter(const LedgerSnapshot& before, Verdict* v) {
  v->touched = v->result.touched;
  for (const auto& key : v->touched) {
    auto it = before.references.find(key);
    v->after[key] = it == before.references.end() ? ReferenceHistory() : it->second;
  }
  for (const auto& u : v->result.updates) v->after[u.key].Add(u.version);
}

DeclarationResult RejectionOf(const DeclarationEnvelope& env,
                              const std::vector<Diagnostic>& diagnostics) {
  DeclarationResult r;
  r.outcome = Outcome::kRejected;
  r.received_at = r.judged_at = env.received_at;
  for (const auto& d : diagnostics)
    (d.severity == Severity::kError ? r.errors : r.warnings).push_back(d);
  return r;
}

}  // namespace

ParsedDeclaration ParseFiles(const std::vector<RawFile>& files) {
  ParsedDeclaration pd;
  for (const auto& f : files) ParseDeclarationFile(f, &pd);
  return pd;
}

Status Engine::Process(const DeclarationEnvelope& env, const ProcessOptions& options,
                       Verdict* out) {
  const Referential& ref = config_.referential;
  ParsedDeclaration pd = options.reject_only ? ParsedDeclaration() : ParseFiles(env.files);
  pd.diagnostics.insert(pd.diagnostics.begin(), options.extra.begin(), options.extra.end());
  const Instant processed_at = env.processed_at.value_or(env.received_at);
  SnapshotKeys keys = SnapshotKeysOf(pd, ref, env.received_at, processed_at);
  LedgerSnapshot seen;
  auto evaluate = [&](const LedgerSnapshot& snap) {
    seen = snap;
    if (options.reject_only) return RejectionOf(env, options.extra);
    return EvaluateDeclaration(pd, env.sender, env.received_at, processed_at, ref, snap);
  };
  if (!options.store) {
    Status s = ledger_->Snapshot(keys, &seen);
    if (!s.ok()) return s;
    out->result = evaluate(seen);
    FillAfter(seen, out);
    return s;
  }
  auto extend = [&](sql::Transaction& tx, std::int64_t id, const DeclarationResult& result) {
    out->result = result;
    out->declaration_id = id;
    FillAfter(seen, out);
    return options.extend ? options.extend(tx, *out) : Status::Ok();
  };
  return ledger_->Submit(env, keys, evaluate, &out->result, &out->declaration_id, extend);
}

}  // namespace flexmail
