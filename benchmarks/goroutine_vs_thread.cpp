// OS threads vs goroutines: claims/goroutine-vs-thread.toml (BM_Switch, BM_Spawn,
// BM_IdleMemory).
//
// Go multiplexes goroutines onto OS threads in user space. The goroutine variants the checks
// use run the twins' own programs on GoProc (analogues/go_proc.hpp), a model of one Go 1.19 P
// whose goroutines are Boost.Context fibers: a channel ping-pong (BM_Switch/goroutine) and
// `go f()` + a channel receive (BM_Spawn/goroutine), with newproc's G free list, runnext, and
// the clock reads schedule() makes. A bare fiber jump (BM_Switch/fiber), a yield through a
// scheduler loop (fiber-g0) and a malloc'd fiber run once (BM_Spawn/fiber) stay as references:
// measured against the twins they were 5-10× below Go's switch and 2-5× below its spawn, which
// is why the checks moved off them. The thread side uses the cheapest OS hand-off there is (a
// bare futex, no mutex, no spinning), so the thread/goroutine ratios are, if anything, low.
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3, x86-64),
// checked for each hot loop:
//  - BM_Switch/fiber: the timed loop is `call jump_fcontext@plt; mov %rax,%rbx; sub $1; jne`,
//    and the peer's loop (fiber_entry<...BM_Switch_Fiber...>) is `call jump_fcontext@plt`, a
//    reload of `stop` from memory, `je` back: one real jump each way per iteration.
//  - BM_Switch/fiber-g0: per step, index `and $3` into the ring, take the handle (store 0),
//    `call jump_fcontext@plt`, store the returned handle at the tail: the queue work is done.
//  - BM_Switch/goroutine: the main goroutine's loop (fiber_entry<...BM_Switch_Goroutine...
//    lambda#2>) calls Channel<long>::send out of line and inlines pong.recv: the SpinParkMutex
//    `lock cmpxchg`, the sender-queue test, the waiter enqueue, the unlock's `lock subl` and
//    the park (a `call *%rax` into GoProc, or inlined: the tracking test, clock_gettime on the
//    tracked path, `call jump_fcontext@plt`). GoProc::run calls
//    clock_gettime@plt before each pick (checkTimers with the alarm pending), a second one on
//    the tracked path, and jump_fcontext to resume: nothing hoisted out of the loop.
//  - BM_Spawn/goroutine: per iteration `operator new` (the closure), make_fcontext and the
//    set-up jump_fcontext on the recycled stack (no stack allocation after the first), the
//    inlined recv (`lock cmpxchg`, park); the child's fiber calls Channel::send, and at its end
//    ontop_fcontext back to g0, `operator delete` of the closure.
//  - BM_Spawn/thread: the child's _M_run is `addq $1,(%rax)`; the loop calls
//    std::thread::_M_start_thread and join each iteration. BM_Spawn/fiber: malloc, canary store,
//    make_fcontext, jump_fcontext, then fiber_exit frees through MallocStack::deallocate.
//  - touch_stack: a byte-store loop over the 256-byte frame (`mov %al,-0x78(%rsp,%rdx,1)`),
//    not removed (volatile).
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/context/fiber.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <latch>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "analogues/channel.hpp"
#include "analogues/go_proc.hpp"
#include "claimbench/error.hpp"
#include "claimbench/measure/bench.hpp"
#include "claimbench/measure/run_config.hpp"

namespace {

namespace ctx = boost::context;

using claimbench::placement_pus;
using claimbench::go::Channel;
using claimbench::go::GoProc;
using claimbench::go::WaitPolicy;

// The benchmark loop's own goroutine runs BenchThread's bookkeeping (timers, counter reads):
// it gets a large stack (256 KiB, as go_sched.hpp gives its goroutines).
constexpr std::size_t kMainGoroutineStackBytes = 256 * 1024;

// The twins run in a Go test binary, whose P always holds a pending timer: testing's
// -test.timeout alarm (time.AfterFunc, 10 minutes). With it, every schedule() reads the clock
// (go_proc.hpp: checkTimers). The C++ P gets the same alarm, never due within a benchmark.
void start_test_alarm(GoProc& p) {
  constexpr std::int64_t kTenMinutesNs = 600'000'000'000;
  p.start_timer(GoProc::nanotime() + kTenMinutesNs, [] {});
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

// A bare futex: what every blocking hand-off between OS threads ends in. std::atomic::wait
// spins and calls sched_yield before it sleeps, which would blur the thread switch.
static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
}

void futex_wake(std::atomic<std::uint32_t>& word, int waiters) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, waiters, nullptr,
          nullptr, 0);
}

