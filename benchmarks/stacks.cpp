// Segmented vs contiguous goroutine stacks at a hot split (claims/stack-growth.toml).
//
// A proxy, not Go: claimbench::go::SegmentedStack models Go 1.0–1.3's segmented stacks (a call
// that does not fit in the current segment allocates and links a new one; its return unlinks and
// frees it), ContiguousStack models Go 1.4+'s copying stacks (double, copy, keep the capacity).
// One op = one call and return of a leaf function with a 256-byte frame (the seed's
// `var buf [256]byte`), made from a call depth that puts the frame
//  - hot-split: right across a segment boundary (the caller's frames fill an 8 KiB segment
//    exactly), so every call of the segmented stack splits and every return unsplits;
//  - no-split: in the middle of a segment, where neither model does anything but move its top.
// The contiguous stack starts at the segment size and has grown once, before timing, the first
// time the depth crossed 8 KiB; it keeps that capacity.
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12.2 -O3 -g,
// x86-64 baseline, no -march), checked for each hot loop:
//  - the timed loop is a counted loop around one `call` of the noinline leaf, 64 per iteration.
//  - contiguous leaf: `sub` used from capacity, `cmp $0xff` / `jbe` to the out-of-line grow
//    (never taken while timing), `add $0x100` to used, the store of the argument into the frame
//    and its reload (ClobberMemory between them), `subq $0x100` from used on return.
//  - segmented leaf: the same compare and `jbe` to the out-of-line split (operator new), the
//    same store and reload, then `subq $0x100` from the segment's used, `jne` past the return
//    path, `cmpq $0x0` of prev and `jne` to the out-of-line unsplit (operator delete): at the hot
//    split both calls run on every op, at no-split neither does.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "analogues/sim_stack.hpp"
#include "claimbench/measure/bench.hpp"

namespace {

using claimbench::go::ContiguousStack;
using claimbench::go::SegmentedStack;

constexpr std::size_t kSegmentBytes = 8192;  // Go 1.2's minimum stack (and segment) size
constexpr std::size_t kFrameBytes = 256;     // the seed's example frame
constexpr int kCallsPerIteration = 64;
static_assert(kSegmentBytes % kFrameBytes == 0, "the hot split needs a frame-aligned boundary");

// The leaf function: a frame, one local written and read back, return.
template <class Stack>
[[gnu::noinline]] std::int64_t call_leaf(Stack& stack, std::int64_t argument) {
  std::byte* frame = stack.push(kFrameBytes);
  std::memcpy(frame, &argument, sizeof argument);
  benchmark::ClobberMemory();
  std::int64_t local;
  std::memcpy(&local, frame, sizeof local);
  stack.pop(kFrameBytes);
  return local + 1;
}

enum class Where { hot_split, no_split };

template <class Stack, Where where>
void BM_StackGrowth(benchmark::State& state) {
  Stack stack(kSegmentBytes);
  // The caller's frames: exactly one segment's worth (the boundary), or half of it.
  const std::size_t caller_frames =
      (where == Where::hot_split ? kSegmentBytes : kSegmentBytes / 2) / kFrameBytes;
  for (std::size_t i = 0; i < caller_frames; ++i)
    stack.push(kFrameBytes);
  std::int64_t value = call_leaf(stack, 0);  // untimed: the contiguous stack's one growth
  claimbench::BenchThread thread(state, kCallsPerIteration);
  for (auto _ : thread) {
    for (int i = 0; i < kCallsPerIteration; ++i)
      value = call_leaf(stack, value);
    benchmark::DoNotOptimize(value);
  }
  for (std::size_t i = 0; i < caller_frames; ++i)
    stack.pop(kFrameBytes);
}

BENCHMARK_TEMPLATE(BM_StackGrowth, SegmentedStack, Where::hot_split)
    ->Name("BM_StackGrowth/segmented/hot-split");
BENCHMARK_TEMPLATE(BM_StackGrowth, ContiguousStack, Where::hot_split)
    ->Name("BM_StackGrowth/contiguous/hot-split");
BENCHMARK_TEMPLATE(BM_StackGrowth, SegmentedStack, Where::no_split)
    ->Name("BM_StackGrowth/segmented/no-split");
BENCHMARK_TEMPLATE(BM_StackGrowth, ContiguousStack, Where::no_split)
    ->Name("BM_StackGrowth/contiguous/no-split");

}  // namespace
