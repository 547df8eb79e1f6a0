// The race detector's cost (claims/race-detector-overhead.toml): Go's `-race` links
// ThreadSanitizer's runtime, so the same runtime is measured here on C++ workloads.
//
// benchmarks/race_workloads.cpp is a standalone program built twice (benchmarks/CMakeLists.txt):
// race_workloads (plain) and race_workloads_tsan (-fsanitize=thread), both at -O2 in every build
// type, next to bench in the build directory. BM_RaceDetector/<workload>/<plain|tsan> launches
// one of them per iteration (posix_spawn + wait4) and times the whole launch, from spawn to
// exit, as the iteration's manual time: a race-enabled program pays its runtime's start-up too.
// The child reports its own peak RSS (VmHWM after exec) on a pipe; wait4's ru_maxrss is not
// used for it, because the kernel folds the pre-exec address space's high-water mark into the
// child's maxrss and posix_spawn's child runs on bench's address space until it execs (checked
// here: a parent with 300 MiB resident saw ru_maxrss ≈ 300 MiB for a 3 MiB child).
//
// Counters (per iteration = per launch): child_maxrss_bytes (the child's VmHWM), child_work_ns
// (the workload alone, without process start-up and exit), child_cpu_ns (user + system time of
// all the child's threads, from wait4) and child_page_faults (minor + major faults, from wait4).
//
// The launching thread is pinned by BenchThread to the placement's first PU; around the spawn
// it widens its own mask to the whole placement so that the child inherits all of its PUs, and
// the child pins its two threads to the first two of them.
//
// Disassembly (objdump -d --no-show-raw-insn build/release/race_workloads{,_tsan} | c++filt,
// g++ 12 -O2, x86-64), checked for each workload's loop:
//  - atomic-counter: plain: a counted loop of `lock addq $0x1,(%rdx)`, one locked add per
//    increment (not folded into one add). TSan: per increment `call __tsan_read8` (the captured
//    reference) and `call __tsan_atomic64_fetch_add` with order 0 (relaxed): every atomic
//    operation is a call into the runtime.
//  - mutex-map: plain: xorshift, `movzwl` for the key (% 65536 as a mask), pthread_mutex_lock,
//    a call to unordered_map::operator[], `addq $0x1,(%rax)` on the value, unlock. TSan: the same
//    calls (lock and unlock reach TSan's pthread interceptors) plus __tsan_read8/__tsan_write8
//    before the accesses in the loop and inside operator[] and the hash-table code.
//  - channel: Channel::send and Channel::recv are out-of-line calls in both builds; in the TSan
//    build their bodies carry __tsan_read/__tsan_write calls and the spin-wait's atomics are
//    __tsan_atomic calls.
//  - disjoint-slices: plain: scalar loops, the fill a `mov %rax,(%rdi,%rax,8)` store per element,
//    the sum an `add (%rax),%rcx` load per element (not vectorised at -O2, not folded away). TSan:
//    the same loops with `call __tsan_write8` before each store and `call __tsan_read8` before
//    each load.
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "claimbench/measure/bench.hpp"
#include "claimbench/measure/child_processes.hpp"
#include "claimbench/measure/run_config.hpp"

extern char** environ;

namespace {

/// The directory bench runs from: race_workloads{,_tsan} are built next to it.
std::filesystem::path exe_dir() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path(".") : self.parent_path();
}

struct Launch {
  double wall_ns = 0;
  double work_ns = 0;
  double peak_rss_bytes = 0;
  double cpu_ns = 0;
  double page_faults = 0;
  std::string error;  ///< empty on success
};

/// The placement's PUs as a CPU mask (the process's own mask outside the runner).
cpu_set_t placement_mask() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  const claimbench::RunConfig* config = claimbench::active_run_config();
  if (config != nullptr && !config->pus.empty()) {
    for (unsigned pu : config->pus)
      CPU_SET(pu, &mask);
  } else if (sched_getaffinity(0, sizeof mask, &mask) != 0) {
    CPU_ZERO(&mask);
  }
  return mask;
}

