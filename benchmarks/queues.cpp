// Concurrent maps and task queues: claims/sync-map.toml, claims/local-run-queues.toml,
// claims/worker-pool.toml.
//
//  - BM_SyncMap: Go's sync.Map (analogues/sync_map.hpp) against std::unordered_map behind one
//    std::mutex, behind one std::shared_mutex (read-heavy workloads only), and split into 16
//    shards (map + mutex each), on four workloads: read-mostly (1 store per 1000 ops), disjoint
//    keys per thread (half stores), churn on one fixed set of 64 keys (store / load / erase), and
//    churn-new (each thread inserts fresh keys and erases old ones: a sliding window, the key-set
//    churn that makes sync.Map's dirty map get rebuilt and promoted over and over).
//  - BM_RunQueues: N workers running tiny tasks that spawn tasks, from one mutex-protected deque
//    (GlobalQueuePool) vs Go-style per-worker rings with steal-half (WorkStealingPool).
//  - BM_WorkerPool: 10k tiny tasks as a std::thread each vs a fixed pool of N workers ranging
//    over one Go-style jobs channel (spin-then-park, and park-at-once as plain OS threads would),
//    plus the Go-shaped alternative: one task spawning 10k tasks onto the work-stealing
//    scheduler (what `go f(item)` per item does, minus the goroutine's own setup).
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3, x86-64),
// checked for each hot loop:
//  - tiny_work: inlined into every task function, fully unrolled: 8 dependent rounds of
//    `imul` + `shr` + `add` on the task argument (nothing to fold at compile time), the result
//    left live in a register by DoNotOptimize; ~40 cycles of arithmetic per task, as intended.
//  - BM_SyncMap loops: every operation runs inside the loop. Mutex maps: pthread_mutex_lock, an
//    inlined bucket search (`div` by the prime bucket count), pthread_mutex_unlock, per load.
//    SyncMap read-mostly: load inlined as the epoch announcement `xchg`, a call to the read
//    map's find, the box load; the 1-in-1000 store is a call to SyncMap::store. Disjoint / churn:
//    calls to SyncMap::store / load / erase. The loaded value and the found flag reach
//    DoNotOptimize, so no lookup is dropped or hoisted out of the loop.
//  - The pool benchmarks time queue operations (locked deque push/pop, ring push/pop with the
//    `lock cmpxchg` on head, channel send/recv under its mutex) around tasks called through a
//    function pointer: nothing the compiler could hoist or merge.
#include <sched.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "analogues/channel.hpp"
#include "analogues/sync_map.hpp"
#include "analogues/work_stealing_pool.hpp"
#include "claimbench/bench.hpp"

namespace {

using std::uint64_t;

// ------------------------------------------------------------------------------------------
// Shared helpers

struct Rng {  // xorshift64*: per thread, ~1 ns, the same cost for every map
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull | 1) {}
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1Dull;
  }
};

// Key i of a workload. std::hash<uint64_t> is the identity and unordered_map takes it modulo a
// prime, so keys 0..n-1 in one map land one per bucket: every lookup hits the first node and its
// branches are perfectly predictable, while the same keys split over 16 shards collide at random
// (measured: 1.7 vs 13 ns per lookup, no locks). Go seeds and hashes every map's keys, so no Go
// map gets the lucky layout. Scrambling the keys (splitmix64's bijective finalizer) gives every
// map here the random bucket layout Go's maps have.
inline uint64_t key_of(uint64_t i) {
  i = (i ^ (i >> 30)) * 0xBF58476D1CE4E5B9ull;
  i = (i ^ (i >> 27)) * 0x94D049BB133111EBull;
  return i ^ (i >> 31);
}

// "A few ns of arithmetic": 8 dependent multiply-shift rounds (~30 cycles, ~10 ns). The seed is
// the task's argument, so nothing can be computed ahead.
inline void tiny_work(uint64_t x) {
  for (int i = 0; i < 8; ++i)
    x = x * 0x9E3779B97F4A7C15ull + (x >> 29);
  benchmark::DoNotOptimize(x);
}

// How many workers "N = cores" means in this run: the placement's PUs, at most one per core
// (the spread placement lists distinct cores first). Outside the runner: the affinity mask.
int workers_for_cores() {
  const claimbench::RunConfig* config = claimbench::active_run_config();
  if (config == nullptr || config->pus.empty()) return claimbench::allowed_pus();
  int n = static_cast<int>(config->pus.size());
  if (config->topology != nullptr) n = std::min(n, static_cast<int>(config->topology->cores()));
  return std::max(n, 1);
}

