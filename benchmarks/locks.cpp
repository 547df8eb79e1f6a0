// Read-mostly locking (claims/rwmutex-vs-mutex.toml) and the done path of one-time
// initialisation (claims/once-fast-path.toml).
//
// BM_RWMutex/<lock>/<section>/<writes>: every thread runs a stream of operations on one shared
// 512-byte snapshot; one op in 1000 is a write (w1000) or none is (w0). A short read loads one
// value inside the read lock; a long read sums the snapshot's 64 words kLongPasses times
// (about 1 µs here) inside it. Locks:
//   mutex          std::mutex (glibc: a PLT call, one CAS, then futex sleep; no spinning)
//   gomutex        claimbench::go::GoMutex, a port of Go's sync.Mutex (both modes): inline CAS to
//                  lock and atomic add to unlock, 4 × 30 PAUSE of spinning before it parks
//   shared-mutex   std::shared_mutex (glibc pthread_rwlock_t)
//   gorw           claimbench::go::GoRWMutex, a port of Go's sync.RWMutex
//   cow            copy-on-write snapshot behind std::atomic<const Snapshot*>: a read is one
//                  acquire load (Go's atomic.Pointer.Load); writers copy, publish, and retire the
//                  old copy until the run ends (Go's GC frees it when no reader holds it)
//   cow-sharedptr  the same through std::atomic<std::shared_ptr<const Snapshot>>: libstdc++
//                  takes a lock bit and bumps the reference count on every load, so a read is
//                  four atomic RMWs on shared lines; the C++ form that is NOT Go's COW
// The lock word and the data sit on separate cache lines, so what moves between cores on a
// read is the lock's line alone (the reader count, for the RW locks).
//
// BM_Once/<form>: obtaining an already-initialised value, 64 times per iteration, written at the
// call site the way Go inlines Once.Do's fast path:
//   acquire    one acquire load of a published std::atomic<int> (the baseline)
//   go-once    claimbench::go::GoOnce::do_once, then read the value (Go's sync.Once)
//   static     a function-local static (the compiler's guard byte)
//   call-once  std::call_once, then read the value
//   mutex      lock a std::mutex, test an `initialised` flag, read the value, unlock
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3, x86-64),
// checked for each hot loop (see keep() below for why it is not benchmark::DoNotOptimize):
//  - BM_Once acquire: per op `movslq g_published(%rip),%rax; add %rax,%rbx; sub $1; jne`: the
//    acquire load is a plain mov on x86, re-executed every op and added into the running sum
//    (the Go twin's MOVL; ADDQ; INCQ; CMPQ; JLT), not unrolled.
//  - BM_Once go-once: per op `mov g_go_once(%rip),%eax; test; jne` (the call to do_slow out of
//    line behind the branch), `movslq g_go_once+0x30` (the value), `add` into the sum. Not
//    hoisted.
//  - BM_Once static: per op `movzbl <guard variable>(%rip); test %al; jne`, value load, add; the
//    guard check stays inside the loop, __cxa_guard_acquire only behind the branch.
//  - BM_Once call-once: 64 × {two %fs: TLS stores (__once_callable, __once_call), `call
//    pthread_once@plt`, two %fs: stores of 0, value load}: libstdc++ 12 sets up its trampoline
//    and calls into glibc on every call, before pthread_once sees the flag is done.
//  - BM_Once gomutex: 64 × {`lock cmpxchg` on g_gomutex, flag test, value load, `lock xadd` of
//    -1 and a test (Go's LOCK XADDL), with an out-of-line call only when sleepers exist}.
//  - BM_Once mutex: 64 × {`call pthread_mutex_lock@plt`, flag test, value load, `call
//    pthread_mutex_unlock@plt`}.
//  - BM_RWMutex gorw short: `lock xadd` (RLock), `mov` of word[0] from the data line, `lock xadd`
//    of -1 (RUnlock), both RMWs on the reader-count line, the instructions Go's twin runs (go
//    tool objdump: LOCK XADDL twice). Until 0.4.3 GCC folded RUnlock's fetch_sub and sign test
//    into `lock subl`; the result is now kept a value, as Go keeps it.
//  - BM_RWMutex gomutex short: `lock cmpxchg` (Lock), the same `mov`, `lock xadd` (Unlock, as
//    Go's), lock_slow/unlock_slow out of line: the same shape and count of RMWs as gorw's read.
//  - BM_RWMutex cow short: `mov (%rbx),%rax; mov (%rax),%rax` per op: the pointer load and the
//    value load, no lock prefix anywhere in the loop.
//  - BM_RWMutex long reads: inside the lock, 64 passes of `add (%rax),%rdx` over the 64 words:
//    scalar, a dependent chain, each word reloaded from the shared snapshot every pass.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <type_traits>
#include <vector>

