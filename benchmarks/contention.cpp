// Contention on one cache line and one lock: CAS retry loops (claims/cas-loop.toml) and barging
// vs FIFO mutexes (claims/mutex-fairness.toml).
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3, x86-64),
// checked for each hot loop:
//  - BM_CasLoop/add: a 64-trip loop of `lock addq $0x1,g_counter(%rip)`, `sub`, `jne` (the
//    result of fetch_add is unused, so GCC emits LOCK ADD rather than LOCK XADD: the same locked
//    RMW), one per op, nothing hoisted.
//  - BM_CasLoop/cas: per op a plain `mov g_counter(%rip),%rax` (the load), `lea 0x1(%rax)`,
//    `lock cmpxchg`; the failure path bumps the failure count in a register and retries the
//    CMPXCHG with the value it left in %rax, without reloading.
//  - BM_CasLoop/cas-go: the same, except that the failure path jumps back to the plain `mov`
//    load (Go's loop reloads; CompareAndSwap returns only a bool).
//  - BM_MutexFairness/*: per iteration `rdtsc`; the lock (`call pthread_mutex_lock`, for the
//    ticket lock an inlined `lock xadd` and a `pause` loop polling now_serving, for gomutex an
//    inlined `lock cmpxchg` with lock_slow out of line); `rdtsc`; the critical section as four
//    SSE `paddq` load-add-stores over the protected line; the unlock (ticket: a plain store, then
//    the futex wake only if libstdc++'s waiter count is non-zero; gomutex: `lock subl`, a test,
//    unlock_slow out of line);
//    the histogram update (`bsr`, shift, `addq $0x1` to the bucket); then the outside work as a
//    32-trip `imul`+`add` loop on a register, not folded away.
#include <pthread.h>
#include <x86intrin.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

#include "analogues/go_mutex.hpp"
#include "analogues/log_histogram.hpp"
#include "analogues/ticket_lock.hpp"
#include "claimbench/measure/bench.hpp"

namespace {

constexpr std::size_t kMaxThreads = 256;

// ---------------------------------------------------------------------------------------------
// cas-loop: an increment by compare_exchange retry loop vs a hardware atomic add.

constexpr int kCasOpsPerIteration = 64;  // amortises the benchmark loop (~1 ns/iteration)

// One counter for every thread of a run: contention is the point. alignas(128): nothing else
// shares its line or the adjacent-line prefetch pair.
struct alignas(128) SharedCounter {
  std::atomic<std::int64_t> value{0};
};
SharedCounter g_counter;

// seq_cst everywhere, as Go's sync/atomic is; on x86 the RMWs are LOCK-prefixed either way and
// the load is a plain MOV, so the ordering changes nothing here (it would on ARM).
void BM_CasLoop_Add(benchmark::State& state) {
  claimbench::BenchThread thread(state, kCasOpsPerIteration);
  auto& counter = g_counter.value;
  for (auto _ : thread) {
    for (int i = 0; i < kCasOpsPerIteration; ++i)
      counter.fetch_add(1);
  }
}

// The C++ idiom: compare_exchange_weak writes the value it found into `old` on failure (LOCK
// CMPXCHG returns it in RAX for free), so a retry needs no separate load.
void BM_CasLoop_Cas(benchmark::State& state) {
  claimbench::BenchThread thread(state, kCasOpsPerIteration);
  auto& counter = g_counter.value;
  std::int64_t failures = 0;
  for (auto _ : thread) {
    for (int i = 0; i < kCasOpsPerIteration; ++i) {
      std::int64_t old = counter.load();
      while (!counter.compare_exchange_weak(old, old + 1))
        ++failures;
    }
  }
  state.counters["cas_failures"] =
      benchmark::Counter(static_cast<double>(failures), benchmark::Counter::kAvgIterations);
}

// The seed's Go loop: `old := n.Load(); if n.CompareAndSwap(old, old+1) { break }`. Go's
// CompareAndSwap returns only a bool, so every retry reloads: one more access to a line the
// other core may be about to take, i.e. a wider window for the next failure.
void BM_CasLoop_CasGo(benchmark::State& state) {
  claimbench::BenchThread thread(state, kCasOpsPerIteration);
  auto& counter = g_counter.value;
  std::int64_t failures = 0;
  for (auto _ : thread) {
    for (int i = 0; i < kCasOpsPerIteration; ++i) {
      for (;;) {
        std::int64_t old = counter.load();
        if (counter.compare_exchange_strong(old, old + 1)) break;
        ++failures;
      }
    }
  }
  state.counters["cas_failures"] =
      benchmark::Counter(static_cast<double>(failures), benchmark::Counter::kAvgIterations);
}

[[maybe_unused]] const bool cas_loops = claimbench::register_variants(
    "BM_CasLoop",
    {{"add", &BM_CasLoop_Add}, {"cas", &BM_CasLoop_Cas}, {"cas-go", &BM_CasLoop_CasGo}},
    claimbench::sweep_threads);

// ---------------------------------------------------------------------------------------------
// mutex-fairness: a barging mutex vs a FIFO ticket lock, throughput and acquire-wait tail.

// glibc's PTHREAD_MUTEX_ADAPTIVE_NP: tries the lock up to ~100 times (glibc.pthread.
// mutex_spin_count) with PAUSE before sleeping on the futex, and still lets a running thread
// barge past a woken one. That is Go's normal mode (spin briefly, park, no hand-off) more
// closely than std::mutex, which sleeps at the first failed CAS.
class AdaptiveMutex {
 public:
  AdaptiveMutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&mutex_, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~AdaptiveMutex() { pthread_mutex_destroy(&mutex_); }
  AdaptiveMutex(const AdaptiveMutex&) = delete;
  AdaptiveMutex& operator=(const AdaptiveMutex&) = delete;
  void lock() noexcept { pthread_mutex_lock(&mutex_); }
  void unlock() noexcept { pthread_mutex_unlock(&mutex_); }

