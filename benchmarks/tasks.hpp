#pragma once
/// The tiny task bodies and worker pinning shared by the scheduler benchmarks
/// (local_run_queues.cpp, worker_pool.cpp).

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>

#include "claimbench/measure/bench.hpp"

namespace claimbench::tasks {

// "A few ns of arithmetic": 8 dependent multiply-shift rounds (~30 cycles, ~10 ns). The seed is
// the task's argument, so nothing can be computed ahead.
inline void tiny_work(std::uint64_t x) {
  for (int i = 0; i < 8; ++i)
    x = x * 0x9E3779B97F4A7C15ull + (x >> 29);
  benchmark::DoNotOptimize(x);
}

/// A pool's worker-start hook: pins worker `index` to the placement's PU of that index.
inline void pin_worker(int index) {
  claimbench::pin_extra_thread(static_cast<std::size_t>(index));
}

}  // namespace claimbench::tasks
