// Channels as a synchronisation tool: a shared counter kept by an atomic, a mutex or an owner
// thread fed over a channel (claims/atomic-mutex-channel.toml), and the cost of an unbuffered
// rendezvous against a buffered channel (claims/channel-buffering.toml).
//
// Every channel variant runs under both wait policies of analogues/channel.hpp, because the
// policy decides the result by orders of magnitude (CLAIMS.md, "blocking is not parking"):
//  - block: a waiter sleeps on a futex at once, so every hand-off to a waiting peer is a futex
//    wake and an OS context switch (OS threads hand-off);
//  - spin: spin_then_park, the waiter spins ~256 PAUSEs on its own flag before it sleeps; a
//    peer on another core is caught spinning when it is running (spinning OS threads);
//  - goroutine (BM_Counter/goroutine-channel, BM_ChannelBuffering/goroutines): both ends are
//    goroutines of one user-space P (go_sched.hpp), Go's hand-off: park the fiber, the peer
//    readies it into runnext, no kernel involved.
// Context switches are counted for both threads: the harness's 'context-switches' event covers
// the benchmark thread only, so both threads also read getrusage(RUSAGE_THREAD) (voluntary +
// involuntary, the same kernel count) and publish producer_cs, the peer's owner_cs or
// consumer_cs, and their sum pair_cs.
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3, x86-64),
// checked for each hot loop:
//  - BM_Counter/atomic: an inner loop of 64 × (`lock addq $0x1,g_atomic`; sub; jne), not
//    unrolled: one locked RMW per op, not folded into one add of 64.
//  - BM_Counter/mutex: an inner loop of 64 × (call pthread_mutex_lock; `addq $0x1` on the
//    counter in memory, g_mutex+0x28, the same line as the mutex; call pthread_mutex_unlock): the
//    lock calls are opaque, so every increment is a real RMW inside its own critical section.
//  - channel variants: Channel::send is inlined into the timed loop: per iteration the
//    SpinParkMutex `lock cmpxchg`, the closed/receiver-queue/ring tests, the ring write (or the
//    hand-off and, for a sleeping peer, the futex wake syscall), the unlock's `lock subl`; the
//    blocking path (PAUSE spin loop, futex wait, or the fiber park) sits out of line. One send
//    per iteration, nothing hoisted. goroutine variants: the same send, inside the producer
//    fiber's loop; a park or ready is a virtual call into GoScheduler (two fiber jumps).
#include <sys/resource.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "analogues/channel.hpp"
#include "analogues/go_sched.hpp"
#include "claimbench/measure/bench.hpp"

namespace {

using claimbench::go::Channel;
using claimbench::go::GoScheduler;
using claimbench::go::WaitPolicy;

constexpr int kOpsPerIteration = 64;      // atomic and mutex: amortises the loop (~1 ns/iteration)
constexpr int kMessagesPerIteration = 1;  // channels: ≥ 100 ns per message dwarfs the loop

// Context switches of the calling thread so far, voluntary (it blocked) plus involuntary (it
// was preempted): the count the 'context-switches' software event reads, per thread.
double thread_context_switches() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return static_cast<double>(usage.ru_nvcsw + usage.ru_nivcsw);
}

double thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

// A thread the benchmark starts itself (the counter's owner, the consumer): pinned to PU
// `pu_index` of the placement, it counts its own context switches and CPU time over its whole
// life. That window is a little wider than the timed loop (start-up, the final drain, the wake
// by close): at most a few switches per run against thousands of messages.
class PeerThread {
 public:
  template <class Body>
  PeerThread(std::size_t pu_index, Body body)
      : thread_([this, pu_index, body = std::move(body)]() mutable {
          pu_ = claimbench::pin_extra_thread(pu_index);
          const double switches = thread_context_switches();
          const double cpu = thread_cpu_ns();
          body();
          context_switches_ = thread_context_switches() - switches;
          cpu_ns_ = thread_cpu_ns() - cpu;
        }) {}
  PeerThread(const PeerThread&) = delete;
  PeerThread& operator=(const PeerThread&) = delete;
  ~PeerThread() {
    if (thread_.joinable()) thread_.join();
  }

  void join() { thread_.join(); }
  // Valid after join().
  double context_switches() const { return context_switches_; }
  double cpu_ns() const { return cpu_ns_; }
  int pu() const { return pu_; }

 private:
  int pu_ = -1;
  double context_switches_ = 0;
  double cpu_ns_ = 0;
  std::thread thread_;  // last: starts after the fields above are initialised
};

