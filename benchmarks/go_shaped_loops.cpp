// Go's own loops for context-check-interval (claims/context-check-interval.toml): reference rows.
//
// BM_CancelCheck/go-shaped-{never,every1024-modulo,every1024-stripmined}: the twin's three sum
// loops (benchmarks/go/context_check_test.go) as go1.19 emits them for amd64, transcribed from
// `go tool objdump -s 'twins.cc(Never|Modulo|Stripmined)'`, and placed as Go places code.
//
// Why: the scalar-* rows are GCC's loops (4 instructions per element, `add (%rdi,%rax,8)`),
// each starting on a 64-byte line (CB_SCALAR_LOOP). Go's differ in both ways. Its index loop
// `for i := range d { sum += d[i] }` is 6 instructions (LEAQ 1(i) into a copy, the load, the
// add, the copy back, CMPQ, JG): 0.34 ns per element on the Zen 4 guest at a good position
// (the twin: 0.39), where GCC's runs at 0.28. Its range-value loop (the twin's strip-mined inner
// loop) is 5 (no LEAQ/MOVQ pair). And Go aligns no loop: functions start on 32 bytes (cmd/link), a
// loop sits wherever the code before it ends, and the assembler pads every jump and macro-fused
// compare-and-branch with NOPs so it neither crosses nor ends on a 32-byte boundary
// (cmd/internal/obj/x86, padJump: the Intel JCC-erratum rule), NOPs that then run inside the loop.
// GNU as does the same with -malign-branch-boundary=32 and NOP-only padding, which this file is
// assembled with (GCC builds; benchmarks/CMakeLists.txt).
//
// Each row runs its loop at 16 positions in a 64-byte line (4-byte steps: a `.p2align 6`, then K
// bytes of int3 that a jump skips), one position per benchmark iteration in turn, so a row's time
// per element is the mean over positions: what a Go build should expect, since where the linker
// puts a loop changes with every edit to the program. The registers are Go's, so every
// instruction has the length of Go's and a position here is the same position in a Go binary.
// go_loop_positions prints the time at each position; on the Zen 4 guest (0.4.4, best of 15 x 200
// passes): never 0.34-0.35 ns at 0-44 and 0.54 at 48-60; modulo 0.28 at 0 and 16-32, 0.43 at
// 4-12, 0.55 at 36-60; strip-mined 0.34 at 0-44 and 0.55 at 48-60. The twin binary is one build:
// its never loop starts at byte 43 of a line, its modulo loop at byte 50 (1.45-1.5x).
//
// Disassembly (objdump -d build/release/bench | c++filt, g++ 12.2 -O3), checked for go_never<0>,
// go_never<48>, go_modulo<48>, go_modulo<60>, go_stripmined<12>: the loop starts at 64k + K; its
// bytes are Go's (modulo: 4c 8d 42 01 lea, 4c 8b 0c d1 mov, 4c 01 ce add, 4c 89 c2 mov, 48 39 d7
// cmp, 7e jle, 48 f7 c2 ff 03 00 00 test, 75 jne, as in the twin), with the assembler's NOP
// where a branch would cross 32 bytes (go_modulo<48>: `xchg %ax,%ax` before the cmp at line+64,
// as Go puts a NOPL before such a CMPQ). The pass is one call per iteration with the fresh
// element stored first, as in context.cpp.
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <vector>

#include "claimbench/measure/bench.hpp"
#include "go_shaped_loops.hpp"

namespace {

using namespace claimbench::go_loops;

template <template <int> class Loop, bool kChecks>
void BM_GoShapedLoop(benchmark::State& state) {
  if (!kHaveGoLoops) {
    state.SkipWithError("Go's loops are transcribed for x86-64 only");
    return;
  }
  std::vector<std::int64_t> data(kElements);
  std::iota(data.begin(), data.end(), std::int64_t{1});
  CancelFlag live;
  CancelFlag cancelled;
  cancelled.cancel();
  // Every position must sum correctly, and stop on a cancelled flag if it polls.
  const auto expected = std::accumulate(data.begin(), data.end(), std::int64_t{0});
  for (const Pass pass : kAt<Loop>) {
    if (pass(data.data(), live) != expected) {
      state.SkipWithError("a Go-shaped loop's sum is wrong");
      return;
    }
    if ((pass(data.data(), cancelled) == -1) != kChecks) {
      state.SkipWithError("a Go-shaped loop ignores a cancelled flag");
      return;
    }
  }

  claimbench::BenchThread thread(state, kElements);  // one op = one element summed
  std::size_t step = 0;
  for (auto _ : thread) {
    data[step & (kElements - 1)] += 1;  // fresh data: no sum is loop-invariant
    std::int64_t sum = kAt<Loop>[step % kPositions](data.data(), live);
    benchmark::DoNotOptimize(sum);
    ++step;
  }
}

BENCHMARK_TEMPLATE(BM_GoShapedLoop, Never, false)->Name("BM_CancelCheck/go-shaped-never");
BENCHMARK_TEMPLATE(BM_GoShapedLoop, Modulo, true)
    ->Name("BM_CancelCheck/go-shaped-every1024-modulo");
BENCHMARK_TEMPLATE(BM_GoShapedLoop, Stripmined, true)
    ->Name("BM_CancelCheck/go-shaped-every1024-stripmined");

}  // namespace
