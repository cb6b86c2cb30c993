// Feasibility evaluations per second on the costliest path: a programme
// received during its gas day, Q->Q+ red and partial green, so the window
// is compared with the reference at t and at the start of the window.
// Target: >= 2 000 000 evaluations/s on one core.
#include <benchmark/benchmark.h>

#include "rules/feasibility.h"

namespace flexmail::bench {
namespace {

Instant At(const char* text) {
  Instant t;
  std::string err;
  ParseInstant(text, &t, &err);
  return t;
}

void BM_Feasibility(benchmark::State& state) {
  const GasDay day = *GasDay::ParseIso("2026-12-03");
  std::vector<ReferenceVersion> versions;
  for (int h = 0; h < 6; ++h) {
    ReferenceVersion v;
    v.effective_at = At("2026-12-03T07:00:00") + std::chrono::hours(h);
    v.seq = h;
    v.values.fill(400000.0 + h * 1000);
    versions.push_back(v);
  }
  ReferenceHistory history(versions);
  Hourly values;
  values.fill(400000.0);
  for (int i = 6; i < 12; ++i) values[i] = 650000.0;
  FeasibilityInput in;
  in.day = day;
  in.received_at = At("2026-12-03T12:20:00");
  in.values = &values;
  in.history = &history;
  in.indicators.q_minus.status = Light::kGreen;
  in.indicators.q_plus.status = Light::kRed;
  in.indicators.partial.status = Light::kGreen;
  in.tranches = 2;
  for (auto _ : state) {
    FeasibilityResult r = EvaluateFeasibility(in);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Feasibility);

}  // namespace
}  // namespace flexmail::bench

BENCHMARK_MAIN();