void pin_worker(int index) {
  claimbench::pin_extra_thread(static_cast<std::size_t>(index));
}

// ------------------------------------------------------------------------------------------
// BM_SyncMap: four maps behind one interface (load / store / erase of uint64 -> uint64)

class SyncMapAdapter {
 public:
  bool load(uint64_t k, uint64_t& v) const {
    const auto got = map_.load(k);
    if (!got) return false;
    v = *got;
    return true;
  }
  void store(uint64_t k, uint64_t v) { map_.store(k, v); }
  void erase(uint64_t k) { map_.erase(k); }
  // After prefilling, every key sits in the dirty map; Range promotes it to the read-only
  // snapshot, the state a long-running sync.Map reaches once its keys are stable.
  void settle() {
    map_.range([](const uint64_t&, const uint64_t&) {});
  }

 private:
  claimbench::go::SyncMap<uint64_t, uint64_t> map_;
};

// A map behind one lock. ReadLock decides how loads take it: exclusively (std::mutex, Go's
// map + sync.Mutex) or shared (std::shared_mutex, Go's map + sync.RWMutex with RLock for loads).
template <class Mutex, template <class> class ReadLock>
class LockedMap {
 public:
  bool load(uint64_t k, uint64_t& v) const {
    ReadLock<Mutex> lk(mu_);
    const auto it = map_.find(k);
    if (it == map_.end()) return false;
    v = it->second;
    return true;
  }
  void store(uint64_t k, uint64_t v) {
    std::unique_lock lk(mu_);
    map_.insert_or_assign(k, v);
  }
  void erase(uint64_t k) {
    std::unique_lock lk(mu_);
    map_.erase(k);
  }
  void settle() {}

 private:
  mutable Mutex mu_;
  std::unordered_map<uint64_t, uint64_t> map_;
};
using MutexMap = LockedMap<std::mutex, std::lock_guard>;
using SharedMutexMap = LockedMap<std::shared_mutex, std::shared_lock>;

// The seed's "sane default": 16 independent map+mutex shards, each on its own cache lines so
// two threads in different shards share nothing.
class ShardedMap {
 public:
  static constexpr int kShards = 16;

  bool load(uint64_t k, uint64_t& v) const { return shard(k).load(k, v); }
  void store(uint64_t k, uint64_t v) { shard(k).store(k, v); }
  void erase(uint64_t k) { shard(k).erase(k); }
  void settle() {}

 private:
  struct alignas(64) Shard : MutexMap {};
  static_assert(alignof(Shard) == 64);

  // Top bits of a multiplicative hash: independent of the key modulo the bucket count that picks
  // the bucket inside a shard, so each shard's buckets are used evenly.
  static std::size_t index(uint64_t k) { return (k * 0x9E3779B97F4A7C15ull) >> 60; }
  const Shard& shard(uint64_t k) const { return shards_[index(k)]; }
  Shard& shard(uint64_t k) { return shards_[index(k)]; }

  std::array<Shard, kShards> shards_;
};

constexpr int kMaxMapThreads = 64;

struct alignas(64) PerThread {
  uint64_t next = 0;  // churn-new: the next fresh key's sequence number
};

// One map per (workload, map type), shared by all threads of a run; built by Setup (thread 0,
// before the threads start) and dropped by Teardown.
template <class Workload, class Map>
struct Shared {
  static inline std::unique_ptr<Map> map;
  static inline std::array<PerThread, kMaxMapThreads> per_thread;

  static void setup(const benchmark::State& state) {
    map = std::make_unique<Map>();
    for (int t = 0; t < std::min(state.threads(), kMaxMapThreads); ++t) {
      per_thread[static_cast<std::size_t>(t)].next = Workload::prefill(*map, t);
    }
    map->settle();
  }
  static void teardown(const benchmark::State&) { map.reset(); }
};

