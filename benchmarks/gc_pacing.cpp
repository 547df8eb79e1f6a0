// GC pacing (claims/gc-pacing.toml), measured on a PROXY: Boehm GC stands in for Go's collector.
// Both are non-moving, non-generational mark-sweep collectors, and both decide when to collect
// from how much has been allocated since the last cycle relative to what that cycle found live;
// Boehm marks with the world stopped and conservatively, Go concurrently and precisely, so the
// pacing arithmetic transfers, pause times do not.
//
// The knob. Go starts a cycle when the heap has grown by GOGC% of what was live (since Go 1.18:
// of live heap + stacks + globals) after the last cycle. Boehm (alloc.c) collects when an
// allocation finds no free space and the bytes allocated since the last cycle have reached
// (2·traced + untraced/4 + 2·stacks + static roots) / D, D being the free-space divisor
// (min_bytes_allocd); below that it grows the heap instead, by heap/D (at most 16 MiB at a time
// beyond the request). For traced (pointer-holding) data, which is what this workload keeps
// live, Boehm allows 2L/D of allocation where Go allows L·GOGC/100, so GOGC ≈ 200/D: D = 4, 2, 1
// ≈ GOGC 50, 100, 200. D is an integer, so GOGC 400 has no counterpart. Pointer-free ("atomic",
// Go's noscan) data counts 1/4 per byte in Boehm but fully in Go: a pointer-free ballast of B
// bytes raises Boehm's trigger by B/(4D), an eighth of what it buys in Go at the same setting.
//
// A fresh process per run. Boehm keeps the heap it has grown and uses free space before it
// considers collecting, so in one long-lived process a setting measured after a larger one
// inherits its heap and collects as rarely (seen here: GOGC-100-like and GOGC-200-like pacing
// gave the same count when run after the ballast variant). Each iteration therefore forks a
// child that initialises Boehm, builds the live set, warms up until the collector has run
// kWarmupCollections times (the heap has grown to what this setting needs; the ballast variant
// first uses up the free space that growing the heap around the ballast left), then runs
// kMeasuredBatches batches and reports over a pipe. The parent waits and publishes; the
// iteration's time is the child's measured phase only (UseManualTime).
//
// Workload (one op = one batch): 65,536 allocations of 64-byte pointer-holding objects, each
// stored into a random slot of a 16,384-slot table, so the object it replaces becomes garbage.
// The live set is the table plus one object per slot (~1.1 MiB); everything else dies young.
//
// Counters (per op = per batch, over the measured phase): gc_count (collections,
// GC_get_gc_no), gc_cpu_ns (CPU time of the thread between each collection's start and end
// events; the collector runs on the allocating thread, one marker), cpu_ns (process CPU time of
// the measured phase, allocation and collection), peak_heap_bytes (the heap in use, heap size
// minus free blocks, at the start of each collection, maximum over the phase: the heap just
// before a cycle, what GOGC sizes), heap_size_bytes (Boehm's mapped heap at the end; it never
// shrinks here), and for the ballast variant ballast_rss_bytes (resident memory the untouched
// ballast added).
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3, x86-64):
// batch() is inlined twice (warm-up and measured phase) into BM_GcPacing's body (child_main is
// inlined too); each copy is a counted loop of 65,536 steps: xorshift (shl/xor, shr/xor,
// shl/xor), g_table reloaded from memory, `and $0x3fff` for the slot, `mov $0x40,%edi; call
// GC_malloc@plt`, two payload stores into the new object and the store of its pointer into the
// slot: one real allocation per step, nothing hoisted or merged.
#define GC_THREADS  // declares the thread-registration API; nothing here creates threads
#include <gc.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>

#include "claimbench/measure/bench.hpp"
#include "claimbench/measure/child_processes.hpp"
#include "claimbench/measure/memory.hpp"

namespace {

constexpr std::size_t kSlots = std::size_t{1} << 14;  // live objects
constexpr int kAllocsPerBatch = 1 << 16;              // one op: 4 MiB of 64-byte objects
constexpr int kMeasuredBatches = 64;                  // 256 MiB allocated per measured phase
constexpr int kWarmupCollections = 4;
constexpr int kMaxWarmupBatches = 1024;  // 4 GiB: far beyond any setting's first 4 cycles
constexpr std::size_t kBallastBytes = std::size_t{256} << 20;

struct Node {  // 64 bytes, holds a pointer: Boehm traces it, as Go scans a pointerful object
  Node* next;
  std::uint64_t payload[7];
};
static_assert(sizeof(Node) == 64);

// Roots the collector sees (static data is scanned), so what they point to stays alive.
Node** g_table = nullptr;
void* g_ballast = nullptr;

double cpu_ns(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return 1e9 * static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec);
}

// Per-collection bookkeeping, written from the collection-event callback (it runs on the
// allocating thread with the allocator lock held; the child has one thread).
struct GcWatch {
  bool on = false;
  double started_cpu_ns = 0;
  double gc_cpu_ns = 0;
  std::size_t peak_in_use = 0;
};
GcWatch g_watch;

