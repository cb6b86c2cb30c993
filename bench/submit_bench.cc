// Durable `submit` of one declaration (one programme) into a real SQLite
// ledger (WAL, synchronous=FULL) in a temp dir: parse, snapshot, rules,
// commit. Reports the median and p99 of one submit. Target: p99 <= 10 ms.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>

#include <unistd.h>

#include "bench/bench_data.h"
#include "daemon/engine.h"

namespace flexmail::bench {
namespace {

// state.range(0): versions per (site, gas day) before the next day; 0 means
// every declaration is a new version of the same day (the worst case: the
// snapshot then reads an ever longer history).
void BM_DurableSubmit(benchmark::State& state) {
  char tmpl[] = "/tmp/flexmail-bench-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  Config config;
  config.database_path = dir + "/flexmail.db";
  config.referential = QuimperReferential();
  std::unique_ptr<Ledger> ledger;
  if (!Ledger::Open(config.database_path, &ledger).ok()) {
    state.SkipWithError("cannot open the ledger");
    return;
  }
  Engine engine(config, ledger.get());
  Instant t;
  std::string err;
  ParseInstant("2026-12-02T15:00:00Z", &t, &err);
  std::vector<double> ms;
  int submitted = 0;
  for (auto _ : state) {
    const int per_day = static_cast<int>(state.range(0));
    const int n = submitted++;
    const GasDay day(GasDay::ParseIso("2026-12-03")->days() +
                     date::days{per_day ? n / per_day : 0});
    const int version_of_day = per_day ? n % per_day + 1 : n + 1;
    DeclarationEnvelope env{"ops@engie.example", t, "cli",
                            {RawFile{FileNameFor(day), DeclarationCsv(1, version_of_day, day)}},
                            std::nullopt};
    auto start = std::chrono::steady_clock::now();
    Verdict v;
    ProcessOptions options;
    Status s = engine.Process(env, options, &v);
    auto end = std::chrono::steady_clock::now();
    if (!s.ok() || v.result.outcome != Outcome::kIntegrated) state.SkipWithError("submit failed");
    double elapsed = std::chrono::duration<double>(end - start).count();
    state.SetIterationTime(elapsed);
    ms.push_back(elapsed * 1000);
  }
  std::sort(ms.begin(), ms.end());
  if (!ms.empty()) {
    state.counters["p50_ms"] = ms[ms.size() / 2];
    state.counters["p99_ms"] = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  }
  ledger.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_DurableSubmit)
    ->Arg(0)
    ->Arg(20)
    ->UseManualTime()
    ->Iterations(2000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace flexmail::bench

BENCHMARK_MAIN();
