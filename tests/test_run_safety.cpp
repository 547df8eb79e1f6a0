// Runs that end badly: child processes killed on an interrupt, a failed write that keeps the
// last result, claims the run did not finish, absolute checks under the noise limit.
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "claimbench/commands/run_guard.hpp"
#include "claimbench/judge/verdict.hpp"
#include "claimbench/measure/child_processes.hpp"
#include "claimbench/measure/runner.hpp"
#include "claimbench/present/console.hpp"
#include "claimbench/store/result.hpp"
#include "claimbench/store/result_json.hpp"

using namespace claimbench;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("claimbench-safety-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `sleep 30` in its own process group, as benchmarks start their children.
pid_t spawn_sleeper() {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  char sleep_path[] = "/bin/sleep";
  char seconds[] = "30";
  char* argv[] = {sleep_path, seconds, nullptr};
  char* envp[] = {nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, sleep_path, nullptr, &attr, argv, envp);
  posix_spawnattr_destroy(&attr);
  return spawned == 0 ? pid : -1;
}

Claim sample_claim(const std::string& id) {
  Claim claim;
  claim.id = id;
  claim.title = "A claim " + id;
  claim.fidelity = "analogue";
  claim.statement = "it is fast";
  claim.analogue = "a loop";
  return claim;
}

RunRecord sample_record() {
  RunRecord record;
  record.created_utc = "2026-11-23T19:08:24Z";
  record.command = "bench run --claim fast-loop";
  record.options = {10, 0.05};
  record.machine.cpu_model = "Test CPU";
  record.machine.id = "abcd1234";
  return record;
}

}  // namespace

TEST_CASE("the child registry kills every group it holds and refuses new children after",
          "[safety]") {
  ChildProcesses children;
  const pid_t pid = children.start(spawn_sleeper);
  REQUIRE(pid > 0);
  CHECK(getpgid(pid) == pid);  // its own group: a kill of the group reaches only it
  CHECK(children.running() == 1);
  CHECK(children.kill_all() == 1);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  children.finished(pid);
  CHECK(children.running() == 0);
  bool called = false;
  CHECK(children.start([&] {
    called = true;
    return spawn_sleeper();
  }) == -1);
  CHECK_FALSE(called);
}

TEST_CASE("a reaped child is forgotten, so a kill never reaches a recycled pid", "[safety]") {
  ChildProcesses children;
  const pid_t pid = children.start(spawn_sleeper);
  REQUIRE(pid > 0);
  ::kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  children.finished(pid);
  CHECK(children.kill_all() == 0);
}

TEST_CASE("a failed write keeps the last complete result, says why and leaves no temporary",
          "[safety]") {
  const fs::path dir = fresh_dir("write");
  auto writer = ResultWriter::create(dir, "run");
  REQUIRE(writer.has_value());
  const nlohmann::json small = {{"schema", "claimbench.result"}, {"n", 1}};
  REQUIRE(writer->write(small).has_value());
  const std::string kept = read_file(writer->path());

  // A file-size limit makes write(2) fail with EFBIG as a full disk fails with ENOSPC; the
  // same path handles both. SIGXFSZ would kill the process instead: ignore it meanwhile.
  rlimit before{};
  REQUIRE(getrlimit(RLIMIT_FSIZE, &before) == 0);
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGXFSZ, &ignore, &old);
  rlimit limited = before;
  limited.rlim_cur = 4096;
  REQUIRE(setrlimit(RLIMIT_FSIZE, &limited) == 0);
  const nlohmann::json big = {{"schema", "claimbench.result"}, {"pad", std::string(64 << 10, 'x')}};
  const auto failed = writer->write(big);
  setrlimit(RLIMIT_FSIZE, &before);
  sigaction(SIGXFSZ, &old, nullptr);

  REQUIRE_FALSE(failed.has_value());
  CHECK_THAT(failed.error().message, Catch::Contains(std::strerror(EFBIG)));
  CHECK(read_file(writer->path()) == kept);
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir))
    left.push_back(entry.path().filename().string());
  CHECK(left == std::vector<std::string>{writer->path().filename().string()});

  writer->discard();
  CHECK(fs::is_empty(dir));
  fs::remove_all(dir);
}