// Go's _StackMin: the stack a new goroutine starts with (the claim's "~2 KB"). Go grows it on
// demand; a fiber cannot, so every fiber stack carries a canary at its bottom that is checked
// when the fiber ends. A fiber here needs about 0.8 KiB (1.2 KiB at -O0), measured by filling a
// stack with a pattern -- once the dynamic linker has bound jump_fcontext and ontop_fcontext:
// the first, lazy binding saves the whole AVX register file on the current stack (~3.5 KiB).
constexpr std::size_t kGoroutineStackBytes = 2048;
constexpr std::uint64_t kCanary = 0x5ca1ab1e0ddba115ull;

void plant_canary(void* bottom) {
  std::memcpy(bottom, &kCanary, sizeof kCanary);
}

void check_canary(const void* bottom) {
  std::uint64_t value = 0;
  std::memcpy(&value, bottom, sizeof value);
  CB_CHECK(value == kCanary, "a 2 KiB fiber stack overflowed");
}

/// Binds the context-switch entry points while running on the thread's own large stack, so the
/// lazy binding never runs on a 2 KiB fiber stack (see kGoroutineStackBytes).
void bind_context_switch_symbols() {
  static const bool bound = [] {
    ctx::fiber warm{[](ctx::fiber&& back) {
      back = std::move(back).resume();
      return std::move(back);
    }};
    warm = std::move(warm).resume();
    warm = std::move(warm).resume();  // the fiber returns: ontop_fcontext is bound too
    return true;
  }();
  (void)bound;
}

/// A 2 KiB stack from malloc per fiber: what Go's malg does when the P has no dead G to reuse.
struct MallocStack {
  ctx::stack_context allocate() {
    void* bottom = std::malloc(kGoroutineStackBytes);
    if (bottom == nullptr) throw std::bad_alloc();
    plant_canary(bottom);
    ctx::stack_context stack;
    stack.size = kGoroutineStackBytes;
    stack.sp = static_cast<char*>(bottom) + kGoroutineStackBytes;
    return stack;
  }
  void deallocate(ctx::stack_context& stack) noexcept {
    void* bottom = static_cast<char*>(stack.sp) - stack.size;
    check_canary(bottom);
    std::free(bottom);
  }
};

/// Many 2 KiB stacks side by side in one fresh mapping, as Go carves goroutine stacks out of
/// spans: two stacks share a 4 KiB page, and a page is resident only once something touches it.
/// Fresh per use, so resident memory measured around it starts from zero.
class StackArena {
 public:
  explicit StackArena(std::size_t slots) : bytes_(slots * kGoroutineStackBytes) {
    void* base = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CB_CHECK(base != MAP_FAILED, "mmap of the fiber stack arena failed");
    base_ = static_cast<char*>(base);
  }
  ~StackArena() { munmap(base_, bytes_); }
  StackArena(const StackArena&) = delete;
  StackArena& operator=(const StackArena&) = delete;
  char* bottom(std::size_t slot) const { return base_ + slot * kGoroutineStackBytes; }

 private:
  std::size_t bytes_;
  char* base_ = nullptr;
};

/// Stack allocator for one arena slot. The canary at the bottom lies in the same page as the
/// stack's top (4096 is a multiple of 2048), so it adds nothing to resident memory.
struct ArenaStack {
  const StackArena* arena;
  std::size_t slot;
  ctx::stack_context allocate() {
    char* bottom = arena->bottom(slot);
    plant_canary(bottom);
    ctx::stack_context stack;
    stack.size = kGoroutineStackBytes;
    stack.sp = bottom + kGoroutineStackBytes;
    return stack;
  }
  void deallocate(ctx::stack_context& stack) noexcept {
    check_canary(static_cast<char*>(stack.sp) - stack.size);  // the arena unmaps it later
  }
};

