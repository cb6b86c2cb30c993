#include "daemon/engine.h"

namespace flexmail {

ParsedDeclaration ParseFiles(const std::vector<RawFile>& files) {
  ParsedDeclaration pd;
  for (const auto& f : files) ParseDeclarationFile(f, &pd);
  return pd;
}

Status Engine::Process(const DeclarationEnvelope& env, bool store, Verdict* out) {
  const Referential& ref = config_.referential;
  ParsedDeclaration pd = ParseFiles(env.files);
  SnapshotKeys keys = SnapshotKeysOf(pd, ref);
  auto evaluate = [&](const LedgerSnapshot& snap) {
    return EvaluateDeclaration(pd, env.sender, env.received_at, ref, snap);
  };
  LedgerSnapshot snap;
  Status s;
  if (store) {
    s = ledger_->Submit(env, keys, evaluate, &out->result, &out->declaration_id);
    // The references as they stand once the declaration is committed.
    if (s.ok()) s = ledger_->Snapshot(keys, &snap);
  } else {
    s = ledger_->Snapshot(keys, &snap);
    if (s.ok()) {
      out->result = evaluate(snap);
      for (const auto& u : out->result.updates) snap.references[u.key].Add(u.version);
    }
  }
  if (!s.ok()) return s;
  out->touched = out->result.touched;
  for (const auto& key : out->touched) out->after[key] = snap.references[key];
  return s;
}

}  // namespace flexmail
