// A fixed worker pool vs a thread per task: claims/worker-pool.toml.
//
// BM_WorkerPool: 10k tiny tasks as a std::thread each vs a fixed pool of N workers ranging
// over one Go-style jobs channel (spin-then-park, and park-at-once as plain OS threads would),
// plus the Go-shaped alternative: one task spawning 10k tasks onto the work-stealing
// scheduler (what `go f(item)` per item does, minus the goroutine's own setup).
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3, x86-64),
// checked for each hot loop:
//  - tiny_work: inlined into every task function, fully unrolled: 8 dependent rounds of
//    `imul` + `shr` + `add` on the task argument (nothing to fold at compile time), the result
//    left live in a register by DoNotOptimize; ~40 cycles of arithmetic per task, as intended.
//  - The pool benchmarks time queue operations (locked deque push/pop, ring push/pop with the
//    `lock cmpxchg` on head, channel send/recv under its mutex) around tasks called through a
//    function pointer: nothing the compiler could hoist or merge.
//  - fiber-per-task: the producer's loop (goroutine_producer_task, 10000 = 0x2710 per batch):
//    the GFree pop (TLS vector back/pop_back; the refill from the global list out of line),
//    `call make_fcontext` on that block, `call jump_fcontext` (Boost's set-up switch into the
//    new fiber and back), then the submit (its local-ring push; the global queue's
//    pthread_mutex_lock only on overflow). Per task on a worker (run_goroutine): `call
//    jump_fcontext` into the fiber (tiny_work runs there) and `call ontop_fcontext` as it
//    returns, which frees the block onto that worker's GFree list.
//  - goroutine-pool: the producer's Channel::send is inlined: `lock cmpxchg` (SpinParkMutex),
//    the receiver-queue test, the ring write, `lock subl $0x1` (unlock); the futex/ready paths
//    are out of line and taken only when a worker is parked. One send per task.
#include <sched.h>

#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <thread>
#include <utility>
#include <vector>

#include "analogues/channel.hpp"
#include "analogues/go_sched.hpp"
#include "analogues/work_stealing_pool.hpp"
#include "claimbench/measure/bench.hpp"
#include "tasks.hpp"

namespace {

using claimbench::workers_for_cores;
using claimbench::go::WorkStealingPool;
using claimbench::tasks::pin_worker;
using claimbench::tasks::tiny_work;
using std::uint64_t;

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

// fiber-per-task: `go process(it)` per item with the goroutine's own start cost. As Go's
// newproc does, the producer makes each goroutine when it spawns it: a dead g and its stack from
// its P's free list (gfget), the fiber set up on that stack, and only then queued (runqput) to
// the work-stealing scheduler; a worker that takes it switches to it, runs it to its end and
// puts the g on its own P's free list (goexit -> gfput). So, as in Go, a producer that outruns
// the workers holds thousands of goroutines alive at once (10k stacks when one P makes them
// all), each first touched by the producer and then by a worker, not one hot stack per worker.
// Until 0.2.0 the fiber was made by the worker when it ran the task: one stack per worker, always
// in L1, 48 ns per task against Go's 220-630 at two Ps. The free lists are balanced as Go's:
// GFree below. A block is 4 KiB (the fiber handle, then the stack) rather than Go's 2 KiB stack
// plus a ~400-byte g: a fiber cannot grow its stack, and sanitizer frames are larger. Not
// modelled: the closure Go allocates for `go func(t int){...}(t)` (one mallocgc per task, and
// the GC that frees them) and wakep's futex wake of an idle M.
class GFree {
 public:
  static constexpr std::size_t kBlock = 4096;
  GFree() = default;
  GFree(const GFree&) = delete;
  GFree& operator=(const GFree&) = delete;
  ~GFree() {
    for (void* block : global_)
      std::free(block);
  }
  // gfget: the calling worker's list, refilled with up to 32 from the global list when empty;
  // malg (a new block) when both are empty.
  void* get() {
    std::vector<void*>& local = local_blocks();
    if (local.empty()) {
      std::lock_guard lock(mu_);
      while (local.size() < 32 && !global_.empty()) {
        local.push_back(global_.back());
        global_.pop_back();
      }
    }
    if (local.empty()) {
      void* block = std::malloc(kBlock);
      if (block == nullptr) throw std::bad_alloc();
      return block;
    }
    void* block = local.back();
    local.pop_back();
    return block;
  }
  // gfput: onto the calling worker's list; at 64 it spills down to 31 into the global list.
  void put(void* block) noexcept {
    std::vector<void*>& local = local_blocks();
    local.push_back(block);  // capacity reserved below: never allocates in a noexcept path
    if (local.size() >= 64) {
      std::lock_guard lock(mu_);
      while (local.size() >= 32) {
        global_.push_back(local.back());
        local.pop_back();
      }
    }
  }