// ---------------------------------------------------------------------------------------------
// BM_Switch: one hand-off of control between two units of execution.

constexpr std::uint32_t kMainTurn = 0;
constexpr std::uint32_t kPartnerTurn = 1;

// Two OS threads pass a token through a futex word. Each hand-off wakes the other thread in the
// kernel and puts this one to sleep: on one PU that is a full context switch, on two PUs a
// cross-PU wake-up (an IPI, and in a VM a halted vCPU to restart). One op is one hand-off.
void BM_Switch_Thread(benchmark::State& state, bool same_pu) {
  claimbench::BenchThread thread(state, 2);  // there and back
  if (!same_pu && placement_pus() < 2) {
    state.SkipWithError("needs 2 PUs in the placement");
    return;
  }
  std::atomic<std::uint32_t> turn{kMainTurn};
  std::atomic<bool> stop{false};
  std::thread partner([&] {
    claimbench::pin_extra_thread(same_pu ? 0 : 1);  // benchmark thread 0 has pus[0]
    for (;;) {
      while (turn.load(std::memory_order_acquire) != kPartnerTurn)
        futex_wait(turn, kMainTurn);
      if (stop.load(std::memory_order_relaxed)) return;
      turn.store(kMainTurn, std::memory_order_release);
      futex_wake(turn, 1);
    }
  });
  for (auto _ : thread) {
    turn.store(kPartnerTurn, std::memory_order_release);
    futex_wake(turn, 1);
    while (turn.load(std::memory_order_acquire) != kMainTurn)
      futex_wait(turn, kPartnerTurn);
  }
  stop.store(true, std::memory_order_relaxed);
  turn.store(kPartnerTurn, std::memory_order_release);
  futex_wake(turn, 1);
  partner.join();
}

// Two fibers on one thread jump back and forth: the bare user-space switch (save callee-saved
// registers, swap stack pointers). One op is one jump.
void BM_Switch_Fiber(benchmark::State& state) {
  claimbench::BenchThread thread(state, 2);  // into the peer and back
  bind_context_switch_symbols();
  bool stop = false;
  ctx::fiber peer{std::allocator_arg, MallocStack{}, [&stop](ctx::fiber&& back) {
                    while (!stop)
                      back = std::move(back).resume();
                    return std::move(back);
                  }};
  for (auto _ : thread) {
    peer = std::move(peer).resume();
  }
  stop = true;
  peer = std::move(peer).resume();  // the peer sees stop and returns
}

// Go's goroutine switch is not one jump: the running G calls into the scheduler on the M's g0
// stack (mcall), schedule() takes the next G from the P's run queue, and gogo jumps to it. This
// variant keeps that shape: each goroutine-fiber yields to a scheduler loop on the thread's own
// stack (the g0), which pops the next fiber from a FIFO run queue, resumes it and queues the
// one that yielded. One op is one goroutine-to-goroutine switch: two jumps, a pop and a push.
void BM_Switch_FiberScheduler(benchmark::State& state) {
  constexpr std::size_t kGoroutines = 2;
  constexpr std::size_t kSlots = 4;  // ring capacity, a power of two > kGoroutines
  claimbench::BenchThread thread(state, kGoroutines);
  bind_context_switch_symbols();
  bool stop = false;
  std::array<std::uint64_t, kGoroutines> steps{};
  std::array<ctx::fiber, kSlots> run_queue;
  std::size_t head = 0;
  std::size_t tail = 0;
  for (std::size_t g = 0; g < kGoroutines; ++g) {
    run_queue[tail++ % kSlots] =
        ctx::fiber{std::allocator_arg, MallocStack{}, [&stop, &steps, g](ctx::fiber&& g0) {
                     while (!stop) {
                       ++steps[g];
                       g0 = std::move(g0).resume();  // gopark/Gosched: back to the scheduler
                     }
                     return std::move(g0);
                   }};
  }
  auto schedule_one = [&] {
    ctx::fiber next = std::move(run_queue[head++ % kSlots]);
    next = std::move(next).resume();  // runs until it yields
    if (next) run_queue[tail++ % kSlots] = std::move(next);
  };
  for (auto _ : thread) {
    for (std::size_t i = 0; i < kGoroutines; ++i)
      schedule_one();
  }
  const auto iterations = static_cast<std::uint64_t>(state.iterations());
  const bool fair = steps[0] == iterations && steps[1] == iterations;
  stop = true;
  while (head != tail)
    schedule_one();  // each goroutine sees stop and returns
  if (!fair) state.SkipWithError("the run queue did not alternate the goroutines");
}

