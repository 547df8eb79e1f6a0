/// Go-scheduler work stealing (per-P 256-slot runq, global runq, steal-half) vs. one locked queue.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "claimbench/error.hpp"

namespace claimbench::go {

// A task is two words (function pointer + argument), not std::function or a type-erased
// callable: the benchmarks run millions of tiny tasks, and a per-task heap allocation or a
// non-trivial move would dominate what we measure (the queues). Two plain words also let a ring
// slot be two relaxed atomics, which the lock-free steal needs (see LocalRunQueue). A closure is
// passed as fn = a captureless trampoline, arg = pointer to caller-owned state.
struct Task {
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;

  void run() const { fn(arg); }
};

namespace pool_detail {

#if defined(__SANITIZE_THREAD__)
#define CLAIMBENCH_POOL_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CLAIMBENCH_POOL_TSAN 1
#endif
#endif

// StoreLoad barrier for the Dekker-style handshakes below: "I published X; now I read Y" on one
// side, "I published Y; now I read X" on the other, and at least one side must see the other's
// store. A seq_cst fence (mfence on x86) does that. ThreadSanitizer does not model fences (GCC
// rejects them under -fsanitize=thread), so there every barrier is instead an RMW on one shared
// atomic: all RMWs on it are totally ordered and each reads from (synchronizes with) the previous
// one, which gives the same guarantee in a form TSan can follow. Too slow for benchmarks (a
// shared cache line per call), fine for a sanitizer build.
inline void store_load_barrier() {
#ifdef CLAIMBENCH_POOL_TSAN
  static std::atomic<unsigned> line{0};
  line.fetch_add(1, std::memory_order_acq_rel);
#else
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

}  // namespace pool_detail

class LocalRunQueue;

// Go's sched.runq: one mutex-protected FIFO shared by all Ps. In the stealing pool it only takes
// external submissions and local-ring overflow, so the lock is off the common path.
class GlobalRunQueue {
 public:
  void push(Task t) {
    std::lock_guard lk(mu_);
    q_.push_back(t);
    size_.store(q_.size(), std::memory_order_relaxed);
  }

  void push_batch(const Task* ts, std::size_t n) {
    std::lock_guard lk(mu_);
    q_.insert(q_.end(), ts, ts + n);
    size_.store(q_.size(), std::memory_order_relaxed);
  }

  bool try_pop(Task& out) {
    std::lock_guard lk(mu_);
    if (q_.empty()) return false;
    out = q_.front();
    q_.pop_front();
    size_.store(q_.size(), std::memory_order_relaxed);
    return true;
  }

  // Go's globrunqget: take one task to run plus a fair share (size/nprocs + 1, at most half a
  // local ring, at most `max` if max > 0) into the caller's local ring, so the next many pops
  // need no lock. Defined after LocalRunQueue.
  inline bool get_batch(LocalRunQueue& local, std::size_t nprocs, std::size_t max, Task& out);

  // Lock-free hint (Go reads sched.runqsize without the lock); exact only under the lock.
  std::size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  std::mutex mu_;
  std::deque<Task> q_;
  std::atomic<std::size_t> size_{0};
};

// Go's p.runq / runqhead / runqtail (src/runtime/proc.go): a fixed ring of 256 slots, single
// producer (the owner pushes at tail), multiple consumers (the owner pops and thieves steal at
// head, both by CAS on head). Head and tail are free-running uint32 counters; index = counter %
// 256, so "full" is tail - head == 256 with no wasted slot.
//
// The trap this models: a thief copies slots *before* its CAS on head commits the steal, so the
// copy can race with the owner overwriting a slot that was consumed meanwhile. That is harmless
// because such a copy always comes with a failing CAS (the slot can only be reused after head
// moved past it), but in C++ the racing read must still be atomic: each slot is two relaxed
// atomics. A torn {fn, arg} pair is only ever observed on a path whose CAS fails and discards it.
class alignas(64) LocalRunQueue {
 public:
  static constexpr std::uint32_t kCapacity = 256;

  LocalRunQueue() = default;
  LocalRunQueue(const LocalRunQueue&) = delete;
  LocalRunQueue& operator=(const LocalRunQueue&) = delete;