// Write once, then read: 1024 keys stored before timing; then 999 loads of random keys and one
// overwrite of a random key per 1000 ops (the 0.1% writes of a config or memo cache).
struct ReadMostly {
  static constexpr int kOps = 1000;
  static constexpr uint64_t kKeys = 1024;
  static uint64_t prefill(auto& map, int thread) {
    if (thread == 0) {
      for (uint64_t k = 0; k < kKeys; ++k)
        map.store(key_of(k), k);
    }
    return 0;
  }
  static void run(auto& map, Rng& rng, PerThread&, int) {
    uint64_t v = 0;
    for (int i = 0; i < kOps - 1; ++i) {
      const bool found = map.load(key_of(rng.next() % kKeys), v);
      benchmark::DoNotOptimize(found);
      benchmark::DoNotOptimize(v);
    }
    map.store(key_of(rng.next() % kKeys), v);
  }
};

// Disjoint keys: each thread owns 256 keys and alternates overwriting and loading them (Go's
// second documented sync.Map case). Keys exist before timing, so no thread ever adds one.
struct Disjoint {
  static constexpr int kOps = 64;
  static constexpr uint64_t kKeysPerThread = 256;
  static uint64_t prefill(auto& map, int thread) {
    for (uint64_t i = 0; i < kKeysPerThread; ++i)
      map.store(key_of(base(thread) + i), i);
    return 0;
  }
  static void run(auto& map, Rng& rng, PerThread&, int thread) {
    const uint64_t b = base(thread);
    uint64_t v = 0;
    for (int i = 0; i < kOps / 2; ++i) {
      map.store(key_of(b + rng.next() % kKeysPerThread), v + 1);
      const bool found = map.load(key_of(b + rng.next() % kKeysPerThread), v);
      benchmark::DoNotOptimize(found);
      benchmark::DoNotOptimize(v);
    }
  }
  static uint64_t base(int thread) { return static_cast<uint64_t>(thread) << 32; }
};

// Churn on the same keys: every thread stores, loads and erases random keys of ONE shared set
// of 64 keys (a third of the ops each), so the map stays about half full.
struct Churn {
  static constexpr int kOps = 96;
  static constexpr uint64_t kKeys = 64;
  static uint64_t prefill(auto& map, int thread) {
    if (thread == 0) {
      for (uint64_t k = 0; k < kKeys; ++k)
        map.store(key_of(k), k);
    }
    return 0;
  }
  static void run(auto& map, Rng& rng, PerThread&, int) {
    uint64_t v = 0;
    for (int i = 0; i < kOps / 3; ++i) {
      map.store(key_of(rng.next() % kKeys), v + 1);
      const bool found = map.load(key_of(rng.next() % kKeys), v);
      benchmark::DoNotOptimize(found);
      benchmark::DoNotOptimize(v);
      map.erase(key_of(rng.next() % kKeys));
    }
  }
};

// Churn of the key set: each thread keeps a window of 64 live keys of its own, and per step
// inserts a fresh key, loads one of the 16 newest and erases the oldest (sessions, connections,
// in-flight request ids). New keys are what send sync.Map through its dirty map: misses,
// promotion, and an O(n) copy of the read map at the first new key after each promotion.
struct ChurnNew {
  static constexpr int kOps = 96;
  static constexpr uint64_t kWindow = 64;
  static uint64_t prefill(auto& map, int thread) {
    for (uint64_t i = 0; i < kWindow; ++i)
      map.store(key_of(Disjoint::base(thread) + i), i);
    return kWindow;
  }
  static void run(auto& map, Rng& rng, PerThread& mine, int thread) {
    const uint64_t b = Disjoint::base(thread);
    uint64_t n = mine.next;
    uint64_t v = 0;
    for (int i = 0; i < kOps / 3; ++i, ++n) {
      map.store(key_of(b + n), n);
      const bool found = map.load(key_of(b + n - 1 - rng.next() % 16), v);
      benchmark::DoNotOptimize(found);
      benchmark::DoNotOptimize(v);
      map.erase(key_of(b + n - kWindow));
    }
    mine.next = n;
  }
};

template <class Workload, class Map>
void BM_SyncMap(benchmark::State& state) {
  using S = Shared<Workload, Map>;
  const int t = state.thread_index();
  if (t >= kMaxMapThreads) {
    state.SkipWithError("more threads than the benchmark's per-thread slots");
    return;
  }
  claimbench::BenchThread thread(state, Workload::kOps);
  Map& map = *S::map;  // built in Setup, before any benchmark thread started
  PerThread& mine = S::per_thread[static_cast<std::size_t>(t)];
  Rng rng(static_cast<uint64_t>(t) + 1);
  for (auto _ : thread) {
    Workload::run(map, rng, mine, t);
  }
}