// Per-iteration counters (the harness divides them by ops per iteration): `prefix`_cs and
// `prefix`_cpu_ns for the peer, producer_cs for the benchmark thread, pair_cs for both.
void publish_peer(benchmark::State& state, const char* prefix, const PeerThread& peer,
                  double producer_cs) {
  using benchmark::Counter;
  const std::string name(prefix);
  state.counters[name + "_cs"] = Counter(peer.context_switches(), Counter::kAvgIterations);
  state.counters[name + "_cpu_ns"] = Counter(peer.cpu_ns(), Counter::kAvgIterations);
  state.counters["producer_cs"] = Counter(producer_cs, Counter::kAvgIterations);
  state.counters["pair_cs"] =
      Counter(producer_cs + peer.context_switches(), Counter::kAvgIterations);
  state.counters[name + "/pu"] = Counter(peer.pu());
}

// Goroutine policy: the benchmark's producer and the peer (owner or consumer) are goroutines of
// one GoScheduler on the benchmark thread (one P, see go_sched.hpp), the peer started first as
// with `go consume(ch)` before the loop. `peer` runs `consume(value)` for each value received;
// the timed loop sends `next++` per iteration. Returns the thread's context switches over the
// whole run (both goroutines share the thread: that count is the pair's). One message is a send
// (inlined: SpinParkMutex CAS, queue tests, hand-off or ring write, XADD unlock) plus, when the
// peer must run, two fiber jumps through the scheduler loop (runnext pop).
template <class Consume>
double run_goroutine_pair(claimbench::BenchThread& thread, Channel<std::int64_t>& channel,
                          Consume consume, std::int64_t& next) {
  const double switches = thread_context_switches();
  GoScheduler p;
  p.go([&] {
    while (auto value = channel.recv())
      consume(*value);
  });
  p.go([&] {
    for (auto _ : thread)
      channel.send(next++);
    channel.close();
  });
  p.run();
  return thread_context_switches() - switches;
}

void publish_goroutine_pair(benchmark::State& state, double pair_cs) {
  using benchmark::Counter;
  state.counters["producer_cs"] = Counter(pair_cs, Counter::kAvgIterations);
  state.counters["pair_cs"] = Counter(pair_cs, Counter::kAvgIterations);
}

// ---- atomic-mutex-channel ---------------------------------------------------------------

// One counter shared by every thread of a run, on a line of its own (no false sharing with
// anything else); the mutex sits next to the value it guards, as in struct{mu; n}.
struct alignas(64) AtomicCounter {
  std::atomic<std::int64_t> value{0};
};
struct alignas(64) MutexCounter {
  std::mutex mu;
  std::int64_t value = 0;
};
AtomicCounter g_atomic;
MutexCounter g_mutex;

void BM_Counter_Atomic(benchmark::State& state) {
  claimbench::BenchThread thread(state, kOpsPerIteration);
  for (auto _ : thread) {
    // atomic.AddInt64 is LOCK XADD on x86 whatever its ordering; relaxed compiles the same.
    for (int i = 0; i < kOpsPerIteration; ++i)
      g_atomic.value.fetch_add(1, std::memory_order_relaxed);
  }
}

void BM_Counter_Mutex(benchmark::State& state) {
  claimbench::BenchThread thread(state, kOpsPerIteration);
  for (auto _ : thread) {
    for (int i = 0; i < kOpsPerIteration; ++i) {
      std::lock_guard lock(g_mutex.mu);
      ++g_mutex.value;
    }
  }
}

// Channel arguments of both families, as Google Benchmark arguments so the variants are one
// product rather than a table of registrations.
WaitPolicy policy_arg(std::int64_t spin) {
  return spin != 0 ? WaitPolicy::spin_then_park : WaitPolicy::block;
}

// The Go idiom "share memory by communicating": one goroutine owns the counter and applies the
// increments it receives (`for d := range ch { n += d }`); the benchmark thread sends them.
// Arguments: spin (0 = block, 1 = spin_then_park), cap (channel capacity).
void BM_Counter_Channel(benchmark::State& state) {
  claimbench::BenchThread thread(state, kMessagesPerIteration);
  Channel<std::int64_t> increments(static_cast<std::size_t>(state.range(1)),
                                   policy_arg(state.range(0)));
  std::int64_t owned = 0;  // the owner's; read here only after join
  PeerThread owner(1, [&] {
    while (auto delta = increments.recv())
      owned += *delta;
  });
  const double switches = thread_context_switches();
  for (auto _ : thread)
    increments.send(1);
  const double producer_cs = thread_context_switches() - switches;
  increments.close();
  owner.join();
  if (state.error_occurred()) return;  // BenchThread could not pin or count
  if (owned != static_cast<std::int64_t>(state.iterations())) {
    state.SkipWithError("the owner applied a different number of increments than were sent");
    return;
  }
  publish_peer(state, "owner", owner, producer_cs);
}