  // Go's runqput (without runnext). Owner only. Returns true if the ring was full and half of it
  // plus `t` went to the global queue (runqputslow).
  bool push(Task t, GlobalRunQueue& global) {
    for (;;) {
      const std::uint32_t h = head_.load(std::memory_order_acquire);   // sync with consumers
      const std::uint32_t tl = tail_.load(std::memory_order_relaxed);  // only we write it
      if (tl - h < kCapacity) {
        write(tl, t);
        tail_.store(tl + 1, std::memory_order_release);  // publish the slot to consumers
        return false;
      }
      if (push_slow(t, h, tl, global)) return true;
      // A consumer took something between our loads and the CAS: the ring has room now.
    }
  }

  // Owner only: push without overflow; false if full.
  bool try_push(Task t) {
    const std::uint32_t h = head_.load(std::memory_order_acquire);
    const std::uint32_t tl = tail_.load(std::memory_order_relaxed);
    if (tl - h >= kCapacity) return false;
    write(tl, t);
    tail_.store(tl + 1, std::memory_order_release);
    return true;
  }

  // Go's runqget: owner only, FIFO. Needs a CAS (not a plain store) because thieves move head
  // concurrently.
  bool pop(Task& out) {
    std::uint32_t h = head_.load(std::memory_order_acquire);
    for (;;) {
      if (tail_.load(std::memory_order_relaxed) == h) return false;
      out = read(h);
      if (head_.compare_exchange_weak(h, h + 1, std::memory_order_release,
                                      std::memory_order_acquire)) {
        return true;
      }
    }
  }

  // Go's runqgrab: any thread. Takes ceil(n/2) of the n queued tasks from the head in ONE CAS
  // (so a thief pays one contended RMW per batch, not per task) and hands them to
  // sink(i, task). Returns the number taken. The sink may be called again for the same i if the
  // CAS fails; only the last round's values count.
  template <class Sink>
  std::uint32_t grab_with(Sink&& sink) {
    for (;;) {
      std::uint32_t h = head_.load(std::memory_order_acquire);        // sync with other consumers
      const std::uint32_t t = tail_.load(std::memory_order_acquire);  // sync with the producer
      std::uint32_t n = t - h;
      n = n - n / 2;
      if (n == 0) return 0;
      if (n > kCapacity / 2) continue;  // h and t read at different times: inconsistent
      for (std::uint32_t i = 0; i < n; ++i)
        sink(i, read(h + i));
      if (head_.compare_exchange_strong(h, h + n, std::memory_order_release,
                                        std::memory_order_relaxed)) {
        return n;  // release: our slot reads happen-before the owner reuses them
      }
    }
  }

  // runqgrab into a plain array of at least kCapacity / 2 tasks (unit tests, diagnostics).
  std::uint32_t grab(Task* batch) {
    return grab_with([batch](std::uint32_t i, Task t) { batch[i] = t; });
  }

  // Go's runqsteal: `this` is the thief's own ring and must have room for kCapacity / 2 more
  // (the pool only steals into an empty ring). Grabs half of victim directly into our free slots
  // (invisible to our own thieves until the tail store), returns the last one in `out` to run now
  // and publishes the rest. Returns the number of tasks taken from the victim (0 = nothing).
  std::uint32_t steal_from(LocalRunQueue& victim, Task& out) {
    const std::uint32_t t = tail_.load(std::memory_order_relaxed);
    // Always on (CB_CHECK, not assert): a thief ring that overflows would overwrite live tasks,
    // and a broken pool measured fast proves nothing. Its cost, from objdump of steal_from with
    // g++ 12 -O3 -DNDEBUG before (assert) and after: on entry one `mov` of head_ (an acquire
    // load is a plain load on x86), `sub`, `cmp $0x80`, and a `ja` to an out-of-line call of
    // check_failed, plus an 8-byte stack adjustment; the grab/copy loop and the `lock cmpxchg`
    // that claims the batch are instruction for instruction the same.
    CB_CHECK(t - head_.load(std::memory_order_acquire) <= kCapacity / 2, "thief ring too full");
    const std::uint32_t n =
        victim.grab_with([this, t](std::uint32_t i, Task task) { write(t + i, task); });
    if (n == 0) return 0;
    out = read(t + n - 1);
    if (n > 1) tail_.store(t + n - 1, std::memory_order_release);
    return n;
  }

