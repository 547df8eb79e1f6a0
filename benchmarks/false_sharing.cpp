// False sharing: per-thread counters that share a cache line (claims/false-sharing.toml).
//
// Each thread increments only its own counter, so there is no data race and no logical
// sharing; any slowdown comes from the cache-coherence protocol moving the line between cores
// on every write (a transfer costs ~50 ns between the vCPUs here, ~200 ns while the host has
// moved one, 20–100 ns across cores of one bare-metal socket).
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench, g++ 12 -O3, x86-64),
// checked for each hot loop:
//  - atomic variants: the inner loop is 64 × `lock addq $0x1,(%rax)` fully unrolled, no loads
//    or branches between them: one locked RMW per op, as intended.
//  - plain variants: 64 × `addq $0x1,(%rax)`, a read-modify-write on memory per op: ClobberMemory
//    after each increment keeps the compiler from summing in a register and storing once.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "claimbench/measure/bench.hpp"

namespace {

constexpr int kOpsPerIteration = 64;  // amortises the loop's own overhead (~1 ns/iteration)
constexpr std::size_t kMaxThreads = 256;

// packed: 8-byte counters side by side, eight threads to a 64-byte line.
template <class Value>
struct Packed {
  Value value{};
};
// padded: each counter owns a whole line (64) or an adjacent pair of lines (128, which also
// defeats Intel's spatial prefetcher that fetches lines in 128-byte pairs).
template <class Value, std::size_t Align>
struct alignas(Align) Padded {
  Value value{};
};
static_assert(sizeof(Packed<std::atomic<std::int64_t>>) == 8);
static_assert(sizeof(Padded<std::atomic<std::int64_t>, 64>) == 64);
static_assert(sizeof(Padded<std::atomic<std::int64_t>, 128>) == 128);

// alignas(128) on the array: a packed array that straddled a line boundary would put thread
// 0 and thread 1 on different lines and hide the effect.
template <class Slot>
struct alignas(128) Slots {
  Slot slot[kMaxThreads];
};

template <class Slot>
Slots<Slot>& shared_slots() {
  static Slots<Slot> slots;  // one array for all threads of a run, as a Go []int64 would be
  return slots;
}

template <class Slot>
void BM_FalseSharing_Atomic(benchmark::State& state) {
  claimbench::BenchThread thread(state, kOpsPerIteration);
  auto& mine = shared_slots<Slot>().slot[state.thread_index()].value;
  for (auto _ : thread) {
    for (int i = 0; i < kOpsPerIteration; ++i)
      mine.fetch_add(1, std::memory_order_relaxed);
  }
}

template <class Slot>
void BM_FalseSharing_Plain(benchmark::State& state) {
  claimbench::BenchThread thread(state, kOpsPerIteration);
  auto& mine = shared_slots<Slot>().slot[state.thread_index()].value;
  for (auto _ : thread) {
    for (int i = 0; i < kOpsPerIteration; ++i) {
      mine = mine + 1;
      benchmark::ClobberMemory();  // each increment must reach memory, as in counters[i]++
    }
  }
}

using Atomic = std::atomic<std::int64_t>;
using Plain = std::int64_t;

[[maybe_unused]] const bool registered =
    claimbench::register_variants("BM_FalseSharing",
                                  {
                                      {"packed", &BM_FalseSharing_Atomic<Packed<Atomic>>},
                                      {"padded64", &BM_FalseSharing_Atomic<Padded<Atomic, 64>>},
                                      {"padded128", &BM_FalseSharing_Atomic<Padded<Atomic, 128>>},
                                      {"plain-packed", &BM_FalseSharing_Plain<Packed<Plain>>},
                                      {"plain-padded64", &BM_FalseSharing_Plain<Padded<Plain, 64>>},
                                  },
                                  claimbench::sweep_threads);

}  // namespace