// Go's own switch, as the twin measures it (BenchmarkSwitch/goroutine): two goroutines of one P
// ping-pong a token over two unbuffered channels. Each hand-off is a channel operation that
// finds its peer parked (lock, take the waiter, copy the value, goready: runqput into runnext)
// and one that parks (enqueue a waiter, gopark: switch to g0, schedule() takes runnext, gogo).
// Here the same steps, through the project's models of both: Channel with WaitPolicy::goroutine
// (channel.hpp) and GoProc (go_proc.hpp, one P with the test alarm pending, so each schedule()
// reads the clock as Go's does). One op is one switch; a round trip is two.
void BM_Switch_Goroutine(benchmark::State& state) {
  claimbench::BenchThread thread(state, 2);
  bind_context_switch_symbols();
  Channel<std::int64_t> ping(0, WaitPolicy::goroutine);
  Channel<std::int64_t> pong(0, WaitPolicy::goroutine);
  std::int64_t v = 0;
  GoProc p;
  start_test_alarm(p);
  p.go([&] {  // the partner, started first as `go partner()` before the loop
    while (auto x = ping.recv())
      pong.send(*x + 1);
  });
  p.go(
      [&] {
        for (auto _ : thread) {
          ping.send(v);
          v = *pong.recv();
        }
        ping.close();
      },
      kMainGoroutineStackBytes);
  p.run();
  benchmark::DoNotOptimize(p.tracked_runnable_ns());
  if (v != static_cast<std::int64_t>(state.iterations()))
    state.SkipWithError("the token did not make every round trip");
}

BENCHMARK_CAPTURE(BM_Switch_Thread, same_pu, true)->Name("BM_Switch/thread-same-pu")->UseRealTime();
BENCHMARK_CAPTURE(BM_Switch_Thread, two_pus, false)
    ->Name("BM_Switch/thread-two-pus")
    ->UseRealTime();
BENCHMARK(BM_Switch_Fiber)->Name("BM_Switch/fiber")->UseRealTime();
BENCHMARK(BM_Switch_FiberScheduler)->Name("BM_Switch/fiber-g0")->UseRealTime();
BENCHMARK(BM_Switch_Goroutine)->Name("BM_Switch/goroutine")->UseRealTime();

// ---------------------------------------------------------------------------------------------
// BM_Spawn: start a unit of execution, let it run a trivial body, and wait for its end.

// std::thread: clone, a stack from glibc's cache of recently freed stacks (or a fresh 8 MiB
// mmap), the thread's start-up, exit and join. The child inherits this thread's PU.
void BM_Spawn_Thread(benchmark::State& state) {
  claimbench::BenchThread thread(state, 1);
  std::uint64_t ran = 0;  // written by the child; join orders it before the read below
  for (auto _ : thread) {
    std::thread child([&ran] { ++ran; });
    child.join();
  }
  if (ran != static_cast<std::uint64_t>(state.iterations()))
    state.SkipWithError("a child thread did not run");
}

// A fiber with a fresh 2 KiB stack from malloc runs to completion at once, as `go f()` followed
// by f returning: create (malloc, build the initial frame), switch in, run, switch out, free.
void BM_Spawn_Fiber(benchmark::State& state) {
  claimbench::BenchThread thread(state, 1);
  bind_context_switch_symbols();
  std::uint64_t ran = 0;
  for (auto _ : thread) {
    ctx::fiber child{std::allocator_arg, MallocStack{}, [&ran](ctx::fiber&& parent) {
                       ++ran;
                       return std::move(parent);
                     }};
    child = std::move(child).resume();  // the child ran and ended; `child` is empty again
  }
  if (ran != static_cast<std::uint64_t>(state.iterations()))
    state.SkipWithError("a child fiber did not run");
}