#include "analogues/go_mutex.hpp"
#include "analogues/once.hpp"
#include "analogues/rwmutex.hpp"
#include "claimbench/measure/bench.hpp"
#include "codegen.hpp"

namespace {

// Makes the compiler produce `value` in a register and forget what it knows about memory, so the
// load that produced it cannot be deleted, merged or hoisted. benchmark::DoNotOptimize is not
// enough here: with g++ 12 and Google Benchmark 1.7.1 its "+m,r" / "r,m" constraints let GCC
// hand the asm the variable's memory location, and the load from a plain (non-atomic) global
// vanishes from the loop (checked in the disassembly; atomic loads survive either way).
template <class T>
inline BENCHMARK_ALWAYS_INLINE void keep(T& value) {
  asm volatile("" : "+r"(value) : : "memory");
}

// ---------------------------------------------------------------------------------------------
// rwmutex-vs-mutex

constexpr int kShortOps = 100;     // ops per benchmark iteration, short reads (~10-100 ns each)
constexpr int kLongOps = 10;       // ops per benchmark iteration, long reads (~1 µs each)
constexpr int kWriteEvery = 1000;  // w1000: one op in 1000 is a write
constexpr int kWords = 64;         // the snapshot: 64 × 8 bytes = 8 cache lines
// Passes over the snapshot in a long read: 64 × 64 dependent adds of reloaded words,
// about 1 µs of CPU time on this machine (~15.5 ns a pass, measured with the thread CPU clock).
constexpr int kLongPasses = 64;

struct alignas(64) Snapshot {
  std::array<std::uint64_t, kWords> word{};
};
static_assert(sizeof(Snapshot) == 512);

// The read section. Short: one load of a shared value. Long: ~1 µs of reads of the snapshot.
struct ShortRead {
  static constexpr int kOps = kShortOps;
  static constexpr bool kLong = false;
  static std::uint64_t read(const Snapshot& s) { return s.word[0]; }
};
struct LongRead {
  static constexpr int kOps = kLongOps;
  static constexpr bool kLong = true;
  static std::uint64_t read(const Snapshot& s) {
    std::uint64_t sum = 0;
    for (int pass = 0; pass < kLongPasses; ++pass) {
      for (const std::uint64_t w : s.word) {
        sum += w;
        keep(sum);  // one dependent add per word: no vectorising, no folding, each word reloaded
      }
    }
    return sum;
  }
};

// Per-thread tallies published as counters.
// Per-thread tallies published as counters. Both say whether the two readers really ran at the
// same time: on an oversubscribed machine the threads take turns and neither lock is tested.
struct Tally {
  double writes = 0;
  double contended = 0;  // exclusive acquisitions that found the lock held (mutex kinds)
  double overlap = 0;    // long reads that found another reader inside (GoRWMutex)
};

// One exclusive lock for reads and writes. The try_lock first only adds a CAS on the contended
// path (glibc's lock starts with the same CAS) and tells us how often the lock was held.
template <class Mutex>
class Exclusive {
 public:
  static constexpr bool kCountsContention = true;
  static constexpr bool kCountsOverlap = false;
  template <class Read>
  std::uint64_t read(Tally& tally) {
    lock(tally);
    const std::uint64_t v = Read::read(data_);
    mu_.unlock();
    return v;
  }
  void write(std::size_t i, Tally& tally) {
    lock(tally);
    data_.word[i % kWords] += 1;
    mu_.unlock();
  }
  void end_run() {}

