#pragma once
/// What every benchmark thread does: pin itself, count events around its timed loop, publish.
///
///   static void BM_Family_Variant(benchmark::State& state) {
///     claimbench::BenchThread thread(state, kOpsPerIteration);
///     for (auto _ : thread) { ... }
///   }

#include <benchmark/benchmark.h>

#include <initializer_list>
#include <string_view>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/measure/alloc_count.hpp"
#include "claimbench/measure/counters.hpp"
#include "claimbench/measure/run_config.hpp"

namespace claimbench {

class BenchThread {
 public:
  /// Pins the calling thread to the PU the placement gives its thread_index and opens its
  /// counter group. `ops_per_iteration` says how many operations one loop iteration performs,
  /// so "per op" means the same in every benchmark.
  explicit BenchThread(benchmark::State& state, double ops_per_iteration = 1.0);
  /// Publishes counters (per iteration, summed over threads, and per thread as "t<i>/<name>"),
  /// the PU the thread was pinned to and the one it was last seen on, and items processed.
  ~BenchThread();
  BenchThread(const BenchThread&) = delete;
  BenchThread& operator=(const BenchThread&) = delete;

  /// Wraps Google Benchmark's iterator; the hot path is unchanged (the wrapper only acts when
  /// the loop ends). Counters are enabled after the start barrier and disabled after the loop,
  /// which includes Google Benchmark's stop barrier: at most one context switch per thread per
  /// run, under 1e-3 per op at the >= 1000 iterations a run has.
  class Iterator {
   public:
    BENCHMARK_ALWAYS_INLINE Iterator(benchmark::State::StateIterator inner, BenchThread* owner)
        : inner_(inner), owner_(owner) {}
    BENCHMARK_ALWAYS_INLINE benchmark::State::StateIterator::Value operator*() const {
      return *inner_;
    }
    BENCHMARK_ALWAYS_INLINE Iterator& operator++() {
      ++inner_;
      return *this;
    }
    BENCHMARK_ALWAYS_INLINE bool operator!=(const Iterator& other) {
      if (inner_ != other.inner_) return true;
      owner_->stop_counting();
      return false;
    }

   private:
    benchmark::State::StateIterator inner_;
    BenchThread* owner_;
  };

  Iterator begin() { return Iterator(state_.begin(), this); }
  Iterator end();

  /// The PU this thread was pinned to, -1 when running outside the runner.
  int pu() const { return pu_; }

 private:
  void stop_counting();

  benchmark::State& state_;
  double ops_per_iteration_;
  int pu_ = -1;
  CounterGroup group_;
  bool counting_ = false;
  std::vector<double> totals_;
  AllocCount allocs_at_start_;
  AllocCount allocs_at_stop_;
};

/// Pins a thread that a benchmark started itself (a channel's owner, a pool worker) to PU
/// `index` of the placement, wrapping around when the placement is shorter. Returns the PU, or
/// -1 when running outside the runner (then the thread is left unpinned).
int pin_extra_thread(std::size_t index);

/// Registers a thread sweep on a benchmark: 1, 2, 4, ... and the number of PUs this process
/// may use, all with real time (wall time decides throughput when threads run in parallel).
void sweep_threads(benchmark::internal::Benchmark* benchmark);

/// How many PUs this process may run on (its affinity mask).
int allowed_pus();

/// How many PUs the placement gives this run (pin_extra_thread wraps modulo this); outside the
/// runner, the affinity mask's count.
std::size_t placement_pus();

/// How many workers "N = cores" means in this run: the placement's PUs, at most one per core
/// (the spread placement lists distinct cores first). Outside the runner: the affinity mask.
int workers_for_cores();

/// The two counts above for a given run (the runner sizes a Go twin's PUs by them, go_pus).
std::size_t placement_pus(const RunConfig& config);
int workers_for_cores(const RunConfig& config);

/// One row of a family's variant table: the name after the family and the function to run.
struct Variant {
  const char* name;
  void (*run)(benchmark::State&);
};

/// Registers "<family>/<variant>" for every row, each set up by `configure` (thread counts,
/// real time; may be null), so a family is one table instead of copied registration rows:
///
///   const bool registered = claimbench::register_variants(
///       "BM_Once", {{"acquire", &BM_Once<AcquireLoad>}, {"mutex", &BM_Once<MutexForm>}},
///       one_and_two);
///
/// Google Benchmark then names them exactly as BENCHMARK(fn)->Name("BM_Once/acquire")->... did
/// ("BM_Once/acquire/real_time/threads:2"). Returns true, for use as a static initialiser.
bool register_variants(std::string_view family, std::initializer_list<Variant> variants,
                       void (*configure)(benchmark::internal::Benchmark*) = nullptr);

/// Declares the user counters a family publishes under its own name (state.counters["rss_bytes"])
/// so that claim files may name them as a metric, and a misspelt metric is an error when the
/// catalog loads rather than a NaN at the end of a run. Returns true, for a static initialiser:
///
///   const bool declared = claimbench::declare_counters("BM_IdleMemory", {"rss_bytes"});
///
/// Like Google Benchmark's own registry this is filled before main() and only read afterwards.
bool declare_counters(std::string_view family, std::initializer_list<std::string_view> counters);

/// What this binary registered: every benchmark's full name and every declared counter.
Registry built_registry();

}  // namespace claimbench
