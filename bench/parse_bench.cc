// CSV parse + technical validation of a 1 000-line declaration file.
// Target: >= 300 000 programme lines/s on one core.
//
// BM_ParseFile reads files alone, from one header and 3 programme lines (a
// shipper's usual email) to 10 000 lines, and counts the minor page faults
// per file: what each file costs the process in fresh memory, beyond time.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "bench/bench_data.h"
#include "parser/csv.h"
#include "rules/validation.h"

namespace flexmail::bench {
namespace {

void BM_ParseAndValidate1000Lines(benchmark::State& state) {
  const Referential ref = QuimperReferential();
  const RawFile file{kFileName, DeclarationCsv(1000)};
  const LedgerSnapshot snap;
  Instant t;
  std::string err;
  ParseInstant("2026-12-02T15:00:00Z", &t, &err);
  for (auto _ : state) {
    ParsedDeclaration pd;
    ParseDeclarationFile(file, &pd);
    ValidationResult v = ValidateDeclaration(pd, "ops@engie.example", t, ref, snap);
    if (v.programmes.size() != 1000 || !v.errors.empty()) state.SkipWithError("unexpected result");
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(file.bytes.size()));
}
BENCHMARK(BM_ParseAndValidate1000Lines)->Unit(benchmark::kMillisecond);

long MinorFaults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

void BM_ParseFile(benchmark::State& state) {
  const auto lines = static_cast<size_t>(state.range(0));
  const RawFile file{kFileName, DeclarationCsv(static_cast<int>(lines))};
  // Read around the loop, not in it: a getrusage call per file would cost
  // more than parsing a small one.
  const long faults_before = MinorFaults();
  for (auto _ : state) {
    ParsedDeclaration pd;
    ParseDeclarationFile(file, &pd);
    if (pd.files[0].programmes.size() != lines || !pd.diagnostics.empty()) {
      state.SkipWithError("unexpected result");
    }
    benchmark::DoNotOptimize(pd);
  }
  state.counters["faults_per_file"] = benchmark::Counter(
      static_cast<double>(MinorFaults() - faults_before), benchmark::Counter::kAvgIterations);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(lines));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(file.bytes.size()));
}
BENCHMARK(BM_ParseFile)->Arg(3)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace flexmail::bench

BENCHMARK_MAIN();