 private:
  void lock(Tally& tally) {
    if (mu_.try_lock()) return;
    tally.contended += 1;
    mu_.lock();
  }
  alignas(64) Mutex mu_;
  Snapshot data_;  // own lines (alignas 64 on Snapshot)
};

// A reader/writer lock: shared for reads, exclusive for writes.
template <class RWMutex>
class ReadWrite {
 public:
  static constexpr bool kCountsContention = false;
  // GoRWMutex exposes its reader count; one load of a line this thread just wrote, and only
  // around a ~1 µs long read, so the short-read path stays exactly Go's.
  static constexpr bool kCountsOverlap = std::is_same_v<RWMutex, claimbench::go::GoRWMutex>;

  template <class Read>
  std::uint64_t read(Tally& tally) {
    std::shared_lock lock(mu_);
    if constexpr (kCountsOverlap && Read::kLong) {
      if (mu_.reader_count() > 1) tally.overlap += 1;
    }
    return Read::read(data_);
  }
  void write(std::size_t i, Tally&) {
    std::unique_lock lock(mu_);
    data_.word[i % kWords] += 1;
  }
  void end_run() {}

 private:
  alignas(64) RWMutex mu_;
  Snapshot data_;
};

// Copy-on-write behind a raw atomic pointer: the read side is exactly Go's atomic.Pointer Load.
// Old snapshots are retired and freed when the run ends, when no thread reads any more (Go's GC
// frees them once unreachable; a C++ program would use RCU or hazard pointers).
class CowPointer {
 public:
  static constexpr bool kCountsContention = false;  // readers never wait
  static constexpr bool kCountsOverlap = false;
  CowPointer() : current_(new Snapshot{}) {}
  ~CowPointer() {
    end_run();
    delete current_.load();
  }
  CowPointer(const CowPointer&) = delete;
  CowPointer& operator=(const CowPointer&) = delete;

  template <class Read>
  std::uint64_t read(Tally&) {
    return Read::read(*current_.load(std::memory_order_acquire));
  }
  void write(std::size_t i, Tally&) {
    std::lock_guard lock(writer_);  // writers copy and publish one at a time
    const Snapshot* old = current_.load(std::memory_order_relaxed);
    auto* next = new Snapshot(*old);
    next->word[i % kWords] += 1;
    current_.store(next, std::memory_order_release);
    retired_.push_back(old);
  }
  // Called by thread 0 after Google Benchmark's stop barrier: no thread is reading.
  void end_run() {
    for (const Snapshot* s : retired_)
      delete s;
    retired_.clear();
  }

 private:
  alignas(64) std::atomic<const Snapshot*> current_;
  alignas(64) std::mutex writer_;
  std::vector<const Snapshot*> retired_;
};

// Copy-on-write through std::atomic<std::shared_ptr>: reclamation is automatic, but each load
// locks the control-block word and bumps the reference count (libstdc++ 12).
class CowSharedPtr {
 public:
  static constexpr bool kCountsContention = false;  // readers never wait
  static constexpr bool kCountsOverlap = false;
  template <class Read>
  std::uint64_t read(Tally&) {
    const std::shared_ptr<const Snapshot> s = current_.load(std::memory_order_acquire);
    return Read::read(*s);
  }
  void write(std::size_t i, Tally&) {
    std::lock_guard lock(writer_);
    auto next = std::make_shared<Snapshot>(*current_.load(std::memory_order_relaxed));
    next->word[i % kWords] += 1;
    current_.store(std::move(next), std::memory_order_release);
  }
  void end_run() {}

