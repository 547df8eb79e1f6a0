// Per-worker run queues with stealing vs one global queue: claims/local-run-queues.toml.
//
// BM_RunQueues: N workers running tiny tasks that spawn tasks, from one mutex-protected deque
// (GlobalQueuePool) vs Go-style per-worker rings with steal-half (WorkStealingPool).
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3, x86-64),
// checked for each hot loop:
//  - tiny_work: inlined into every task function, fully unrolled: 8 dependent rounds of
//    `imul` + `shr` + `add` on the task argument (nothing to fold at compile time), the result
//    left live in a register by DoNotOptimize; ~40 cycles of arithmetic per task, as intended.
//  - The pool benchmarks time queue operations (locked deque push/pop, ring push/pop with the
//    `lock cmpxchg` on head, channel send/recv under its mutex) around tasks called through a
//    function pointer: nothing the compiler could hoist or merge.
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "analogues/work_stealing_pool.hpp"
#include "claimbench/measure/bench.hpp"
#include "tasks.hpp"

namespace {

using claimbench::workers_for_cores;
using claimbench::tasks::pin_worker;
using claimbench::tasks::tiny_work;
using std::uint64_t;

// ------------------------------------------------------------------------------------------
// BM_RunQueues: spawning tasks from inside workers
//
// The benchmark thread only seeds: per iteration it hands 4 "spawner" tasks per worker to the
// pool and waits. Each spawner, running on a worker, does its tiny work, spawns one leaf task
// and then re-spawns itself, until its count runs out (a goroutine that keeps starting
// goroutines). So after the first few tasks every task is submitted by a worker and taken by a
// worker: the time is the scheduler's (push, pop, steal, or the global lock), not the seeding
// thread's. A spawner leaves at most two tasks queued behind it, so the 256-slot rings do not
// overflow (Go's runnext would keep them shorter still); stealing moves whole spawners between
// workers when one runs dry.

constexpr int kSpawnersPerWorker = 4;
// Tasks per worker per iteration: enough that waking the workers at the start of an iteration
// and parking them at the end (futex round trips, tens of µs) stay a small share of it.
constexpr uint64_t kTasksPerWorker = 1 << 15;

template <class Pool>
struct Spawner {
  Pool* pool = nullptr;
  uint64_t left = 0;  // written by the one task holding this spawner, or by the seeder between
                      // iterations (the pool's queue / wait_idle order those accesses)
};

template <class Pool>
void leaf_task(void* arg) {
  tiny_work(reinterpret_cast<std::uintptr_t>(arg));  // the pointer's value only: no shared read
}

template <class Pool>
void spawner_task(void* arg) {
  auto* s = static_cast<Spawner<Pool>*>(arg);
  tiny_work(reinterpret_cast<std::uintptr_t>(arg) + s->left);
  if (s->left == 0) return;
  --s->left;
  s->pool->submit(&leaf_task<Pool>, arg);
  s->pool->submit(&spawner_task<Pool>, arg);  // after the last use of *s
}

template <class Pool>
constexpr bool kIsStealing = std::is_same_v<Pool, claimbench::go::WorkStealingPool>;

// kWorkers == 0: one worker per core of the placement ("N = cores"), whatever the machine has;
// kWorkers == 1: a single worker, where neither design contends (the queue operations alone).
template <class Pool, int kWorkers>
void BM_RunQueues(benchmark::State& state) {
  const int workers = kWorkers == 0 ? workers_for_cores() : kWorkers;
  const int spawners = kSpawnersPerWorker * workers;
  // A spawner with count c runs 2c + 1 tasks (c + 1 times itself, c leaves).
  const uint64_t count = kTasksPerWorker / (2 * kSpawnersPerWorker);
  const uint64_t tasks = static_cast<uint64_t>(spawners) * (2 * count + 1);
  Pool pool(workers, pin_worker);
  std::vector<Spawner<Pool>> seeds(static_cast<std::size_t>(spawners));
  claimbench::go::WorkStealingPool::Stats before;
  if constexpr (kIsStealing<Pool>) before = pool.stats();
  claimbench::BenchThread thread(state, static_cast<double>(tasks));
  for (auto _ : thread) {
    for (auto& s : seeds) {
      s.pool = &pool;
      s.left = count;
    }
    for (auto& s : seeds)
      pool.submit(&spawner_task<Pool>, &s);
    pool.wait_idle();
  }
  state.counters["workers"] = workers;
  if constexpr (kIsStealing<Pool>) {
    const auto after = pool.stats();
    // Per iteration here; the harness divides by tasks per iteration (per op).
    const auto per_iteration = [](std::uint64_t total) {
      return benchmark::Counter(static_cast<double>(total), benchmark::Counter::kAvgIterations);
    };
    state.counters["steals"] = per_iteration(after.steals - before.steals);
    state.counters["stolen_tasks"] = per_iteration(after.stolen_tasks - before.stolen_tasks);
    state.counters["overflows"] = per_iteration(after.overflows - before.overflows);
  }
}

using claimbench::go::GlobalQueuePool;
using claimbench::go::WorkStealingPool;
BENCHMARK_TEMPLATE2(BM_RunQueues, GlobalQueuePool, 0)
    ->Name("BM_RunQueues/global/cores")
    ->UseRealTime();
BENCHMARK_TEMPLATE2(BM_RunQueues, WorkStealingPool, 0)
    ->Name("BM_RunQueues/steal/cores")
    ->UseRealTime();
BENCHMARK_TEMPLATE2(BM_RunQueues, GlobalQueuePool, 1)
    ->Name("BM_RunQueues/global/one-worker")
    ->UseRealTime();
BENCHMARK_TEMPLATE2(BM_RunQueues, WorkStealingPool, 1)
    ->Name("BM_RunQueues/steal/one-worker")
    ->UseRealTime();

}  // namespace