  // Snapshot; exact only when no one else is touching the ring.
  std::uint32_t size() const {
    for (;;) {
      const std::uint32_t h = head_.load(std::memory_order_acquire);
      const std::uint32_t t = tail_.load(std::memory_order_acquire);
      if (t == tail_.load(std::memory_order_acquire)) return t - h;
    }
  }
  bool empty() const { return size() == 0; }

 private:
  struct Slot {
    std::atomic<void (*)(void*)> fn{nullptr};
    std::atomic<void*> arg{nullptr};
  };

  void write(std::uint32_t pos, Task t) {
    Slot& s = slots_[pos % kCapacity];
    s.fn.store(t.fn, std::memory_order_relaxed);
    s.arg.store(t.arg, std::memory_order_relaxed);
  }
  Task read(std::uint32_t pos) const {
    const Slot& s = slots_[pos % kCapacity];
    return Task{s.fn.load(std::memory_order_relaxed), s.arg.load(std::memory_order_relaxed)};
  }

  // Go's runqputslow: move the older half plus the new task to the global queue in one locked
  // batch, so a producer that outruns its consumers pays the global lock once per 129 tasks and
  // the moved work becomes visible to every worker. Fails if a thief moved head under us.
  bool push_slow(Task t, std::uint32_t h, std::uint32_t tl, GlobalRunQueue& global) {
    const std::uint32_t n = (tl - h) / 2;
    CB_CHECK(n == kCapacity / 2, "runqputslow: queue is not full");
    Task batch[kCapacity / 2 + 1];
    for (std::uint32_t i = 0; i < n; ++i)
      batch[i] = read(h + i);
    if (!head_.compare_exchange_strong(h, h + n, std::memory_order_release,
                                       std::memory_order_relaxed)) {
      return false;
    }
    batch[n] = t;
    global.push_batch(batch, n + 1);
    return true;
  }

  // Adjacent like Go's p struct: the owner touches both; the class alignment keeps different
  // workers' rings off each other's cache lines.
  std::atomic<std::uint32_t> head_{0};
  std::atomic<std::uint32_t> tail_{0};
  Slot slots_[kCapacity];
};

inline bool GlobalRunQueue::get_batch(LocalRunQueue& local, std::size_t nprocs, std::size_t max,
                                      Task& out) {
  std::lock_guard lk(mu_);
  const std::size_t sz = q_.size();
  if (sz == 0) return false;
  std::size_t n = sz / std::max<std::size_t>(nprocs, 1) + 1;
  n = std::min(n, sz);
  if (max > 0) n = std::min(n, max);
  n = std::min<std::size_t>(n, LocalRunQueue::kCapacity / 2);
  out = q_.front();
  q_.pop_front();
  for (--n; n > 0; --n) {
    if (!local.try_push(q_.front())) break;
    q_.pop_front();
  }
  size_.store(q_.size(), std::memory_order_relaxed);
  return true;
}

// Model of Go's scheduler for run-to-completion tasks: N workers ("Ps"), each with a
// LocalRunQueue; a GlobalRunQueue; a worker looks (Go's schedule/findRunnable): every 61st tick
// the global queue first (otherwise a few workers that keep feeding their own rings would starve
// global work forever), then its own ring, then a batch from the global queue, then steals half
// of a random victim's ring (4 rounds over all victims, like stealWork). Not modelled: runnext,
// timers, netpoll, preemption, GC.
//
// Parking follows Go's spinning-M protocol: a worker that runs out of work counts as "spinning"
// while it hunts; submitters wake a parked worker only if nobody is spinning (a spinner will find
// the new task anyway), and a spinner that finds work wakes a replacement. That limits futex
// wake-ups to roughly one per burst instead of one per task. The lost-wake-up race (submitter
// pushes while a worker decides to sleep) is closed Dekker-style: the submitter does push; fence;
// read idle/spinning counts, the parker does bump idle / drop spinning; fence; re-check all
// queues. With a StoreLoad barrier on both sides at least one of them sees the other.
//
// Completion tracking for wait_idle() uses per-worker single-writer counters (submitted,
// completed) rather than one shared pending counter: a shared counter would be one more cache
// line bounced on every task, which is exactly the contention the local rings remove.
class WorkStealingPool {
 public:
  static constexpr std::uint32_t kGlobalFairnessInterval = 61;
  static constexpr int kStealTries = 4;

