// More runnable threads than PUs: claims/oversubscription.toml (BM_Oversubscription).
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3, x86-64),
// checked for the hot loop:
//  - BM_Oversubscription worker: 1024 × (shl/xor, shr/xor, shl/xor) on one register, scalar,
//    not unrolled away or vectorised; after each unit a plain store of the unit count to the
//    worker's own line and a reload of `stop`.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "claimbench/measure/bench.hpp"
#include "claimbench/measure/run_config.hpp"

namespace {

using claimbench::placement_pus;

// BM_Oversubscription: k, 4k or 16k CPU-bound threads, always runnable, on the k PUs of the
// placement; throughput in steady state.

// One unit of work: a dependent xorshift chain, 1-4 µs. No memory traffic, nothing to
// vectorise, no closed form, so the compiler has to run every step.
constexpr int kStepsPerUnit = 1024;
// Each iteration the coordinating thread sleeps this long while the workers run, then reads how
// many units they finished. The workers never stop in between, so every interval sees the
// steady state of 1, 4 or 16 runnable threads per PU (a Go program's Ms, each busy running a
// P). Long, because each wake-up of the coordinator preempts the worker on its PU: one
// involuntary switch per interval in every variant, 10/s, against the ~50-250/s per PU that
// time slicing causes at 16 threads per PU.
constexpr auto kInterval = std::chrono::milliseconds(100);
// Units one PU finishes in kInterval on a fast core (~1.5 µs a unit). It only scales the manual
// time Google Benchmark uses to choose its iteration count (at least 1 iteration of 100 ms is
// enough); ns/op is measured time over units actually done.
constexpr double kNominalUnitsPerPu = 65536;

[[gnu::always_inline]] inline std::uint64_t work_unit(std::uint64_t x) {
  for (int i = 0; i < kStepsPerUnit; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

struct Switches {
  double voluntary = 0;
  double involuntary = 0;
};

Switches switches_of(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return {static_cast<double>(usage.ru_nvcsw), static_cast<double>(usage.ru_nivcsw)};
}

struct alignas(64) WorkerProgress {  // a line per worker: the counters must not false-share
  std::atomic<std::uint64_t> units{0};
  std::uint64_t sink = 0;
};

std::uint64_t units_done(const std::vector<WorkerProgress>& progress) {
  std::uint64_t sum = 0;
  for (const auto& worker : progress)
    sum += worker.units.load(std::memory_order_relaxed);
  return sum;
}

void BM_Oversubscription(benchmark::State& state) {
  const std::size_t pus = placement_pus();
  const std::size_t workers = pus * static_cast<std::size_t>(state.range(0));
  const double nominal_units = kNominalUnitsPerPu * static_cast<double>(pus);
  claimbench::BenchThread thread(state, nominal_units);

  std::atomic<bool> stop{false};
  std::vector<WorkerProgress> progress(workers);
  std::vector<std::thread> pool;
  pool.reserve(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    pool.emplace_back([&stop, &progress, w] {
      claimbench::pin_extra_thread(w);  // wraps: worker w shares PU w mod k
      WorkerProgress& mine = progress[w];
      std::uint64_t x = 0x9e3779b97f4a7c15ull + w;
      std::uint64_t units = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        x = work_unit(x);
        mine.units.store(++units, std::memory_order_relaxed);  // single writer: no RMW
      }
      mine.sink = x;
    });
  }
  // Steady state first: every worker has run (at 16 per PU the last may wait several slices).
  auto all_started = [&] {
    for (const auto& worker : progress) {
      if (worker.units.load(std::memory_order_relaxed) == 0) return false;
    }
    return true;
  };
  while (!all_started())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));

  double units_total = 0;
  double seconds_total = 0;
  const Switches process_before = switches_of(RUSAGE_SELF);
  const Switches self_before = switches_of(RUSAGE_THREAD);
  auto last_time = std::chrono::steady_clock::now();
  std::uint64_t last_units = units_done(progress);
  for (auto _ : thread) {
    std::this_thread::sleep_for(kInterval);
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t units = units_done(progress);
    const double seconds = std::chrono::duration<double>(now - last_time).count();
    const double done = static_cast<double>(units - last_units);
    // Time for nominal_units at the measured rate: ns/op = time / units actually done.
    state.SetIterationTime(done > 0 ? seconds * nominal_units / done : seconds);
    units_total += done;
    seconds_total += seconds;
    last_time = now;
    last_units = units;
  }
  const Switches process_after = switches_of(RUSAGE_SELF);
  const Switches self_after = switches_of(RUSAGE_THREAD);
  stop.store(true, std::memory_order_relaxed);
  for (auto& worker : pool)
    worker.join();

  // The workers' switches during the timed loop: the process's minus this thread's own (it
  // wakes once per interval). Its wake-ups preempt the worker on its PU: one per interval in
  // every variant, 10/s.
  const double voluntary = (process_after.voluntary - process_before.voluntary) -
                           (self_after.voluntary - self_before.voluntary);
  const double involuntary = (process_after.involuntary - process_before.involuntary) -
                             (self_after.involuntary - self_before.involuntary);
  // Scaled so that the harness's division by nominal units per iteration gives switches per
  // unit of work actually done.
  const double per_nominal =
      units_total > 0 ? nominal_units * static_cast<double>(state.iterations()) / units_total : 0.0;
  state.counters["context_switches"] = benchmark::Counter((voluntary + involuntary) * per_nominal,
                                                          benchmark::Counter::kAvgIterations);
  state.counters["involuntary_switches"] =
      benchmark::Counter(involuntary * per_nominal, benchmark::Counter::kAvgIterations);
  // Per second of wall time, as a plain value (a check would divide it by ops; none does).
  state.counters["context_switches_per_s"] =
      benchmark::Counter(seconds_total > 0 ? (voluntary + involuntary) / seconds_total : 0.0);
  state.counters["workers"] = benchmark::Counter(static_cast<double>(workers));
}

// threads_per_pu 1, 4, 16: k, 4k and 16k threads for the k PUs of the placement.
BENCHMARK(BM_Oversubscription)
    ->Name("BM_Oversubscription")
    ->ArgName("threads_per_pu")
    ->Arg(1)
    ->Arg(4)
    ->Arg(16)
    ->UseManualTime();

// Counters claim files may name as a metric (bench.hpp: declare_counters).
[[maybe_unused]] const bool oversubscription_counters =
    claimbench::declare_counters("BM_Oversubscription", {"context_switches"});

}  // namespace