void on_collection_event(GC_EventType event) {
  if (!g_watch.on) return;
  if (event == GC_EVENT_START) {
    // Lock-free getters, documented as callable from a callback that holds the lock.
    const std::size_t in_use = GC_get_heap_size() - GC_get_free_bytes();
    if (in_use > g_watch.peak_in_use) g_watch.peak_in_use = in_use;
    g_watch.started_cpu_ns = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
  } else if (event == GC_EVENT_END) {
    g_watch.gc_cpu_ns += cpu_ns(CLOCK_THREAD_CPUTIME_ID) - g_watch.started_cpu_ns;
  }
}

std::uint64_t xorshift(std::uint64_t& x) {
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return x;
}

Node* new_node(std::uint64_t value) {
  auto* node = static_cast<Node*>(GC_MALLOC(sizeof(Node)));  // cleared: next is null
  node->payload[0] = value;
  node->payload[6] = ~value;
  return node;
}

void batch(std::uint64_t& x) {
  for (int i = 0; i < kAllocsPerBatch; ++i) {
    const std::uint64_t r = xorshift(x);
    g_table[r & (kSlots - 1)] = new_node(r);  // the replaced object becomes garbage
  }
}

/// What the child measured, sent to the parent as raw bytes over a pipe.
struct Report {
  double wall_ns = 0;
  double cpu_ns = 0;
  double gc_count = 0;
  double gc_cpu_ns = 0;
  double peak_in_use = 0;
  double heap_size = 0;
  double ballast_rss = 0;
  double warmup_batches = 0;
  int failure = 0;  ///< 0 ok, 1 ballast allocation failed, 2 warm-up saw no collections,
                    ///< 3 a live object was collected (a missing root)
};

[[noreturn]] void child_main(int fd, int divisor, bool ballast) {
  Report report;
  GC_set_markers_count(1);  // no parallel marker threads: all collection work on this thread
  // Roots: only the two globals that point into the collected heap. By default Boehm scans
  // every writable segment of the process as a root (bench's own data and that of each shared
  // library: several MiB) in every cycle, with the world stopped, and counts them in its
  // trigger; a small Go binary's globals are a few KiB, and Go scans them concurrently. With
  // the process's segments as roots, collection was most of the proxy's CPU and less-total-cpu
  // read 2.07x against Go's 1.14x (1.81x with these roots, quick run). GC_set_no_dls stops the
  // per-cycle re-registration of the shared libraries' segments; GC_clear_roots drops the main
  // program's. The thread stack is still scanned (it is not a static root); batch() keeps
  // nothing there that the table does not also hold (checked at the end: failure 3).
  GC_set_no_dls(1);
  GC_INIT();
  GC_clear_roots();
  GC_add_roots(static_cast<void*>(&g_table), static_cast<void*>(&g_table + 1));
  GC_add_roots(static_cast<void*>(&g_ballast), static_cast<void*>(&g_ballast + 1));
  GC_set_free_space_divisor(static_cast<GC_word>(divisor));
  GC_set_on_collection_event(on_collection_event);

  g_table = static_cast<Node**>(GC_MALLOC(kSlots * sizeof(Node*)));
  for (std::size_t i = 0; i < kSlots; ++i)
    g_table[i] = new_node(i);
  if (ballast) {
    // Pointer-free and never written, like Go's `make([]byte, 256<<20)` ballast: not scanned,
    // and not cleared by GC_MALLOC_ATOMIC, so its pages are never faulted in.
    const auto before = claimbench::resident_bytes();
    g_ballast = GC_MALLOC_ATOMIC(kBallastBytes);
    const auto after = claimbench::resident_bytes();
    if (g_ballast == nullptr) report.failure = 1;
    if (before && after) {
      report.ballast_rss = static_cast<double>(*after) - static_cast<double>(*before);
    }
  }
  GC_gcollect();  // a cycle with exactly this live set sets the first trigger

  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  const GC_word warm_start = GC_get_gc_no();
  int warmup = 0;
  while (report.failure == 0 && GC_get_gc_no() - warm_start < kWarmupCollections) {
    if (warmup == kMaxWarmupBatches) {
      report.failure = 2;
      break;
    }
    batch(x);
    ++warmup;
  }
  report.warmup_batches = warmup;

  if (report.failure == 0) {
    g_watch.on = true;
    const GC_word gcs_before = GC_get_gc_no();
    const double cpu_before = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
    const double wall_before = cpu_ns(CLOCK_MONOTONIC);
    for (int b = 0; b < kMeasuredBatches; ++b)
      batch(x);
    report.wall_ns = cpu_ns(CLOCK_MONOTONIC) - wall_before;
    report.cpu_ns = cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu_before;
    report.gc_count = static_cast<double>(GC_get_gc_no() - gcs_before);
    g_watch.on = false;
    report.gc_cpu_ns = g_watch.gc_cpu_ns;
    report.peak_in_use = static_cast<double>(g_watch.peak_in_use);
    report.heap_size = static_cast<double>(GC_get_heap_size());
    // A live object collected by mistake (a root missed) would be reused by the allocator:
    // every slot must still hold the pair of payload words new_node wrote.
    for (std::size_t i = 0; i < kSlots; ++i) {
      if (g_table[i]->payload[6] != ~g_table[i]->payload[0]) report.failure = 3;
    }
  }
  const char* bytes = reinterpret_cast<const char*>(&report);
  std::size_t left = sizeof report;
  while (left > 0) {
    const ssize_t wrote = write(fd, bytes, left);
    if (wrote <= 0 && errno != EINTR) break;
    if (wrote > 0) {
      bytes += wrote;
      left -= static_cast<std::size_t>(wrote);
    }
  }
  _exit(0);  // no atexit handlers, no destructors of bench's state in the child
}