 private:
  pthread_mutex_t mutex_;
};

// The data the lock protects: one line, updated in full by each critical section, so the
// section is short (8 adds) but moves the line between the cores like real shared state does.
struct alignas(64) Protected {
  std::array<std::int64_t, 8> words{};
};

// Outside work: a dependent chain of 32 multiply-adds (~4 cycles each, ~50 ns here), standing for
// the little a goroutine does between two critical sections. DoNotOptimize in the chain keeps
// GCC from folding the affine recurrence.
constexpr int kOutsideSteps = 32;
inline std::uint64_t outside_work(std::uint64_t x) {
  for (int i = 0; i < kOutsideSteps; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    benchmark::DoNotOptimize(x);
  }
  return x;
}

// One wait histogram per benchmark thread, written only by its thread inside the loop. After the
// loop every thread has passed Google Benchmark's stop barrier (a mutex and condition variable),
// so each may then read all of them to publish the pooled distribution. Static storage: the
// timed loop never allocates.
struct alignas(64) WaitLog {
  claimbench::LogHistogram waits;
};
std::array<WaitLog, kMaxThreads> g_wait_logs;

template <class Lock>
void BM_MutexFairness(benchmark::State& state) {
  // One op per iteration (one lock/unlock round), so counters per iteration are per op.
  claimbench::BenchThread thread(state, 1);
  const auto index = static_cast<std::size_t>(state.thread_index());
  if (index >= kMaxThreads) {
    state.SkipWithError("more threads than wait histograms (kMaxThreads)");
    // Runs no iteration, but passes Google Benchmark's barriers with the other threads.
    for (auto _ : thread) {
    }
    return;
  }
  static Lock lock;  // one per lock type, shared by the run's threads
  static Protected data;
  claimbench::LogHistogram& waits = g_wait_logs[index].waits;
  waits.clear();
  std::uint64_t local = index + 1;

  // The TSC ticks at a constant rate (constant_tsc, nonstop_tsc); the run's own steady_clock
  // span converts ticks to ns, so no separate calibration is needed. __rdtsc costs ~25 ns here
  // against ~65 ns for steady_clock::now() (vDSO through kvm-clock/TSC).
  const auto ns_start = std::chrono::steady_clock::now();
  const std::uint64_t tsc_start = __rdtsc();
  for (auto _ : thread) {
    const std::uint64_t before = __rdtsc();
    lock.lock();
    const std::uint64_t acquired = __rdtsc();
    for (auto& word : data.words)
      word += 1;
    lock.unlock();
    waits.record(acquired - before);
    local = outside_work(local);
  }
  const std::uint64_t tsc_stop = __rdtsc();
  const auto ns_stop = std::chrono::steady_clock::now();
  benchmark::DoNotOptimize(local);
  if (state.error_occurred()) return;

  const double span_ns = std::chrono::duration<double, std::nano>(ns_stop - ns_start).count();
  const double ns_per_tick = span_ns / static_cast<double>(tsc_stop - tsc_start);
  claimbench::LogHistogram pooled;
  const auto threads = std::min(static_cast<std::size_t>(state.threads()), kMaxThreads);
  for (std::size_t t = 0; t < threads; ++t)
    pooled.merge(g_wait_logs[t].waits);
  // Pooled over threads (every thread publishes the same value; kAvgThreads keeps it as is).
  auto publish = [&](const char* name, double ticks) {
    state.counters[name] = benchmark::Counter(ticks * ns_per_tick, benchmark::Counter::kAvgThreads);
  };
  publish("wait_p50_ns", pooled.percentile(0.50));
  publish("wait_p99_ns", pooled.percentile(0.99));
  publish("wait_p999_ns", pooled.percentile(0.999));
  publish("wait_max_ns", static_cast<double>(pooled.max()));
  // This thread's own tail: a barging lock can starve one thread while the other never waits.
  state.counters["t" + std::to_string(index) + "/wait_p999_ns"] =
      benchmark::Counter(waits.percentile(0.999) * ns_per_tick);
}

[[maybe_unused]] const bool fairness_locks =
    claimbench::register_variants("BM_MutexFairness",
                                  {
                                      {"std-mutex", &BM_MutexFairness<std::mutex>},
                                      {"adaptive-mutex", &BM_MutexFairness<AdaptiveMutex>},
                                      {"gomutex", &BM_MutexFairness<claimbench::go::GoMutex>},
                                      {"ticket", &BM_MutexFairness<claimbench::go::TicketLock>},
                                  },
                                  claimbench::sweep_threads);

// Counters claim files may name as a metric (bench.hpp: declare_counters).
[[maybe_unused]] const bool casloop_counters =
    claimbench::declare_counters("BM_CasLoop", {"cas_failures"});
[[maybe_unused]] const bool mutexfairness_counters =
    claimbench::declare_counters("BM_MutexFairness", {"wait_p999_ns"});

}  // namespace