// The same owner idiom with Go's hand-off (WaitPolicy::goroutine): what `go owner(ch)` and the
// benchmark goroutine's sends do in Go, a user-space switch per rendezvous. Argument: cap.
void BM_Counter_GoroutineChannel(benchmark::State& state) {
  claimbench::BenchThread thread(state, kMessagesPerIteration);
  Channel<std::int64_t> increments(static_cast<std::size_t>(state.range(0)), WaitPolicy::goroutine);
  std::int64_t owned = 0;
  std::int64_t sent = 0;
  const double cs = run_goroutine_pair(
      thread, increments, [&](std::int64_t) { ++owned; }, sent);
  if (state.error_occurred()) return;  // BenchThread could not pin or count
  if (owned != static_cast<std::int64_t>(state.iterations())) {
    state.SkipWithError("the owner applied a different number of increments than were sent");
    return;
  }
  publish_goroutine_pair(state, cs);
}

BENCHMARK(BM_Counter_Atomic)->Name("BM_Counter/atomic")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_Counter_Mutex)->Name("BM_Counter/mutex")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_Counter_Channel)
    ->Name("BM_Counter/channel")
    ->ArgNames({"spin", "cap"})
    ->ArgsProduct({{0, 1}, {0, 128}})
    ->UseRealTime();
BENCHMARK(BM_Counter_GoroutineChannel)
    ->Name("BM_Counter/goroutine-channel")
    ->ArgNames({"cap"})
    ->Arg(0)
    ->Arg(128)
    ->UseRealTime();

// ---- channel-buffering ------------------------------------------------------------------

// Producer (the benchmark thread, placement PU 0) sends 0, 1, 2, ...; the consumer sums what it
// receives, so the values are used and the sum proves every message arrived once.
// Arguments: cores (2 = consumer on placement PU 1, 1 = consumer on PU 0 with the producer),
// spin (0 = block, 1 = spin_then_park), cap (channel capacity).
void BM_ChannelBuffering(benchmark::State& state) {
  claimbench::BenchThread thread(state, kMessagesPerIteration);
  const auto consumer_pu = static_cast<std::size_t>(state.range(0) - 1);
  Channel<std::int64_t> channel(static_cast<std::size_t>(state.range(2)),
                                policy_arg(state.range(1)));
  std::int64_t sum = 0;  // the consumer's; read here only after join
  PeerThread consumer(consumer_pu, [&] {
    while (auto value = channel.recv())
      sum += *value;
  });
  std::int64_t next = 0;
  const double switches = thread_context_switches();
  for (auto _ : thread)
    channel.send(next++);
  const double producer_cs = thread_context_switches() - switches;
  channel.close();
  consumer.join();
  if (state.error_occurred()) return;  // BenchThread could not pin or count
  if (sum != next * (next - 1) / 2) {
    state.SkipWithError("the consumer's sum does not match the messages sent");
    return;
  }
  publish_peer(state, "consumer", consumer, producer_cs);
}

BENCHMARK(BM_ChannelBuffering)
    ->ArgNames({"cores", "spin", "cap"})
    ->ArgsProduct({{2, 1}, {0, 1}, {0, 1, 128}})
    ->UseRealTime();

// Goroutine policy (one P, go_sched.hpp): producer and consumer are goroutines on the benchmark
// thread, Go's hand-off through runnext. Go collapses a two-P ping-pong onto one P the same way
// (runnext is not stolen for ~3 µs), so this stands for both placements. Argument: cap.
void BM_ChannelBuffering_Goroutines(benchmark::State& state) {
  claimbench::BenchThread thread(state, kMessagesPerIteration);
  Channel<std::int64_t> channel(static_cast<std::size_t>(state.range(0)), WaitPolicy::goroutine);
  std::int64_t sum = 0;
  std::int64_t next = 0;
  const double cs = run_goroutine_pair(
      thread, channel, [&](std::int64_t v) { sum += v; }, next);
  if (state.error_occurred()) return;  // BenchThread could not pin or count
  if (sum != next * (next - 1) / 2) {
    state.SkipWithError("the consumer's sum does not match the messages sent");
    return;
  }
  publish_goroutine_pair(state, cs);
}

BENCHMARK(BM_ChannelBuffering_Goroutines)
    ->Name("BM_ChannelBuffering/goroutines")
    ->ArgNames({"cap"})
    ->Arg(0)
    ->Arg(1)
    ->Arg(128)
    ->UseRealTime();

// Counters claim files may name as a metric (bench.hpp: declare_counters).
[[maybe_unused]] const bool channelbuffering_counters =
    claimbench::declare_counters("BM_ChannelBuffering", {"pair_cs", "producer_cs"});

}  // namespace