// Go's `go f()` as the twin writes it (BenchmarkSpawn/goroutine: `go func(i int) { done <- i }(i)`
// then `<-done`), on GoProc (go_proc.hpp, one P with the test alarm pending): newproc takes a
// dead G and its 2 KiB stack from the P's free list and puts it in runnext; the parent's
// receive parks it (gopark, schedule() runs the child from runnext); the child's send finds the
// parent waiting and readies it; the child returns (goexit0: gfput) and the parent runs. The go
// statement's closure escapes to the heap in Go (the twin reports 2 allocs, 40 B per op: the
// func value capturing `done` and the wrapper capturing the argument); here one heap cell holds
// both, freed when the child is done (Go's GC frees them later). Boost.Context adds one jump
// pair per spawn that Go does not make (a new fiber jumps in once to set up its record). One op
// is one spawn, run and finish.
void BM_Spawn_Goroutine(benchmark::State& state) {
  claimbench::BenchThread thread(state, 1);
  bind_context_switch_symbols();
  struct Closure {
    Channel<std::uint64_t>* done;
    std::uint64_t i;
  };
  Channel<std::uint64_t> done(0, WaitPolicy::goroutine);
  std::uint64_t sum = 0;
  std::uint64_t spawned = 0;
  GoProc p;
  start_test_alarm(p);
  p.go(
      [&] {
        for (auto _ : thread) {
          p.go([closure = std::make_unique<Closure>(Closure{&done, spawned})] {
            closure->done->send(closure->i);
          });
          sum += *done.recv();
          ++spawned;
        }
      },
      kMainGoroutineStackBytes);
  p.run();
  benchmark::DoNotOptimize(p.tracked_runnable_ns());
  const std::uint64_t n = spawned;
  if (n != static_cast<std::uint64_t>(state.iterations()) || sum != n * (n - 1) / 2)
    state.SkipWithError("a child goroutine did not run");
  else if (n > 0 && p.gs_created() > 2)  // the main G and one recycled child
    state.SkipWithError("newproc did not reuse the dead G and its stack");
}

BENCHMARK(BM_Spawn_Thread)->Name("BM_Spawn/thread")->UseRealTime();
BENCHMARK(BM_Spawn_Fiber)->Name("BM_Spawn/fiber")->UseRealTime();
BENCHMARK(BM_Spawn_Goroutine)->Name("BM_Spawn/goroutine")->UseRealTime();

// ---------------------------------------------------------------------------------------------
// BM_IdleMemory: what a parked unit costs in memory, resident and reserved.

// 2,000 units per iteration, not 10,000: creating 10k threads takes 1.5-3 s on this 2-vCPU VM
// (~150 µs each), which would blow the claim's time budget; per-unit memory does not depend on
// the count, and 2,000 threads already reserve 16 GiB of address space.
constexpr std::size_t kIdleUnits = 2000;

// A parked goroutine or thread has a few frames on its stack: both kinds of unit write the same
// 256 bytes of locals before they park.
[[gnu::noinline]] void touch_stack() {
  volatile unsigned char frame[256];
  for (unsigned i = 0; i < sizeof frame; ++i)
    frame[i] = static_cast<unsigned char>(i);
}

struct Memory {
  double resident = 0;  ///< bytes, exact (smaps_rollup walks the page tables)
  double reserved = 0;  ///< bytes of address space (statm size)
};

/// Reads a /proc file into a stack buffer: no malloc, so the reading itself adds no heap.
std::string_view read_proc(const char* path, std::array<char, 4096>& buffer) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  CB_CHECK(fd >= 0, "cannot open a /proc/self file");
  std::size_t used = 0;
  for (;;) {
    const ssize_t got = read(fd, buffer.data() + used, buffer.size() - 1 - used);
    if (got <= 0) break;
    used += static_cast<std::size_t>(got);
  }
  close(fd);
  return {buffer.data(), used};
}

