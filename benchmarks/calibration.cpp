// Calibration: what BenchThread adds to a loop, against a bare Google Benchmark loop on the same
// pinned PU (claims/harness-overhead.toml). Not a Go claim: it says how far the harness itself
// can be trusted to the 1% that the tightest equivalence checks need.
//
// The body is a dependent chain of 64 multiply-adds, latency-bound (~3 cycles each on Zen 4,
// ~0.2 µs per iteration), so the loop's own cost and anything BenchThread adds per run (one
// perf ioctl and an allocation-counter read inside the timed region, ~2 µs) show up against a
// body that no frequency or port contention can shorten.
//
// Disassembly (objdump -d build/release/bench, g++ 12 -O3): both loops are the same 64 ×
// `imul %rdx,%rax; add $0x9e3779b97f4a7c15,%rax` chain (the multiplier is loaded into a
// register once), then GB's iteration-count decrement and branch; BenchThread's iterator adds
// no instruction inside the loop (its operator!= forwards to GB's and acts only at the end).
#include <benchmark/benchmark.h>

#include <cstdint>

#include "claimbench/measure/bench.hpp"

namespace {

constexpr int kOpsPerIteration = 64;

inline std::uint64_t chain(std::uint64_t x, std::uint64_t multiplier) {
  for (int i = 0; i < kOpsPerIteration; ++i)
    x = x * multiplier + 0x9e3779b97f4a7c15ULL;
  return x;
}

void BM_HarnessOverhead_BenchThread(benchmark::State& state) {
  claimbench::BenchThread thread(state, kOpsPerIteration);
  std::uint64_t x = 1;
  std::uint64_t multiplier = 6364136223846793005ULL;
  benchmark::DoNotOptimize(multiplier);  // not a constant: no strength reduction of the chain
  for (auto _ : thread) {
    x = chain(x, multiplier);
    benchmark::DoNotOptimize(x);
  }
}

// The same loop with nothing of the harness but the pinning (the same PU as thread 0 of
// BenchThread) and the ops-per-iteration counter the runner divides by.
void BM_HarnessOverhead_Bare(benchmark::State& state) {
  claimbench::pin_extra_thread(0);
  std::uint64_t x = 1;
  std::uint64_t multiplier = 6364136223846793005ULL;
  benchmark::DoNotOptimize(multiplier);
  for (auto _ : state) {
    x = chain(x, multiplier);
    benchmark::DoNotOptimize(x);
  }
  state.counters["ops_per_iter"] =
      benchmark::Counter(kOpsPerIteration, benchmark::Counter::kAvgThreads);
}

BENCHMARK(BM_HarnessOverhead_BenchThread)->Name("BM_HarnessOverhead/bench-thread")->Threads(1);
BENCHMARK(BM_HarnessOverhead_Bare)->Name("BM_HarnessOverhead/bare")->Threads(1);

}  // namespace