template <class Workload, class Map>
void configure_sync_map(benchmark::internal::Benchmark* b) {
  b->Setup(Shared<Workload, Map>::setup)
      ->Teardown(Shared<Workload, Map>::teardown)
      ->Threads(1)
      ->Threads(2)
      ->UseRealTime();
}

// BM_SyncMap/<workload>/<map>/real_time/threads:{1,2}. The shared_mutex map only where reads
// dominate (read-mostly, disjoint: the seed's RWMutex-or-sync.Map question); on the churn
// workloads every op but the loads takes it exclusively, a slower copy of the mutex map.
#define CLAIMBENCH_SYNC_MAP(W, M, NAME) \
  BENCHMARK_TEMPLATE2(BM_SyncMap, W, M)->Name("BM_SyncMap/" NAME)->Apply(configure_sync_map<W, M>)

CLAIMBENCH_SYNC_MAP(ReadMostly, SyncMapAdapter, "read-mostly/syncmap");
CLAIMBENCH_SYNC_MAP(ReadMostly, MutexMap, "read-mostly/mutex");
CLAIMBENCH_SYNC_MAP(ReadMostly, SharedMutexMap, "read-mostly/shared-mutex");
CLAIMBENCH_SYNC_MAP(ReadMostly, ShardedMap, "read-mostly/sharded16");
CLAIMBENCH_SYNC_MAP(Disjoint, SyncMapAdapter, "disjoint/syncmap");
CLAIMBENCH_SYNC_MAP(Disjoint, MutexMap, "disjoint/mutex");
CLAIMBENCH_SYNC_MAP(Disjoint, SharedMutexMap, "disjoint/shared-mutex");
CLAIMBENCH_SYNC_MAP(Disjoint, ShardedMap, "disjoint/sharded16");
CLAIMBENCH_SYNC_MAP(Churn, SyncMapAdapter, "churn/syncmap");
CLAIMBENCH_SYNC_MAP(Churn, MutexMap, "churn/mutex");
CLAIMBENCH_SYNC_MAP(Churn, ShardedMap, "churn/sharded16");
CLAIMBENCH_SYNC_MAP(ChurnNew, SyncMapAdapter, "churn-new/syncmap");
CLAIMBENCH_SYNC_MAP(ChurnNew, MutexMap, "churn-new/mutex");
CLAIMBENCH_SYNC_MAP(ChurnNew, ShardedMap, "churn-new/sharded16");

#undef CLAIMBENCH_SYNC_MAP

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

// ------------------------------------------------------------------------------------------
// BM_WorkerPool: 10k tiny tasks

constexpr int kPoolTasks = 10'000;

void tiny_task(void* arg) {
  tiny_work(reinterpret_cast<std::uintptr_t>(arg));
}

// Go: `for _, it := range items { go process(it) }; wg.Wait()` with OS threads: every task gets
// a std::thread (clone, stack mapping, exit), all started before any is joined.
//
// The benchmark thread is pinned to one PU and new threads inherit its affinity, which would
// squeeze every task thread onto that PU while the pool gets N. So for this benchmark the
// benchmark thread's mask is widened to the same N PUs the pool's workers use (one syscall
// before timing); the task threads inherit it for free.
void BM_WorkerPool_ThreadPerTask(benchmark::State& state) {
  const int n = workers_for_cores();
  claimbench::BenchThread thread(state, kPoolTasks);
  const claimbench::RunConfig* config = claimbench::active_run_config();
  if (config != nullptr && !config->pus.empty()) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < n; ++i)
      CPU_SET(config->pus[static_cast<std::size_t>(i) % config->pus.size()], &set);
    sched_setaffinity(0, sizeof set, &set);
  }
  std::vector<std::thread> threads;
  threads.reserve(kPoolTasks);
  for (auto _ : thread) {
    for (int i = 0; i < kPoolTasks; ++i)
      threads.emplace_back(tiny_task, reinterpret_cast<void*>(static_cast<std::uintptr_t>(i)));
    for (auto& t : threads)
      t.join();
    threads.clear();
  }
  state.counters["workers"] = n;
  if (thread.pu() >= 0) claimbench::pin_extra_thread(0);  // back to its own PU (PU 0 of the run)
}