// statm's resident field is read from per-CPU counters that may lag by up to 64 pages per CPU
// (kernel 6.2+), megabytes on a big machine; smaps_rollup is exact.
Memory read_memory() {
  std::array<char, 4096> buffer{};
  Memory memory;
  const std::string_view rollup = read_proc("/proc/self/smaps_rollup", buffer);
  const auto rss = rollup.find("\nRss:");
  CB_CHECK(rss != std::string_view::npos, "no Rss line in /proc/self/smaps_rollup");
  memory.resident = 1024.0 * std::strtod(rollup.data() + rss + 5, nullptr);
  const std::string_view statm = read_proc("/proc/self/statm", buffer);
  memory.reserved =
      static_cast<double>(sysconf(_SC_PAGESIZE)) * std::strtod(std::string(statm).c_str(), nullptr);
  return memory;
}

void publish_memory(benchmark::State& state, const Memory& total) {
  // Summed over iterations; the harness divides by ops (units), so a check sees bytes per unit.
  state.counters["rss_bytes"] =
      benchmark::Counter(total.resident, benchmark::Counter::kAvgIterations);
  state.counters["vm_bytes"] =
      benchmark::Counter(total.reserved, benchmark::Counter::kAvgIterations);
}

// kIdleUnits threads with glibc's default stacks (RLIMIT_STACK, 8 MiB here, plus a guard page),
// each parked on a latch; memory is read when all have parked.
void BM_IdleMemory_Thread(benchmark::State& state) {
  claimbench::BenchThread thread(state, kIdleUnits);
  Memory total;
  for (auto _ : thread) {
    std::vector<std::thread> parked;
    parked.reserve(kIdleUnits);
    std::latch arrived(static_cast<std::ptrdiff_t>(kIdleUnits));
    std::latch release(1);
    std::string failure;
    const Memory before = read_memory();
    try {
      for (std::size_t i = 0; i < kIdleUnits; ++i) {
        parked.emplace_back([&] {
          touch_stack();
          arrived.count_down();
          release.wait();
        });
      }
    } catch (const std::system_error& error) {
      failure = std::to_string(parked.size()) + " threads, then: " + error.what();
    }
    if (failure.empty()) {
      arrived.wait();
      const Memory during = read_memory();
      total.resident += during.resident - before.resident;
      total.reserved += during.reserved - before.reserved;
    }
    release.count_down();
    for (auto& t : parked)
      t.join();
    if (!failure.empty()) {
      state.SkipWithError(
          ("cannot park " + std::to_string(kIdleUnits) + " threads here: created " + failure)
              .c_str());
      break;
    }
  }
  publish_memory(state, total);
}

// kIdleUnits threads made as Go's runtime makes its Ms when there is no cgo: Go clones each
// onto an 8 KiB g0 stack (proc.go allocm: malg(8192)) and installs a 32 KiB signal stack
// (os_linux.go mpreinit: malg(32 * 1024), minit: sigaltstack), both carved from its heap, and
// the locked goroutine runs on its own 2 KiB stack. Here: the smallest stack glibc starts a
// thread on (16 KiB, PTHREAD_STACK_MIN, or _SC_THREAD_STACK_MIN where the signal frame needs
// more: glibc keeps its thread descriptor and static TLS at the top, so 8 KiB + 2 KiB would not
// do) and a 32 KiB signal stack mapped for each, installed by the thread before it parks. Each
// touches the same 256 bytes of locals and waits on the same latch as the thread variant.
constexpr std::size_t kGoSignalStackBytes = 32 * 1024;

struct GoMStart {
  std::latch* arrived;
  std::latch* release;
  void* signal_stack;
};

void* go_m_main(void* arg) {
  const auto* start = static_cast<GoMStart*>(arg);
  stack_t alt{};
  alt.ss_sp = start->signal_stack;
  alt.ss_size = kGoSignalStackBytes;
  CB_CHECK(sigaltstack(&alt, nullptr) == 0, "sigaltstack failed");
  touch_stack();
  start->arrived->count_down();
  start->release->wait();
  return nullptr;
}