TEST_CASE("claims a run did not finish are recorded as interrupted and load back", "[safety]") {
  const Claim claim = sample_claim("fast-loop");
  Placement placement;
  placement.policy = Policy::spread;
  const ClaimResult result = unfinished_claim(claim, placement, kNotStarted);
  CHECK(result.status == ClaimStatus::interrupted);
  CHECK(result.reason == kNotStarted);
  CHECK(result.variants.empty());

  RunRecord record = sample_record();
  record.claims = {result};
  const auto loaded = from_json(to_json(record), "in-memory.json");
  INFO((loaded ? std::string() : loaded.error().message));
  REQUIRE(loaded.has_value());
  REQUIRE(loaded->claims.size() == 1);
  CHECK(loaded->claims[0].status == ClaimStatus::interrupted);
  CHECK(loaded->claims[0].reason == kNotStarted);

  // The console says so instead of an empty table.
  const std::string text = render_claim(result, Style{false});
  CHECK_THAT(text, Catch::Contains("interrupted: not started"));
  CHECK_THAT(text, !Catch::Contains("variant"));
}

TEST_CASE("the run guard writes through one lock and stands down when the run finishes itself",
          "[safety]") {
  const fs::path dir = fresh_dir("guard");
  auto writer = ResultWriter::create(dir, "run");
  REQUIRE(writer.has_value());
  const Claim a = sample_claim("a-claim");
  std::atomic<bool> stop{false};
  RunRecord record = sample_record();
  {
    RunGuard guard(&stop, *writer, {&a}, Placement{}, record);
    CHECK_FALSE(guard.saved_any());
    guard.starting(0);
    record.claims.push_back(unfinished_claim(a, Placement{}, kStoppedInRounds));
    REQUIRE(guard.save(record).has_value());
    CHECK(guard.saved_any());
    // The main thread ends the run itself: a stop now must not force an exit (this test would
    // end with status 130 if it did).
    guard.finishing();
    stop.store(true);
  }
  const auto loaded = load_result(writer->path());
  INFO((loaded ? std::string() : loaded.error().message));
  REQUIRE(loaded.has_value());
  CHECK(loaded->claims.size() == 1);
  fs::remove_all(dir);
}

TEST_CASE("absolute checks obey the noise limit like ratio checks", "[safety][verdict]") {
  Check check;
  check.id = "stw";
  check.kind = CheckKind::absolute;
  check.numerator = "a";
  check.metric = "stw-p99-ns";
  check.at_most = 1e6;
  // Median far below the bound, but values scatter over two orders of magnitude.
  const std::vector<double> scattered = {1e3, 9e4, 2e3, 8e4, 5e3, 7e4, 1e4, 6e4, 3e3, 5e4};
  const auto noisy = judge(check, {scattered, {}}, 0.02);
  CHECK(noisy.verdict == Verdict::inconclusive);
  CHECK_THAT(noisy.reason, Catch::Contains("too noisy"));
  // The same values with a limit they stay within: decided.
  CHECK(judge(check, {scattered, {}}, 0.5).verdict == Verdict::holds);

  // A count hovering at zero (allocs per op) with a bound of 0.5: scatter is measured against
  // the bound, so a rare stray allocation is not "infinitely" noisy.
  Check allocs = check;
  allocs.metric = "allocs";
  allocs.at_most = 0.5;
  const std::vector<double> near_zero = {0, 0, 0.001, 0, 0.002, 0, 0, 0.001, 0, 0};
  CHECK(judge(allocs, {near_zero, {}}, 0.5).verdict == Verdict::holds);
}

TEST_CASE("a go-only claim's empty benchmark pattern selects no C++ benchmark", "[safety]") {
  // Google Benchmark's own reading of "" is every benchmark: ~260 runs for nothing.
  CHECK(list_benchmarks("").empty());
  CHECK_FALSE(list_benchmarks("^BM_TestRunner/").empty());
}
