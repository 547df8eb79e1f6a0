#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "claimbench/measure/machine_load.hpp"

using namespace claimbench;
namespace fs = std::filesystem;

namespace {

// A synthetic /proc: loadavg, stat with per-CPU lines, and tasks with chosen state and CPU.
struct FakeProc {
  fs::path root = fs::temp_directory_path() / ("cb-proc-" + std::to_string(::getpid()));
  FakeProc() { fs::create_directories(root); }
  ~FakeProc() { fs::remove_all(root); }
  void write(const fs::path& relative, const std::string& text) const {
    fs::create_directories((root / relative).parent_path());
    std::ofstream(root / relative) << text;
  }
  void stat(std::uint64_t steal0, std::uint64_t steal1) const {
    // user nice system idle iowait irq softirq steal guest guest_nice; 1000 ticks per CPU
    // besides steal, so the total grows by exactly the steal added.
    write("stat",
          "cpu  2000 0 0 0 0 0 0 0 0 0\n"
          "cpu0 500 0 0 500 0 0 0 " +
              std::to_string(steal0) +
              " 0 0\n"
              "cpu1 500 0 0 500 0 0 0 " +
              std::to_string(steal1) +
              " 0 0\n"
              "intr 1 2 3\nprocs_running 3\n");
  }
  // Fields after comm up to 39 (processor); the values in between do not matter here.
  void task(int pid, int tid, const std::string& comm, char state, int cpu) const {
    std::string line = std::to_string(tid) + " (" + comm + ") " + state;
    for (int field = 4; field < 39; ++field)
      line += " 0";
    line += " " + std::to_string(cpu) + " 0 0 0\n";
    write(fs::path(std::to_string(pid)) / "task" / std::to_string(tid) / "stat", line);
  }
};

}  // namespace

TEST_CASE("a quiet machine is not busy", "[load]") {
  FakeProc proc;
  proc.write("loadavg", "0.10 0.20 0.30 1/100 4242\n");
  proc.stat(0, 0);
  proc.task(100, 100, "bench", 'R', 0);        // our own thread: not a competitor
  proc.task(200, 200, "sshd", 'S', 0);         // sleeping: not runnable
  proc.task(300, 300, "kworker/1:0", 'R', 1);  // runnable, but on a PU we did not pin
  const auto snapshot = read_load(proc.root, {0}, 100);
  REQUIRE(snapshot);
  CHECK(snapshot->load_average_1min == Approx(0.10));
  CHECK(snapshot->competitors.empty());
  const auto report = compare_load(*snapshot, *snapshot);
  CHECK_FALSE(report.busy());
  CHECK(report.summary().empty());
}

TEST_CASE("a runnable task on a pinned PU is named, comm with spaces and parentheses", "[load]") {
  FakeProc proc;
  proc.write("loadavg", "1.50 0.20 0.30 2/100 4242\n");
  proc.stat(0, 0);
  proc.task(4242, 4243, "stress (ng) x", 'R', 1);
  const auto before = read_load(proc.root, {0, 1}, 100);
  REQUIRE(before);
  REQUIRE(before->competitors.size() == 1);
  CHECK(before->competitors[0].command == "stress (ng) x");
  CHECK(before->competitors[0].pu == 1);
  const auto report = compare_load(*before, *before);
  CHECK(report.busy());
  CHECK(report.summary().find("stress (ng) x (pid 4242, PU 1)") != std::string::npos);
}

TEST_CASE("steal time over 2% of the pinned PUs marks the claim busy", "[load]") {
  FakeProc proc;
  proc.write("loadavg", "0.00 0 0 1/1 1\n");
  proc.stat(0, 0);
  const auto before = read_load(proc.root, {0}, 1);
  proc.stat(10, 500);  // PU 0 stole 10 ticks; PU 1 (not pinned) 500, which must not count
  const auto after = read_load(proc.root, {0}, 1);
  REQUIRE(before);
  REQUIRE(after);
  CHECK(after->steal_ticks == 10);
  const auto small = compare_load(*before, *after);
  CHECK(small.steal_fraction == Approx(10.0 / 10.0));  // all the new ticks were steal
  CHECK(small.busy());
  CHECK(compare_load(*before, *before).steal_fraction == 0);
}

TEST_CASE("an unreadable /proc is an error naming the file", "[load]") {
  FakeProc proc;
  const auto missing = read_load(proc.root, {0}, 1);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("loadavg") != std::string::npos);
  proc.write("loadavg", "garbage\n");
  const auto garbage = read_load(proc.root, {0}, 1);
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().message.find("expected a number") != std::string::npos);
}

TEST_CASE("the real /proc can be read", "[load]") {
  const auto snapshot = read_load("/proc", {0}, ::getpid());
  REQUIRE(snapshot);
  CHECK(snapshot->total_ticks > 0);
}
