// Fixed concurrent workloads for claims/race-detector-overhead.toml: a standalone program with
// its own main, built twice by benchmarks/CMakeLists.txt, as `race_workloads` (plain) and as
// `race_workloads_tsan` (-fsanitize=thread: ThreadSanitizer's runtime is the one Go's race
// detector links, `go build -race`). bench's BM_RaceDetector launches either one per iteration.
//
//   race_workloads WORKLOAD      WORKLOAD: mutex-map | channel | atomic-counter | disjoint-slices
//
// Each workload does a fixed amount of work on two threads, checks its own result (exit 1 if it
// is wrong, so a broken build cannot pass as a fast one), and prints one line:
//   work_ns=<wall time of the workload> peak_rss_bytes=<VmHWM at exit>
// The peak RSS is the process's own high-water mark after exec. The parent cannot use wait4's
// ru_maxrss: the kernel carries the pre-exec address space's high-water mark into the child's
// maxrss at exec (exec_mmap → setmax_mm_hiwater_rss), and posix_spawn's child runs on the
// parent's address space until it execs, so ru_maxrss would report bench's own peak.
//
// Thread i pins itself to the i-th CPU of the affinity mask it inherited (the parent passes the
// placement's PUs), so the two threads run on distinct PUs where two exist.
//
// The work sizes aim the plain build's run time at roughly 20-40 ms each on a quiet 2-vCPU VM
// (chosen from the plain build's CPU time for the claim's time budget, before the TSan build
// was ever run); both builds do exactly the same work.
//
// Disassembly (objdump -d --no-show-raw-insn build/release/race_workloads | c++filt, g++ 12 -O2):
// see the comment at the top of benchmarks/race_detector.cpp.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "analogues/channel.hpp"

namespace {

constexpr int kThreads = 2;

// Pins the calling thread to the index-th CPU of the process's inherited affinity mask
// (wrapping), so the workload's threads spread over the PUs the parent allowed.
void pin_to_allowed(int index) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return;
  const int count = CPU_COUNT(&allowed);
  if (count == 0) return;
  int wanted = index % count;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &allowed)) continue;
    if (wanted-- == 0) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpu, &one);
      pthread_setaffinity_np(pthread_self(), sizeof one, &one);
      return;
    }
  }
}

// Runs body(i) on kThreads pinned threads and joins them.
void run_threads(const std::function<void(int)>& body) {
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&body, i] {
      pin_to_allowed(i);
      body(i);
    });
  }
  for (auto& t : threads)
    t.join();
}

std::uint64_t xorshift(std::uint64_t& x) {
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return x;
}

// A map shared by two threads behind one mutex, the race detector's bread and butter: every
// update is a lock, a hash lookup and a store, all checked.
bool mutex_map() {
  constexpr std::uint64_t kKeys = 1 << 16;
  constexpr int kUpdatesPerThread = 150'000;
  std::unordered_map<std::uint64_t, std::uint64_t> map;
  map.reserve(kKeys);
  for (std::uint64_t k = 0; k < kKeys; ++k)
    map[k] = 0;
  std::mutex mu;
  run_threads([&](int i) {
    std::uint64_t x = 0x9e3779b97f4a7c15ull + static_cast<std::uint64_t>(i);
    for (int n = 0; n < kUpdatesPerThread; ++n) {
      const std::uint64_t key = xorshift(x) % kKeys;
      std::lock_guard lock(mu);
      ++map[key];
    }
  });
  std::uint64_t total = 0;
  for (const auto& [key, value] : map)
    total += value;
  return map.size() == kKeys && total == std::uint64_t{kThreads} * kUpdatesPerThread;
}

// Producer and consumer over a buffered Go-style channel (capacity 128, spin then park, as a Go
// receiver spins before it parks).
bool channel() {
  constexpr std::uint64_t kMessages = 40'000;
  claimbench::go::Channel<std::uint64_t> ch(128, claimbench::go::WaitPolicy::spin_then_park);
  std::uint64_t sum = 0;
  run_threads([&](int i) {
    if (i == 0) {
      for (std::uint64_t m = 1; m <= kMessages; ++m)
        ch.send(m);
      ch.close();
    } else {
      while (auto m = ch.recv())
        sum += *m;
    }
  });
  return sum == kMessages * (kMessages + 1) / 2;
}