/// Forks a child that runs the workload; returns its report, or an error message.
std::string run_child(int divisor, bool ballast, Report& report) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  // The child leads its own process group (set on both sides of the fork, so neither order
  // races) and is registered with the run, so an interrupt kills it rather than orphaning it.
  const pid_t pid = claimbench::start_child_process([&] {
    const pid_t child = fork();
    if (child == 0) {
      setpgid(0, 0);
      close(fds[0]);
      child_main(fds[1], divisor, ballast);
    }
    if (child > 0) setpgid(child, child);
    return child;
  });
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return "fork failed (or the run is ending)";
  }
  close(fds[1]);
  char* bytes = reinterpret_cast<char*>(&report);
  std::size_t got = 0;
  while (got < sizeof report) {
    const ssize_t n = read(fds[0], bytes + got, sizeof report - got);
    if (n == 0 || (n < 0 && errno != EINTR)) break;
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  claimbench::child_process_finished(pid);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got != sizeof report) {
    return "the Boehm GC child failed (" +
           (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                : "exit " + std::to_string(WEXITSTATUS(status))) +
           ")";
  }
  if (report.failure == 1) return "Boehm GC could not allocate the 256 MiB ballast";
  if (report.failure == 2) return "no collections during the warm-up";
  if (report.failure == 3) return "a live object was collected: a root is missing";
  return {};
}

void BM_GcPacing(benchmark::State& state, int divisor, bool ballast) {
  // The child's Boehm takes the main thread's stack bounds for its only thread: fork from the
  // main thread (Google Benchmark runs 1-thread benchmarks there).
  if (syscall(SYS_gettid) != getpid()) {
    state.SkipWithError("BM_GcPacing must run on the main thread");
    return;
  }
  claimbench::BenchThread thread(state, kMeasuredBatches);  // pins; the child inherits the PU
  Report total;
  for (auto _ : thread) {
    Report one;
    const std::string error = run_child(divisor, ballast, one);
    if (!error.empty()) {
      state.SkipWithError(error.c_str());
      break;
    }
    state.SetIterationTime(one.wall_ns * 1e-9);
    total.cpu_ns += one.cpu_ns;
    total.gc_count += one.gc_count;
    total.gc_cpu_ns += one.gc_cpu_ns;
    total.peak_in_use += one.peak_in_use;
    total.heap_size += one.heap_size;
    total.ballast_rss += one.ballast_rss;
    total.warmup_batches += one.warmup_batches;
  }
  using benchmark::Counter;
  // Sums over iterations; the harness divides by kMeasuredBatches: per batch.
  state.counters["gc_count"] = Counter(total.gc_count, Counter::kAvgIterations);
  state.counters["gc_cpu_ns"] = Counter(total.gc_cpu_ns, Counter::kAvgIterations);
  state.counters["cpu_ns"] = Counter(total.cpu_ns, Counter::kAvgIterations);
  // Levels, not sums: scaled by kMeasuredBatches so that the per-batch division shows bytes.
  const double level = kMeasuredBatches;
  state.counters["peak_heap_bytes"] = Counter(total.peak_in_use * level, Counter::kAvgIterations);
  state.counters["heap_size_bytes"] = Counter(total.heap_size * level, Counter::kAvgIterations);
  state.counters["warmup_batches"] = Counter(total.warmup_batches * level, Counter::kAvgIterations);
  if (ballast) {
    state.counters["ballast_rss_bytes"] =
        Counter(total.ballast_rss * level, Counter::kAvgIterations);
  }
}

// Named by the GOGC each divisor approximates for traced data (GOGC ≈ 200 / D). One child
// process per iteration, each a fixed amount of work.
BENCHMARK_CAPTURE(BM_GcPacing, gogc50, 4, false)
    ->Name("BM_GcPacing/churn/gogc-50")
    ->Iterations(1)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_GcPacing, gogc100, 2, false)
    ->Name("BM_GcPacing/churn/gogc-100")
    ->Iterations(1)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_GcPacing, gogc200, 1, false)
    ->Name("BM_GcPacing/churn/gogc-200")
    ->Iterations(1)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_GcPacing, gogc100_ballast, 2, true)
    ->Name("BM_GcPacing/churn/gogc-100-ballast")
    ->Iterations(1)
    ->UseManualTime();

// Counters claim files may name as a metric (bench.hpp: declare_counters).
[[maybe_unused]] const bool gcpacing_counters = claimbench::declare_counters(
    "BM_GcPacing", {"gc_count", "peak_heap_bytes", "gc_cpu_ns", "cpu_ns"});

}  // namespace