// Go's worker pool as the seed writes it (002 Q17): N goroutines ranging over one buffered jobs
// channel, completion counted down like a WaitGroup, the coordinator told through a done
// channel. The channel is claimbench::go::Channel: Go's hchan design (one lock, FIFO waiter
// queues, direct hand-off to a parked receiver). WaitPolicy::spin_then_park waits as goroutines
// do (spin briefly, then park); WaitPolicy::block parks on a futex at once, as plain OS threads
// on a condition variable would. Workers live across iterations and are pinned one per PU.
class ChannelPool {
 public:
  // Buffered for the whole batch, as in the usual form `jobs := make(chan Job, len(items))`: the
  // producer never blocks, so it does not sit on a PU a worker needs while the batch drains.
  static constexpr std::size_t kJobsBuffer = kPoolTasks;

  ChannelPool(int workers, claimbench::go::WaitPolicy policy)
      : jobs_(kJobsBuffer, policy), done_(1, policy) {
    threads_.reserve(static_cast<std::size_t>(workers));
    for (int i = 0; i < workers; ++i) {
      threads_.emplace_back([this, i] {
        pin_worker(i);
        while (const auto task = jobs_.recv()) {  // `for j := range jobs`
          task->run();
          if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) done_.send(true);
        }
      });
    }
  }
  ChannelPool(const ChannelPool&) = delete;
  ChannelPool& operator=(const ChannelPool&) = delete;
  ~ChannelPool() {
    jobs_.close();
    for (auto& t : threads_)
      t.join();
  }

  // The calling thread is the producer: it sends every task, then waits for the last to finish.
  void run_batch(int tasks) {
    remaining_.store(tasks, std::memory_order_relaxed);  // ordered before any recv by the lock
    for (int i = 0; i < tasks; ++i)
      jobs_.send({&tiny_task, reinterpret_cast<void*>(static_cast<std::uintptr_t>(i))});
    done_.recv();
  }

 private:
  claimbench::go::Channel<claimbench::go::Task> jobs_;
  claimbench::go::Channel<bool> done_;
  alignas(64) std::atomic<int> remaining_{0};
  std::vector<std::thread> threads_;
};

template <claimbench::go::WaitPolicy kPolicy>
void BM_WorkerPool_Pool(benchmark::State& state) {
  const int n = workers_for_cores();
  ChannelPool pool(n, kPolicy);
  claimbench::BenchThread thread(state, kPoolTasks);
  for (auto _ : thread) {
    pool.run_batch(kPoolTasks);
  }
  state.counters["workers"] = n;
}

// go-spawn: a producer task on the Go-style work-stealing scheduler submits the 10k tasks, each
// a new entry on its own worker's ring, spilling to the global queue and stolen by the others:
// `go process(it)` per item from a goroutine, without the cost of creating the goroutine itself.
struct Producer {
  WorkStealingPool* pool = nullptr;
};

void producer_task(void* arg) {
  WorkStealingPool* pool = static_cast<Producer*>(arg)->pool;
  for (int i = 0; i < kPoolTasks; ++i)
    pool->submit(&tiny_task, reinterpret_cast<void*>(static_cast<std::uintptr_t>(i)));
}

void BM_WorkerPool_GoSpawn(benchmark::State& state) {
  const int n = workers_for_cores();
  WorkStealingPool pool(n, pin_worker);
  Producer producer{&pool};
  claimbench::BenchThread thread(state, kPoolTasks);
  for (auto _ : thread) {
    pool.submit(&producer_task, &producer);
    pool.wait_idle();
  }
  state.counters["workers"] = n;
}

BENCHMARK(BM_WorkerPool_ThreadPerTask)->Name("BM_WorkerPool/thread-per-task")->UseRealTime();
BENCHMARK_TEMPLATE(BM_WorkerPool_Pool, claimbench::go::WaitPolicy::spin_then_park)
    ->Name("BM_WorkerPool/pool")
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_WorkerPool_Pool, claimbench::go::WaitPolicy::block)
    ->Name("BM_WorkerPool/pool-os-block")
    ->UseRealTime();
BENCHMARK(BM_WorkerPool_GoSpawn)->Name("BM_WorkerPool/go-spawn")->UseRealTime();

}  // namespace