/// Spawns `program workload`, reads its report line, waits for it.
Launch launch(const std::filesystem::path& program, const std::string& workload) {
  Launch out;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    out.error = std::string("pipe2: ") + std::strerror(errno);
    return out;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);  // clears CLOEXEC
  std::string path = program.string();
  std::string arg = workload;
  char* argv[] = {path.data(), arg.data(), nullptr};

  // The child inherits the spawning thread's mask: widen it to the placement for the spawn.
  cpu_set_t pinned;
  CPU_ZERO(&pinned);
  const bool have_pinned = sched_getaffinity(0, sizeof pinned, &pinned) == 0;
  const cpu_set_t wide = placement_mask();
  if (CPU_COUNT(&wide) > 0) sched_setaffinity(0, sizeof wide, &wide);

  // Its own process group, registered with the run: an interrupt kills it (and anything it
  // started) instead of leaving it running after bench has gone.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);

  const auto start = std::chrono::steady_clock::now();
  int spawned = ECANCELED;  // stays so when the run is ending and refuses new children
  const pid_t pid = claimbench::start_child_process([&] {
    pid_t child = -1;
    spawned = posix_spawn(&child, path.c_str(), &actions, &attr, argv, environ);
    return spawned == 0 ? child : -1;
  });
  if (have_pinned) sched_setaffinity(0, sizeof pinned, &pinned);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (pid <= 0) {
    close(pipe_fds[0]);
    out.error = "posix_spawn " + path + ": " + std::strerror(spawned);
    return out;
  }
  std::string report;
  std::array<char, 256> buffer{};
  for (;;) {
    const ssize_t got = read(pipe_fds[0], buffer.data(), buffer.size());
    if (got > 0) {
      report.append(buffer.data(), static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  claimbench::child_process_finished(pid);
  out.wall_ns = static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    out.error = path + " " + workload + " failed (" +
                (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                   : "signal " + std::to_string(WTERMSIG(status))) +
                "); see its stderr";
    return out;
  }
  auto field = [&report](std::string_view key) -> double {
    const auto at = report.find(key);
    return at == std::string::npos ? -1.0 : std::strtod(report.c_str() + at + key.size(), nullptr);
  };
  out.work_ns = field("work_ns=");
  out.peak_rss_bytes = field("peak_rss_bytes=");
  if (out.work_ns < 0 || out.peak_rss_bytes <= 0) {
    out.error = path + " " + workload + " printed no report: '" + report + "'";
    return out;
  }
  auto ns = [](const timeval& t) { return 1e9 * static_cast<double>(t.tv_sec) + 1e3 * t.tv_usec; };
  out.cpu_ns = ns(usage.ru_utime) + ns(usage.ru_stime);
  out.page_faults = static_cast<double>(usage.ru_minflt + usage.ru_majflt);
  return out;
}

void BM_RaceDetector(benchmark::State& state, const char* workload, bool tsan) {
  const std::filesystem::path program =
      exe_dir() / (tsan ? "race_workloads_tsan" : "race_workloads");
  if (!std::filesystem::exists(program)) {
    state.SkipWithError(((tsan ? "TSan build missing: " : "plain workload build missing: ") +
                         program.string() +
                         " does not exist (sanitizer presets leave race_workloads_tsan out)")
                            .c_str());
    return;
  }
  claimbench::BenchThread thread(state, 1);  // one op = one launch of the program
  Launch total;
  for (auto _ : thread) {
    const Launch one = launch(program, workload);
    if (!one.error.empty()) {
      state.SkipWithError(one.error.c_str());
      break;
    }
    state.SetIterationTime(one.wall_ns * 1e-9);
    total.work_ns += one.work_ns;
    total.peak_rss_bytes += one.peak_rss_bytes;
    total.cpu_ns += one.cpu_ns;
    total.page_faults += one.page_faults;
  }
  using benchmark::Counter;
  state.counters["child_maxrss_bytes"] = Counter(total.peak_rss_bytes, Counter::kAvgIterations);
  state.counters["child_work_ns"] = Counter(total.work_ns, Counter::kAvgIterations);
  state.counters["child_cpu_ns"] = Counter(total.cpu_ns, Counter::kAvgIterations);
  state.counters["child_page_faults"] = Counter(total.page_faults, Counter::kAvgIterations);
}

// One launch per iteration: each takes tens to hundreds of milliseconds, so Google Benchmark's
// own iteration count would add launches without adding information.
BENCHMARK_CAPTURE(BM_RaceDetector, mutex_map_plain, "mutex-map", false)
    ->Name("BM_RaceDetector/mutex-map/plain")
    ->Iterations(1)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_RaceDetector, mutex_map_tsan, "mutex-map", true)
    ->Name("BM_RaceDetector/mutex-map/tsan")
    ->Iterations(1)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_RaceDetector, channel_plain, "channel", false)
    ->Name("BM_RaceDetector/channel/plain")
    ->Iterations(1)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_RaceDetector, channel_tsan, "channel", true)
    ->Name("BM_RaceDetector/channel/tsan")
    ->Iterations(1)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_RaceDetector, atomic_counter_plain, "atomic-counter", false)
    ->Name("BM_RaceDetector/atomic-counter/plain")
    ->Iterations(1)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_RaceDetector, atomic_counter_tsan, "atomic-counter", true)
    ->Name("BM_RaceDetector/atomic-counter/tsan")
    ->Iterations(1)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_RaceDetector, disjoint_slices_plain, "disjoint-slices", false)
    ->Name("BM_RaceDetector/disjoint-slices/plain")
    ->Iterations(1)
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_RaceDetector, disjoint_slices_tsan, "disjoint-slices", true)
    ->Name("BM_RaceDetector/disjoint-slices/tsan")
    ->Iterations(1)
    ->UseManualTime();

// Counters claim files may name as a metric (bench.hpp: declare_counters).
[[maybe_unused]] const bool racedetector_counters =
    claimbench::declare_counters("BM_RaceDetector", {"child_maxrss_bytes"});

}  // namespace