  struct Stats {
    std::uint64_t steals = 0;        // successful runqsteal calls
    std::uint64_t stolen_tasks = 0;  // tasks moved by them
    std::uint64_t overflows = 0;     // runqputslow calls (half a ring moved to global)
  };

  // on_worker_start(i) runs first thing on worker thread i (e.g. to pin it to a CPU).
  explicit WorkStealingPool(int workers, std::function<void(int)> on_worker_start = {})
      : n_(static_cast<std::uint32_t>(std::max(workers, 1))),
        workers_(std::make_unique<Worker[]>(n_)),
        on_start_(std::move(on_worker_start)) {
    threads_.reserve(n_);
    for (std::uint32_t i = 0; i < n_; ++i)
      threads_.emplace_back([this, i] { worker_main(i); });
  }

  WorkStealingPool(const WorkStealingPool&) = delete;
  WorkStealingPool& operator=(const WorkStealingPool&) = delete;

  // Stops after each worker's current task and joins. Tasks still queued are dropped, not run:
  // draining could hang on tasks that keep resubmitting themselves. Call wait_idle() first if
  // every task must run. Queued Tasks own nothing, so dropping them leaks nothing of ours.
  ~WorkStealingPool() {
    stop_.store(true, std::memory_order_seq_cst);
    {
      std::lock_guard lk(park_mu_);
      wake_seq_.fetch_add(1, std::memory_order_relaxed);
    }
    park_cv_.notify_all();
    for (auto& t : threads_)
      t.join();
  }

  // From one of this pool's workers: into that worker's ring (Go: newproc -> runqput on the
  // current P). From any other thread: into the global queue (Go: injectglist).
  void submit(Task t) {
    if (tls().pool == this) {
      Worker& w = *tls().worker;
      bump(w.submitted);  // before the push: a completion must never be counted before its submit
      if (w.runq.push(t, global_)) bump(w.overflows);
    } else {
      ext_submitted_.fetch_add(1, std::memory_order_release);
      global_.push(t);
    }
    wake_if_needed();
  }
  void submit(void (*fn)(void*), void* arg) { submit(Task{fn, arg}); }

  // Blocks until every task submitted before the call (and everything those spawn) has run.
  // Must not be called from a worker of this pool (it would wait for itself).
  void wait_idle() {
    CB_CHECK(tls().pool != this, "wait_idle() from inside the pool deadlocks");
    waiters_.fetch_add(1, std::memory_order_seq_cst);
    pool_detail::store_load_barrier();  // pairs with the one in park()
    {
      std::unique_lock lk(done_mu_);
      done_cv_.wait(lk, [this] { return all_done(); });
    }
    waiters_.fetch_sub(1, std::memory_order_relaxed);
  }

  int worker_count() const { return static_cast<int>(n_); }

  Stats stats() const {
    Stats s;
    for (std::uint32_t i = 0; i < n_; ++i) {
      s.steals += workers_[i].steals.load(std::memory_order_relaxed);
      s.stolen_tasks += workers_[i].stolen_tasks.load(std::memory_order_relaxed);
      s.overflows += workers_[i].overflows.load(std::memory_order_relaxed);
    }
    return s;
  }

  // Index of the calling worker in *some* WorkStealingPool, or -1.
  static int current_worker_index() { return tls().worker ? tls().index : -1; }

 private:
  struct Worker {
    LocalRunQueue runq;
    // Single-writer (the owner) counters: updated with load+store, no locked RMW.
    alignas(64) std::atomic<std::uint64_t> submitted{0};
    std::atomic<std::uint64_t> completed{0};
    std::atomic<std::uint64_t> steals{0};
    std::atomic<std::uint64_t> stolen_tasks{0};
    std::atomic<std::uint64_t> overflows{0};
    // Owner-thread-only scheduler state.
    std::uint32_t rng = 1;
    std::uint32_t schedtick = 0;
    bool spinning = false;
  };

  struct Tls {
    const WorkStealingPool* pool = nullptr;
    Worker* worker = nullptr;
    int index = -1;
  };
  // Function-local so Tls is complete; trivially destructible, so no TLS guard on access.
  static Tls& tls() {
    thread_local Tls t{};
    return t;
  }

  static void bump(std::atomic<std::uint64_t>& c, std::uint64_t by = 1) {
    // release: pairs with the acquire loads in all_done().
    c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_release);
  }