void BM_IdleMemory_GoThread(benchmark::State& state) {
  claimbench::BenchThread thread(state, kIdleUnits);
  const auto stack_min = std::max<long>(16384, sysconf(_SC_THREAD_STACK_MIN));
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, static_cast<std::size_t>(stack_min));
  Memory total;
  for (auto _ : thread) {
    std::vector<pthread_t> parked;  // parked[i] runs on starts[i].signal_stack
    parked.reserve(kIdleUnits);
    std::latch arrived(static_cast<std::ptrdiff_t>(kIdleUnits));
    std::latch release(1);
    std::vector<GoMStart> starts(kIdleUnits, GoMStart{&arrived, &release, nullptr});
    std::string failure;
    const Memory before = read_memory();
    for (std::size_t i = 0; i < kIdleUnits; ++i) {
      void* stack = mmap(nullptr, kGoSignalStackBytes, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (stack == MAP_FAILED) {
        failure = std::to_string(i) + " threads, then: mmap of a signal stack failed";
        break;
      }
      starts[i].signal_stack = stack;
      pthread_t id{};
      if (const int error = pthread_create(&id, &attr, go_m_main, &starts[i])) {
        munmap(stack, kGoSignalStackBytes);
        failure = std::to_string(i) + " threads, then: pthread_create: " + std::strerror(error);
        break;
      }
      parked.push_back(id);
    }
    if (failure.empty()) {
      arrived.wait();
      const Memory during = read_memory();
      total.resident += during.resident - before.resident;
      total.reserved += during.reserved - before.reserved;
    } else {
      for (std::size_t i = parked.size(); i < kIdleUnits; ++i)
        arrived.count_down();  // the units never started, so the ones that did can be released
    }
    release.count_down();
    for (std::size_t i = 0; i < parked.size(); ++i) {
      pthread_join(parked[i], nullptr);
      munmap(starts[i].signal_stack, kGoSignalStackBytes);
    }
    if (!failure.empty()) {
      state.SkipWithError(("cannot park " + std::to_string(kIdleUnits) +
                           " Go-style threads here: created " + failure)
                              .c_str());
      break;
    }
  }
  pthread_attr_destroy(&attr);
  publish_memory(state, total);
}

// kIdleUnits fibers with 2 KiB stacks from a fresh arena, each parked (suspended) after touching
// its stack; memory is read when all have parked, then each is resumed and runs to its end.
void BM_IdleMemory_Fiber(benchmark::State& state) {
  claimbench::BenchThread thread(state, kIdleUnits);
  bind_context_switch_symbols();
  Memory total;
  for (auto _ : thread) {
    std::vector<ctx::fiber> parked;
    parked.reserve(kIdleUnits);
    const Memory before = read_memory();
    StackArena arena(kIdleUnits);  // counted: the reservation is part of the fibers' cost
    for (std::size_t i = 0; i < kIdleUnits; ++i) {
      ctx::fiber unit{std::allocator_arg, ArenaStack{&arena, i}, [](ctx::fiber&& scheduler) {
                        touch_stack();
                        scheduler = std::move(scheduler).resume();  // park
                        return std::move(scheduler);
                      }};
      parked.push_back(std::move(unit).resume());  // runs until it parks
    }
    const Memory during = read_memory();
    total.resident += during.resident - before.resident;
    total.reserved += during.reserved - before.reserved;
    for (auto& unit : parked)
      unit = std::move(unit).resume();  // wake: it returns and its stack's canary is checked
  }
  publish_memory(state, total);
}

BENCHMARK(BM_IdleMemory_Thread)->Name("BM_IdleMemory/thread")->UseRealTime();
BENCHMARK(BM_IdleMemory_GoThread)->Name("BM_IdleMemory/go-thread")->UseRealTime();
BENCHMARK(BM_IdleMemory_Fiber)->Name("BM_IdleMemory/fiber")->UseRealTime();

// Counters claim files may name as a metric (bench.hpp: declare_counters).
[[maybe_unused]] const bool idle_memory_counters =
    claimbench::declare_counters("BM_IdleMemory", {"rss_bytes", "vm_bytes"});

}  // namespace