// Two threads incrementing one shared atomic counter. Sequentially consistent, as Go's
// atomic.AddUint64 is (sync/atomic's memory model): TSan handles a relaxed RMW as a plain shadow
// access but a seq_cst one as an acquire-release on the address's sync object (a vector-clock
// join per op, both threads on one SyncVar), which is where Go's race build spends its time
// (Go 10.8 ms -> 278 ms here; with memory_order_relaxed the C++ ratio was ~5x, Go's ~26x).
// x86-64 emits `lock xadd` for both orders, so the plain build is unchanged; the TSan build
// calls __tsan_atomic64_fetch_add with mo = 5 (seq_cst) in %edx (checked with objdump -d).
bool atomic_counter() {
  constexpr int kAddsPerThread = 1'000'000;
  std::atomic<std::uint64_t> counter{0};
  run_threads([&](int) {
    for (int n = 0; n < kAddsPerThread; ++n)
      counter.fetch_add(1);  // seq_cst: Go's sync/atomic
  });
  return counter.load() == std::uint64_t{kThreads} * kAddsPerThread;
}

// Plain loads and stores with no synchronisation in the loop: each thread fills and then sums
// its own half of a 32 MiB array. Every access is instrumented under TSan, and the array's
// shadow memory is what the memory overhead is made of.
bool disjoint_slices() {
  constexpr std::size_t kElements = std::size_t{32} << 20 >> 3;  // 32 MiB of uint64_t
  constexpr int kPasses = 2;
  std::vector<std::uint64_t> data(kElements);
  std::uint64_t sums[kThreads] = {};
  run_threads([&](int i) {
    const std::size_t begin = kElements / kThreads * static_cast<std::size_t>(i);
    const std::size_t end = begin + kElements / kThreads;
    std::uint64_t sum = 0;
    for (int pass = 0; pass < kPasses; ++pass) {
      for (std::size_t k = begin; k < end; ++k)
        data[k] = k + static_cast<std::uint64_t>(pass);
      for (std::size_t k = begin; k < end; ++k)
        sum += data[k];
    }
    sums[i] = sum;
  });
  std::uint64_t expected = 0;
  for (int pass = 0; pass < kPasses; ++pass)
    expected += kElements * (kElements - 1) / 2 + kElements * static_cast<std::uint64_t>(pass);
  return sums[0] + sums[1] == expected;
}

// VmHWM from /proc/self/status, in bytes; 0 if it cannot be read.
std::uint64_t peak_rss_bytes() {
  std::FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) return 0;
  char line[256];
  std::uint64_t kib = 0;
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::strncmp(line, "VmHWM:", 6) == 0) {
      kib = std::strtoull(line + 6, nullptr, 10);
      break;
    }
  }
  std::fclose(status);
  return kib * 1024;
}

struct Workload {
  std::string_view name;
  bool (*run)();
};

constexpr Workload kWorkloads[] = {
    {"mutex-map", mutex_map},
    {"channel", channel},
    {"atomic-counter", atomic_counter},
    {"disjoint-slices", disjoint_slices},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s WORKLOAD\n", argv[0]);
    return 2;
  }
  for (const Workload& workload : kWorkloads) {
    if (workload.name != argv[1]) continue;
    const auto start = std::chrono::steady_clock::now();
    const bool ok = workload.run();
    const auto work_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
    if (!ok) {
      std::fprintf(stderr, "%s: wrong result\n", argv[1]);
      return 1;
    }
    std::printf("work_ns=%lld peak_rss_bytes=%llu\n", static_cast<long long>(work_ns),
                static_cast<unsigned long long>(peak_rss_bytes()));
    return 0;
  }
  std::fprintf(stderr, "%s: unknown workload '%s'\n", argv[0], argv[1]);
  return 2;
}