 private:
  alignas(64) std::atomic<std::shared_ptr<const Snapshot>> current_{
      std::make_shared<const Snapshot>()};
  alignas(64) std::mutex writer_;
};

template <class Guarded>
Guarded& shared_state() {
  static Guarded state;  // one per lock kind, shared by every thread of a run
  return state;
}

template <class Guarded, class Read, bool kWrites>
void BM_RWMutex(benchmark::State& state) {
  claimbench::BenchThread thread(state, Read::kOps);
  Guarded& guarded = shared_state<Guarded>();
  Tally tally;
  // Stagger the threads' writes so they do not come in lockstep.
  int until_write = kWriteEvery - state.thread_index() * (kWriteEvery / 2);
  std::size_t writes = 0;
  for (auto _ : thread) {
    for (int op = 0; op < Read::kOps; ++op) {
      if (kWrites && --until_write == 0) {
        until_write = kWriteEvery;
        guarded.write(writes++, tally);
        tally.writes += 1;
      } else {
        std::uint64_t v = guarded.template read<Read>(tally);
        keep(v);
      }
    }
  }
  if (state.thread_index() == 0) guarded.end_run();
  state.counters["writes"] = benchmark::Counter(tally.writes, benchmark::Counter::kAvgIterations);
  if constexpr (Guarded::kCountsContention) {
    state.counters["contended"] =
        benchmark::Counter(tally.contended, benchmark::Counter::kAvgIterations);
  }
  if constexpr (Guarded::kCountsOverlap && Read::kLong) {
    state.counters["overlap"] =
        benchmark::Counter(tally.overlap, benchmark::Counter::kAvgIterations);
  }
}

using MutexLock = Exclusive<std::mutex>;
using GoMutexLock = Exclusive<claimbench::go::GoMutex>;
using SharedMutexLock = ReadWrite<std::shared_mutex>;
using GoRWLock = ReadWrite<claimbench::go::GoRWMutex>;

// Reader threads: w0 at 1 and 2 (the cost of the bookkeeping alone, and with a second core),
// w1000 at 2 only (a write matters only while another thread reads).
void one_and_two(benchmark::internal::Benchmark* b) {
  b->Threads(1)->Threads(2)->UseRealTime();
}
void two(benchmark::internal::Benchmark* b) {
  b->Threads(2)->UseRealTime();
}

// BM_RWMutex/<lock>/<section>/<writes>, one table per section and write rate (in the order
// they were registered before the tables, so a round runs them in the same order).
[[maybe_unused]] const bool rwmutex_short_w0 = claimbench::register_variants(
    "BM_RWMutex",
    {
        {"mutex/short/w0", &BM_RWMutex<MutexLock, ShortRead, false>},
        {"gomutex/short/w0", &BM_RWMutex<GoMutexLock, ShortRead, false>},
        {"shared-mutex/short/w0", &BM_RWMutex<SharedMutexLock, ShortRead, false>},
        {"gorw/short/w0", &BM_RWMutex<GoRWLock, ShortRead, false>},
        {"cow/short/w0", &BM_RWMutex<CowPointer, ShortRead, false>},
        {"cow-sharedptr/short/w0", &BM_RWMutex<CowSharedPtr, ShortRead, false>},
    },
    one_and_two);
[[maybe_unused]] const bool rwmutex_short_w1000 = claimbench::register_variants(
    "BM_RWMutex",
    {
        {"mutex/short/w1000", &BM_RWMutex<MutexLock, ShortRead, true>},
        {"gomutex/short/w1000", &BM_RWMutex<GoMutexLock, ShortRead, true>},
        {"shared-mutex/short/w1000", &BM_RWMutex<SharedMutexLock, ShortRead, true>},
        {"gorw/short/w1000", &BM_RWMutex<GoRWLock, ShortRead, true>},
        {"cow/short/w1000", &BM_RWMutex<CowPointer, ShortRead, true>},
        {"cow-sharedptr/short/w1000", &BM_RWMutex<CowSharedPtr, ShortRead, true>},
    },
    two);
[[maybe_unused]] const bool rwmutex_long_w0 = claimbench::register_variants(
    "BM_RWMutex",
    {
        {"mutex/long/w0", &BM_RWMutex<MutexLock, LongRead, false>},
        {"gomutex/long/w0", &BM_RWMutex<GoMutexLock, LongRead, false>},
        {"shared-mutex/long/w0", &BM_RWMutex<SharedMutexLock, LongRead, false>},
        {"gorw/long/w0", &BM_RWMutex<GoRWLock, LongRead, false>},
        {"cow/long/w0", &BM_RWMutex<CowPointer, LongRead, false>},
    },
    one_and_two);
[[maybe_unused]] const bool rwmutex_long_w1000 = claimbench::register_variants(
    "BM_RWMutex",
    {
        {"mutex/long/w1000", &BM_RWMutex<MutexLock, LongRead, true>},
        {"gomutex/long/w1000", &BM_RWMutex<GoMutexLock, LongRead, true>},
        {"shared-mutex/long/w1000", &BM_RWMutex<SharedMutexLock, LongRead, true>},
        {"gorw/long/w1000", &BM_RWMutex<GoRWLock, LongRead, true>},
        {"cow/long/w1000", &BM_RWMutex<CowPointer, LongRead, true>},
    },
    two);

// ---------------------------------------------------------------------------------------------
// once-fast-path

constexpr int kOnceOps = 64;  // lookups per benchmark iteration (sub-ns each: amortise the loop)

// The value each form hands out, computed at run time so no form can fold it to a constant.
[[gnu::noinline]] int make_value() {
  static volatile int seed = 41;
  return seed + 1;
}

// Each form's state on its own cache line(s): nothing here is written after initialisation
// except the mutex, which must not share a line with the others.
struct alignas(64) Published {
  std::atomic<int> value{0};
};
struct alignas(64) GoOnceState {
  claimbench::go::GoOnce once;
  int value = 0;
};
struct alignas(64) CallOnceState {
  std::once_flag flag;
  int value = 0;
};
template <class Mutex>
struct alignas(64) MutexState {
  Mutex mu;
  bool initialised = false;
  int value = 0;
};

Published g_published;
GoOnceState g_go_once;
CallOnceState g_call_once;
MutexState<std::mutex> g_mutex;
MutexState<claimbench::go::GoMutex> g_gomutex;

struct AcquireLoad {
  static void first_call() { g_published.value.store(make_value(), std::memory_order_release); }
  static int get() { return g_published.value.load(std::memory_order_acquire); }
};
struct GoOnceForm {
  static int get() {
    g_go_once.once.do_once([] { g_go_once.value = make_value(); });
    return g_go_once.value;
  }
  static void first_call() { get(); }
};
struct StaticForm {
  static int get() {
    static const int value = make_value();  // guarded: make_value() is not constant
    return value;
  }
  static void first_call() { get(); }
};
struct CallOnceForm {
  static int get() {
    std::call_once(g_call_once.flag, [] { g_call_once.value = make_value(); });
    return g_call_once.value;
  }
  static void first_call() { get(); }
};
// mutex: std::mutex (glibc, a PLT call per lock and unlock); gomutex: GoMutex, the shape of
// Go's `mu.Lock(); if !done { init }; mu.Unlock()` (inlined CAS and XADD, as Go inlines them).
template <auto& State>
struct MutexForm {
  static int get() {
    std::lock_guard lock(State.mu);
    if (!State.initialised) {
      State.value = make_value();
      State.initialised = true;
    }
    return State.value;
  }
  static void first_call() { get(); }
};

// One iteration's 64 gets, in a function of its own that starts on a 64-byte line (CB_LOOP),
// so each form's loop sits the same way in its fetch windows in every build: inlined into
// BM_Once, go-once ran at 0.35-0.44 ns per op in three runs and 0.65 in the next build, which
// changed only other files (go-once-is-a-load 1.06-1.13x, then 2.08x).
template <class Form>
CB_LOOP std::int64_t once_ops(std::int64_t sum) {
  for (int i = 0; i < kOnceOps; ++i) {
    // Each value is used, as the Go twin's `acc += int64(onceGet())` uses it: one dependent
    // add per op, and keep() makes the next get() reload from memory. Until 0.2.0 the value
    // was only kept (no add), a pure load-throughput loop: acquire 0.30-0.53 ns against
    // go-once 0.60-1.06, 1.3-2.0x astride the 2x bound, where Go's loop gave 1.0x.
    sum += Form::get();
    keep(sum);
  }
  return sum;
}

template <class Form>
void BM_Once(benchmark::State& state) {
  claimbench::BenchThread thread(state, kOnceOps);
  Form::first_call();  // the measured calls all come after the first
  std::int64_t sum = 0;
  for (auto _ : thread)
    sum = once_ops<Form>(sum);
  benchmark::DoNotOptimize(sum);
}

[[maybe_unused]] const bool once_forms =
    claimbench::register_variants("BM_Once",
                                  {
                                      {"acquire", &BM_Once<AcquireLoad>},
                                      {"go-once", &BM_Once<GoOnceForm>},
                                      {"static", &BM_Once<StaticForm>},
                                      {"call-once", &BM_Once<CallOnceForm>},
                                      {"mutex", &BM_Once<MutexForm<g_mutex>>},
                                      {"gomutex", &BM_Once<MutexForm<g_gomutex>>},
                                  },
                                  one_and_two);

}  // namespace