 private:
  struct Local {  // per worker thread, as gFree is per P; freed when the worker exits
    std::vector<void*> blocks;
    Local() { blocks.reserve(64); }
    ~Local() {
      for (void* block : blocks)
        std::free(block);
    }
  };
  static std::vector<void*>& local_blocks() {
    thread_local Local local;
    return local.blocks;
  }
  std::mutex mu_;
  std::vector<void*> global_;
};

// The stack allocator the fiber is made with: hands out the block the producer took, below the
// fiber handle kept at its base, and gives the block back to the gFree of whichever worker ran
// the fiber to its end (Boost.Context calls deallocate there, as the fiber exits).
class GStack {
 public:
  static constexpr std::size_t kHandle = 64;  // the boost::context::fiber handle, one line
  GStack(GFree* gfree, void* block) : gfree_(gfree), block_(static_cast<char*>(block)) {}
  boost::context::stack_context allocate() const {
    boost::context::stack_context sc;
    sc.size = GFree::kBlock - kHandle;
    sc.sp = block_ + GFree::kBlock;
    return sc;
  }
  void deallocate(boost::context::stack_context& sc) const noexcept {
    gfree_->put(static_cast<char*>(sc.sp) - GFree::kBlock);
  }

 private:
  GFree* gfree_;
  char* block_;
};
static_assert(sizeof(boost::context::fiber) <= GStack::kHandle);

struct Spawner {
  WorkStealingPool* pool = nullptr;
  GFree* gfree = nullptr;
};

// execute + goexit: take the handle out of the block, switch to the goroutine and back when it
// returns; its block is on this worker's free list by then.
void run_goroutine(void* block) {
  auto* handle = static_cast<boost::context::fiber*>(block);
  boost::context::fiber g = std::move(*handle);
  std::destroy_at(handle);
  std::move(g).resume();
}

// newproc per item: gfget, the fiber made on that stack (one switch in and out, as Boost sets a
// fiber up), runqput.
void goroutine_producer_task(void* arg) {
  const auto* spawner = static_cast<Spawner*>(arg);
  for (int i = 0; i < kPoolTasks; ++i) {
    void* block = spawner->gfree->get();
    const auto item = static_cast<std::uintptr_t>(i);
    new (block) boost::context::fiber{std::allocator_arg, GStack{spawner->gfree, block},
                                      [item](boost::context::fiber&& back) {
                                        tiny_work(item);
                                        return std::move(back);
                                      }};
    spawner->pool->submit(&run_goroutine, block);
  }
}

void BM_WorkerPool_FiberPerTask(benchmark::State& state) {
  const int n = workers_for_cores();
  GFree gfree;  // outlives the pool: its workers' lists are freed as they exit, then the global
  WorkStealingPool pool(n, pin_worker);
  Spawner spawner{&pool, &gfree};
  claimbench::BenchThread thread(state, kPoolTasks);
  for (auto _ : thread) {
    pool.submit(&goroutine_producer_task, &spawner);
    pool.wait_idle();
  }
  state.counters["workers"] = n;
}

// goroutine-pool: the seed's pool as Go runs it: N worker goroutines ranging over a jobs channel
// buffered for the batch, the producer goroutine sending every job and then waiting on a done
// channel, all goroutines of one user-space P (GoScheduler, WaitPolicy::goroutine): a send into
// the buffer and a receive from it never touch the kernel, and a worker that finds the channel
// empty parks its fiber. Go's twin measured ~10-35 ns per task for its pool here; the OS-thread
// pool above pays futex wake-ups whenever a worker has gone to sleep (50-1500 ns per task on
// this loaded VM). One P only: the tasks are ~10 ns, so the second P would add little.
void BM_WorkerPool_GoroutinePool(benchmark::State& state) {
  using claimbench::go::Channel;
  using claimbench::go::GoScheduler;
  using claimbench::go::WaitPolicy;
  const int n = workers_for_cores();
  claimbench::BenchThread thread(state, kPoolTasks);
  Channel<claimbench::go::Task> jobs(kPoolTasks, WaitPolicy::goroutine);
  Channel<bool> done(0, WaitPolicy::goroutine);
  int remaining = 0;  // one thread: the goroutines never run at once
  GoScheduler p;
  for (int w = 0; w < n; ++w) {
    p.go([&] {
      while (auto job = jobs.recv()) {
        job->run();
        if (--remaining == 0) done.send(true);
      }
    });
  }
  p.go([&] {
    for (auto _ : thread) {
      remaining = kPoolTasks;
      for (int i = 0; i < kPoolTasks; ++i)
        jobs.send({&tiny_task, reinterpret_cast<void*>(static_cast<std::uintptr_t>(i))});
      done.recv();
    }
    jobs.close();
  });
  p.run();
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
BENCHMARK(BM_WorkerPool_FiberPerTask)->Name("BM_WorkerPool/fiber-per-task")->UseRealTime();
BENCHMARK(BM_WorkerPool_GoroutinePool)->Name("BM_WorkerPool/goroutine-pool")->UseRealTime();

}  // namespace
