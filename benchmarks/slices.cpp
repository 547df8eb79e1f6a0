// append's growth and preallocation (claims/slice-growth.toml).
//
// One op = building a slice of 1,000,000 int64 by appending one element at a time, then
// dropping it: from a nil slice (grows as it goes) or from make([]int64, 0, n) / reserve(n)
// (one allocation, no growth). Go's slice is modelled by claimbench::go::GoSlice with Go's real
// growth rule and with the rule the seeds state; std::vector (2× growth) is the C++ baseline.
// Counters per op: grows (backing arrays allocated by growth) and copied_bytes (old elements
// moved into new arrays); `allocs` and page-faults come from the harness.
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12.2 -O3 -g,
// x86-64 baseline, no -march), checked for each hot loop:
//  - GoSlice variants: append is inlined into the benchmark; per element `cmp %rdx,%rsi`
//    (len vs cap), `jne` past the out-of-line `call GoSlice::grow`, `mov %rbx,(%rcx,%rsi,8)`
//    (the store of i) and `mov %rax,0x38(%rsp)` (len written back to the slice header, which
//    lives on the stack because grow takes it by pointer; the same extra store in go-rule,
//    go-make and seeds-rule). Scalar, one 8-byte element store per op, not vectorised.
//  - std::vector variants: push_back inlined with begin/end/end-of-storage in registers:
//    `cmp %rbp,%r15`, `mov %rbx,0x0(%rbp)`, `add $0x8,%rbp`; the full path inlines
//    _M_realloc_insert (operator new, memmove, operator delete). Scalar, not vectorised.
//  - After the loop the data pointer goes through DoNotOptimize and the array is freed with
//    operator delete, so the stores and the allocation cannot be elided.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "analogues/go_slice.hpp"
#include "claimbench/measure/bench.hpp"

namespace {

using claimbench::go::GoGrowth;
using claimbench::go::GoSlice;
using claimbench::go::SeedsGrowth;

constexpr std::size_t kElements = 1'000'000;  // "1M appends"; neither rule lands on it exactly

enum class Start { nil, preallocated };

// Warm the allocator the way a long-running process's heap is warm. Out of the box glibc serves
// the first blocks over 128 KiB with mmap and returns a free top of heap to the OS once it
// exceeds twice the largest block freed so far; a from-nil build of 1M elements frees ~20 MB at
// the top of the heap when it drops the slice, which glibc trims, so the next build page-faults
// all of it back in (~5000 faults per build, several times the cost of the copying). Go's heap
// keeps freed spans for reuse and its scavenger returns memory gradually, so a Go loop does not
// pay that. Freeing one 16 MiB block (mmap'd, as it is over the threshold) raises glibc's
// dynamic thresholds to 16 MiB (mmap) and 32 MiB (trim), its normal adaptation to a program that
// uses big blocks; after that builds reuse heap pages (page-faults per op ≈ 0, reported).
void warm_allocator() {
  void* block = ::operator new (std::size_t{16} << 20);
  benchmark::DoNotOptimize(block);
  ::operator delete(block);
}

void publish(benchmark::State& state, double grows, double copied_bytes) {
  state.counters["grows"] = benchmark::Counter(grows, benchmark::Counter::kAvgIterations);
  state.counters["copied_bytes"] =
      benchmark::Counter(copied_bytes, benchmark::Counter::kAvgIterations);
}

template <class Growth, Start start>
void BM_SliceGrowth_Go(benchmark::State& state) {
  warm_allocator();
  claimbench::BenchThread thread(state, 1.0);
  double grows = 0;
  double copied = 0;
  for (auto _ : thread) {
    auto s = start == Start::nil ? GoSlice<std::int64_t, Growth>()
                                 : GoSlice<std::int64_t, Growth>::make(0, kElements);
    for (std::size_t i = 0; i < kElements; ++i)
      s.append(static_cast<std::int64_t>(i));
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
    grows += static_cast<double>(s.grows());
    copied += static_cast<double>(s.bytes_copied());
  }
  publish(state, grows, copied);
}

template <Start start>
void build_vector(std::vector<std::int64_t>& v) {
  if constexpr (start == Start::preallocated) v.reserve(kElements);
  for (std::size_t i = 0; i < kElements; ++i)
    v.push_back(static_cast<std::int64_t>(i));
}

template <Start start>
void BM_SliceGrowth_Vector(benchmark::State& state) {
  warm_allocator();
  // std::vector does not count its reallocations; one untimed build with a capacity watch
  // gives the (deterministic) numbers.
  double grows_per_build = 0;
  double copied_per_build = 0;
  {
    std::vector<std::int64_t> v;
    if constexpr (start == Start::preallocated) v.reserve(kElements);
    for (std::size_t i = 0; i < kElements; ++i) {
      const std::size_t cap = v.capacity();
      v.push_back(static_cast<std::int64_t>(i));
      if (v.capacity() != cap) {
        grows_per_build += 1;
        copied_per_build += static_cast<double>(i * sizeof(std::int64_t));
      }
    }
  }
  claimbench::BenchThread thread(state, 1.0);
  for (auto _ : thread) {
    std::vector<std::int64_t> v;
    build_vector<start>(v);
    benchmark::DoNotOptimize(v.data());
    benchmark::ClobberMemory();
  }
  const auto iterations = static_cast<double>(state.iterations());
  publish(state, grows_per_build * iterations, copied_per_build * iterations);
}

BENCHMARK_TEMPLATE(BM_SliceGrowth_Go, GoGrowth, Start::nil)->Name("BM_SliceGrowth/go-rule");
BENCHMARK_TEMPLATE(BM_SliceGrowth_Go, GoGrowth, Start::preallocated)
    ->Name("BM_SliceGrowth/go-make");
BENCHMARK_TEMPLATE(BM_SliceGrowth_Go, SeedsGrowth, Start::nil)->Name("BM_SliceGrowth/seeds-rule");
BENCHMARK_TEMPLATE(BM_SliceGrowth_Vector, Start::nil)->Name("BM_SliceGrowth/vector");
BENCHMARK_TEMPLATE(BM_SliceGrowth_Vector, Start::preallocated)
    ->Name("BM_SliceGrowth/vector-reserve");

}  // namespace
