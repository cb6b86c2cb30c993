// CSV parse + technical validation of a 1 000-line declaration file.
// Target: >= 300 000 programme lines/s on one core.
#include <benchmark/benchmark.h>

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

}  // namespace
}  // namespace flexmail::bench

BENCHMARK_MAIN();