  static std::uint32_t next_rand(Worker& w) {  // xorshift32: cheap, per-worker, no shared state
    std::uint32_t x = w.rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return w.rng = x;
  }

  void worker_main(std::uint32_t idx) {
    if (on_start_) on_start_(static_cast<int>(idx));
    Worker& w = workers_[idx];
    tls() = Tls{this, &w, static_cast<int>(idx)};
    w.rng = 0x9E3779B9u * (idx + 1) | 1u;
    Task t;
    while (!stop_.load(std::memory_order_relaxed)) {
      if (find_runnable(w, idx, t)) {
        t.run();
        bump(w.completed);
      } else {
        park(w);
      }
    }
    if (w.spinning) nmspinning_.fetch_sub(1, std::memory_order_seq_cst);
    tls() = Tls{};
  }

  bool find_runnable(Worker& w, std::uint32_t idx, Task& t) {
    bool found = false;
    if (++w.schedtick % kGlobalFairnessInterval == 0 && global_.size() > 0) {
      found = global_.get_batch(w.runq, n_, 1, t);
    }
    if (!found) found = w.runq.pop(t);
    if (!found && global_.size() > 0) found = global_.get_batch(w.runq, n_, 0, t);
    if (!found && n_ > 1) {
      if (!w.spinning) {
        w.spinning = true;
        nmspinning_.fetch_add(1, std::memory_order_seq_cst);
      }
      found = steal_work(w, idx, t);
    }
    if (found && w.spinning) reset_spinning(w);
    return found;
  }

  bool steal_work(Worker& w, std::uint32_t idx, Task& t) {
    for (int attempt = 0; attempt < kStealTries; ++attempt) {
      const std::uint32_t start = next_rand(w) % n_;
      for (std::uint32_t i = 0; i < n_; ++i) {
        const std::uint32_t victim = (start + i) % n_;
        if (victim == idx) continue;
        if (const std::uint32_t got = w.runq.steal_from(workers_[victim].runq, t); got > 0) {
          bump(w.steals);
          bump(w.stolen_tasks, got);
          return true;
        }
      }
    }
    return false;
  }

  // Go's resetspinning: the last spinner to find work hands the search over to a parked worker,
  // because there may be more work than this one worker can take.
  void reset_spinning(Worker& w) {
    w.spinning = false;
    if (nmspinning_.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
        idle_.load(std::memory_order_seq_cst) > 0) {
      wake_one();
    }
  }

  void wake_if_needed() {
    // StoreLoad barrier between our push and reading idle_/nmspinning_ (pairs with park()).
    pool_detail::store_load_barrier();
    if (idle_.load(std::memory_order_relaxed) > 0 &&
        nmspinning_.load(std::memory_order_relaxed) == 0) {
      wake_one();
    }
  }

  void wake_one() {
    {
      std::lock_guard lk(park_mu_);
      wake_seq_.fetch_add(1, std::memory_order_relaxed);
    }
    park_cv_.notify_one();
  }

  bool work_visible() const {
    if (global_.size() > 0) return true;
    for (std::uint32_t i = 0; i < n_; ++i) {
      if (!workers_[i].runq.empty()) return true;
    }
    return false;
  }

  void park(Worker& w) {
    idle_.fetch_add(1, std::memory_order_seq_cst);
    if (w.spinning) {
      w.spinning = false;
      nmspinning_.fetch_sub(1, std::memory_order_seq_cst);
    }
    const std::uint64_t seq = wake_seq_.load(std::memory_order_seq_cst);
    // Pairs with wake_if_needed() (lost wake-up) and with wait_idle() (lost idle notification).
    pool_detail::store_load_barrier();
    if (waiters_.load(std::memory_order_relaxed) > 0) {
      // Our completed counter is final until we run again: let wait_idle() re-evaluate.
      std::lock_guard lk(done_mu_);
      done_cv_.notify_all();
    }
    if (stop_.load(std::memory_order_relaxed) || work_visible()) {
      idle_.fetch_sub(1, std::memory_order_seq_cst);
      return;
    }
    {
      std::unique_lock lk(park_mu_);
      park_cv_.wait(lk, [&] {
        return wake_seq_.load(std::memory_order_relaxed) != seq ||
               stop_.load(std::memory_order_relaxed);
      });
    }
    idle_.fetch_sub(1, std::memory_order_seq_cst);
    // Like a freshly woken Go M, start out spinning so concurrent submitters don't wake more.
    if (!stop_.load(std::memory_order_relaxed)) {
      w.spinning = true;
      nmspinning_.fetch_add(1, std::memory_order_seq_cst);
    }
  }

  // Every task's submit increment happens-before its completion increment. Reading all
  // completions first and all submissions second therefore gives done <= submitted, and
  // equality means every submission we counted has completed.
  bool all_done() const {
    std::uint64_t done = 0;
    for (std::uint32_t i = 0; i < n_; ++i) {
      done += workers_[i].completed.load(std::memory_order_acquire);
    }
    std::uint64_t submitted = ext_submitted_.load(std::memory_order_acquire);
    for (std::uint32_t i = 0; i < n_; ++i) {
      submitted += workers_[i].submitted.load(std::memory_order_acquire);
    }
    return done == submitted;
  }

  const std::uint32_t n_;
  std::unique_ptr<Worker[]> workers_;
  std::function<void(int)> on_start_;
  std::vector<std::thread> threads_;
  GlobalRunQueue global_;

  alignas(64) std::atomic<std::uint64_t> ext_submitted_{0};
  alignas(64) std::atomic<int> idle_{0};    // workers in park() (Go: sched.npidle)
  std::atomic<int> nmspinning_{0};          // workers hunting for work (Go: sched.nmspinning)
  std::atomic<std::uint64_t> wake_seq_{0};  // bumped under park_mu_ by every wake-up
  std::atomic<bool> stop_{false};
  std::mutex park_mu_;
  std::condition_variable park_cv_;
  std::atomic<int> waiters_{0};  // threads in wait_idle()
  std::mutex done_mu_;
  std::condition_variable done_cv_;
};

// Baseline: the design Go replaced in 1.1 (Vyukov's scheduler) — every worker takes every task
// from ONE std::deque under ONE mutex, and submissions from inside tasks go back through the
// same lock. Each task costs two lock acquisitions on a shared cache line, so throughput falls
// as workers are added. Idle tracking is free here: running_ lives under the same lock.
class GlobalQueuePool {
 public:
  explicit GlobalQueuePool(int workers, std::function<void(int)> on_worker_start = {})
      : on_start_(std::move(on_worker_start)) {
    const int n = std::max(workers, 1);
    threads_.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
      threads_.emplace_back([this, i] { worker_main(i); });
  }

  GlobalQueuePool(const GlobalQueuePool&) = delete;
  GlobalQueuePool& operator=(const GlobalQueuePool&) = delete;

  // Same contract as WorkStealingPool: queued tasks are dropped, running ones finish.
  ~GlobalQueuePool() {
    {
      std::lock_guard lk(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : threads_)
      t.join();
  }

  void submit(Task t) {
    bool wake;
    {
      std::lock_guard lk(mu_);
      q_.push_back(t);
      wake = sleeping_ > 0;  // skip the futex syscall when every worker is busy
    }
    if (wake) work_cv_.notify_one();
  }
  void submit(void (*fn)(void*), void* arg) { submit(Task{fn, arg}); }

  // Must not be called from a worker of this pool.
  void wait_idle() {
    std::unique_lock lk(mu_);
    ++idle_waiters_;
    idle_cv_.wait(lk, [this] { return q_.empty() && running_ == 0; });
    --idle_waiters_;
  }

  int worker_count() const { return static_cast<int>(threads_.size()); }

 private:
  void worker_main(int idx) {
    if (on_start_) on_start_(idx);
    std::unique_lock lk(mu_);
    for (;;) {
      while (q_.empty() && !stop_) {
        ++sleeping_;
        work_cv_.wait(lk);
        --sleeping_;
      }
      if (stop_) return;
      const Task t = q_.front();
      q_.pop_front();
      ++running_;
      lk.unlock();
      t.run();
      lk.lock();
      --running_;
      if (running_ == 0 && q_.empty() && idle_waiters_ > 0) idle_cv_.notify_all();
    }
  }

  std::function<void(int)> on_start_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<Task> q_;    // guarded by mu_
  int running_ = 0;       // guarded by mu_
  int sleeping_ = 0;      // guarded by mu_
  int idle_waiters_ = 0;  // guarded by mu_
  bool stop_ = false;     // guarded by mu_
};

}  // namespace claimbench::go
