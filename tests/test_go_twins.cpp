// Go twins as processes: the result-line parser on real `go test` output, and (where Go is
// installed) a tiny module built, cached, run pinned, and failing in each way a twin can fail.
#include <sched.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <random>
#include <thread>

#include "claimbench/measure/go_twins.hpp"

using namespace claimbench;
namespace fs = std::filesystem;

namespace {

// Real lines from go1.19.8 linux/amd64 (`go test -bench . -benchmem -cpu 1,2`), tabs kept.
constexpr const char* packed_2 =
    "BenchmarkFalseSharing/packed-2         \t    1000\t         5.959 ns/op\t  12345678 "
    "live-heap-bytes/op\t         3.500 retries/op\t       0 B/op\t       0 allocs/op";
constexpr const char* packed_1 =
    "BenchmarkFalseSharing/packed           \t    1000\t         2.384 ns/op\t  12345678 "
    "live-heap-bytes/op\t         3.500 retries/op\t       0 B/op\t       0 allocs/op";
constexpr const char* dashed_2 =
    "BenchmarkFalseSharing/x-64-2           \t    1000\t         6.129 ns/op\t  12345678 "
    "live-heap-bytes/op\t         3.500 retries/op\t       0 B/op\t       0 allocs/op";
constexpr const char* dashed_1 =
    "BenchmarkFalseSharing/x-64             \t    1000\t         2.023 ns/op\t  12345678 "
    "live-heap-bytes/op\t         3.500 retries/op\t       0 B/op\t       0 allocs/op";
constexpr const char* with_mbs =
    "BenchmarkAlloc-2   \t    1000\t         2.104 ns/op\t30418.25 MB/s\t       0 B/op\t       0 "
    "allocs/op";
// b.ReportMetric(0, "ns/op"): Go then leaves ns/op out of the line.
constexpr const char* no_ns =
    "BenchmarkZero-2   \t    1000\t         7.000 threads\t       0 B/op\t       0 allocs/op";

}  // namespace

TEST_CASE("parse_bench_line reads real go test lines", "[go]") {
  auto line = parse_bench_line(packed_2);
  REQUIRE(line.has_value());
  CHECK(line->name == "BenchmarkFalseSharing/packed");
  CHECK(line->procs == 2);
  CHECK(line->iterations == 1000);
  CHECK(line->ns_per_op == Approx(5.959));
  REQUIRE(line->bytes_per_op.has_value());
  CHECK(*line->bytes_per_op == 0);
  REQUIRE(line->allocs_per_op.has_value());
  CHECK(*line->allocs_per_op == 0);
  CHECK(line->metrics.size() == 2);
  CHECK(line->metrics.at("retries/op") == Approx(3.5));
  CHECK(line->metrics.at("live-heap-bytes/op") == 12345678);

  auto one = parse_bench_line(packed_1);
  REQUIRE(one.has_value());
  CHECK(one->name == "BenchmarkFalseSharing/packed");
  CHECK(one->procs == 1);

  auto mbs = parse_bench_line(with_mbs, 2);
  REQUIRE(mbs.has_value());
  CHECK(mbs->name == "BenchmarkAlloc");
  CHECK(mbs->metrics.at("MB/s") == Approx(30418.25));

  auto zero = parse_bench_line(no_ns, 2);
  REQUIRE(zero.has_value());
  CHECK(zero->ns_per_op == 0);
  CHECK(zero->metrics.at("threads") == 7);

  auto example = parse_bench_line(
      "BenchmarkFalseSharing/packed-2   \t 1000000\t      6.74 ns/op\t  0 B/op\t  0 allocs/op\t  "
      "3.5 retries/op");
  REQUIRE(example.has_value());
  CHECK(example->iterations == 1000000);
  CHECK(example->metrics.at("retries/op") == Approx(3.5));
}

TEST_CASE("parse_bench_line splits -N only where the run's procs say so", "[go]") {
  // Go omits the suffix at 1 proc, so "x-64" alone is ambiguous unless the caller says -cpu 1.
  auto at_one = parse_bench_line(dashed_1, 1);
  REQUIRE(at_one.has_value());
  CHECK(at_one->name == "BenchmarkFalseSharing/x-64");
  CHECK(at_one->procs == 1);
  auto guessed = parse_bench_line(dashed_1);
  REQUIRE(guessed.has_value());
  CHECK(guessed->name == "BenchmarkFalseSharing/x");
  CHECK(guessed->procs == 64);
  auto at_two = parse_bench_line(dashed_2, 2);
  REQUIRE(at_two.has_value());
  CHECK(at_two->name == "BenchmarkFalseSharing/x-64");
  CHECK(at_two->procs == 2);
  // Run at -cpu 4, a line without -4 is not this run's.
  auto wrong = parse_bench_line(packed_2, 4);
  REQUIRE_FALSE(wrong.has_value());
  CHECK_THAT(wrong.error().message, Catch::Contains("-4"));
  auto names = parse_bench_line("BenchmarkMap/size=4096/k-v-8 10 1 ns/op", 8);
  REQUIRE(names.has_value());
  CHECK(names->name == "BenchmarkMap/size=4096/k-v");
}

TEST_CASE("parse_bench_line rejects what is not a result line", "[go]") {
  for (const char* text : {"",
                           "PASS",
                           "FAIL",
                           "ok  \tclaimbench/twins\t1.234s",
                           "goos: linux",
                           "cpu: AMD EPYC",
                           "--- FAIL: BenchmarkX",
                           "    x_test.go:12: boom",
                           "BenchmarkX",
                           "BenchmarkX-2 \t abc \t 1 ns/op",
                           "BenchmarkX-2 1000 1.0",
                           "BenchmarkX-2 1000 nan ns/op",
                           "BenchmarkX-2 1000 inf ns/op",
                           "BenchmarkX-2 1000 1 ns/op 2 ns/op",
                           "BenchmarkX-2 0 1 ns/op",
                           "BenchmarkX-2 -5 1 ns/op",
                           "BenchmarkX-2 1000 1 2",
                           "BenchmarkX-2 1000 1e999 ns/op",
                           "BenchmarkX-2 99999999999999999999 1 ns/op",
                           "hello garbage"}) {
    INFO(text);
    auto line = parse_bench_line(text);
    REQUIRE_FALSE(line.has_value());
    CHECK_THAT(line.error().message, Catch::Contains("not a Go benchmark result"));
  }
}

TEST_CASE("parse_bench_line survives arbitrary bytes", "[go]") {
  std::mt19937 rng(20240613);
  const std::string alphabet = "Benchmark-/=0123456789.e+ \t\nnsop/BallocsX\x01\xff";
  const std::string seeds[] = {packed_2, dashed_2, with_mbs, no_ns};
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[round % 4];
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text.erase(at, 1 + rng() % 5);
          break;
        default:
          text.insert(at, 1, static_cast<char>(rng() % 256));
          break;
      }
    }
    const int procs = static_cast<int>(rng() % 4);
    auto line = parse_bench_line(text, procs);
    if (line) {  // whatever is accepted must still be a well-formed result
      CHECK(line->name.starts_with("Benchmark"));
      CHECK(line->iterations > 0);
      CHECK(line->procs >= 1);
    }
  }
}

TEST_CASE("bench_pattern anchors each level of the name", "[go]") {
  CHECK(bench_pattern("BenchmarkX") == "^BenchmarkX$");
  CHECK(bench_pattern("BenchmarkX/a+b") == "^BenchmarkX$/^a\\+b$");
  CHECK(bench_pattern("BenchmarkMap/size=4096/k.v(1)") ==
        "^BenchmarkMap$/^size=4096$/^k\\.v\\(1\\)$");
}

namespace {

/// A fresh directory under the system temp dir, removed with everything in it.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "claimbench-go-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const fs::path& rel, std::string_view text) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << text;
  }
};

constexpr const char* twin_source = R"go(package tiny

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"
)

var sink int

func BenchmarkTiny(b *testing.B) {
	for _, name := range []string{"a", "b-1"} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink += i
			}
			env, _ := strconv.Atoi(os.Getenv("GOMAXPROCS"))
			b.ReportMetric(float64(runtime.NumCPU()), "cpus")
			b.ReportMetric(float64(env), "env-gomaxprocs")
		})
	}
}

func BenchmarkPanic(b *testing.B)   { panic("twin exploded: 42") }
func BenchmarkGarbage(b *testing.B) { fmt.Println("hello garbage"); sink++ }
func BenchmarkSkip(b *testing.B)    { b.Skip("no C compiler here") }
func BenchmarkFail(b *testing.B)    { b.Fatal("went wrong") }
func BenchmarkForever(b *testing.B) {
	for {
		time.Sleep(time.Millisecond)
	}
}
)go";

int allowed_pus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  REQUIRE(sched_getaffinity(0, sizeof set, &set) == 0);
  return CPU_COUNT(&set);
}

int first_allowed_pu() {
  cpu_set_t set;
  CPU_ZERO(&set);
  REQUIRE(sched_getaffinity(0, sizeof set, &set) == 0);
  for (int pu = 0; pu < CPU_SETSIZE; ++pu)
    if (CPU_ISSET(pu, &set)) return pu;
  return 0;
}

}  // namespace

TEST_CASE("find_go names the install command when there is no go", "[go]") {
  auto go = find_go("", {});
  REQUIRE_FALSE(go.has_value());
  CHECK_THAT(go.error().message, Catch::Contains("apt-get install golang-go"));
}

TEST_CASE("find_go reads the version of the go it finds", "[go]") {
  TempDir dir;
  dir.write("bin/go", "#!/bin/sh\necho 'go version go1.99.1 linux/riscv64'\n");
  fs::permissions(dir.path / "bin/go", fs::perms::owner_all);
  auto go = find_go("/nonexistent:" + (dir.path / "bin").string(), {});
  REQUIRE(go.has_value());
  CHECK(go->version == "go1.99.1");
  CHECK(go->platform == "linux/riscv64");
  CHECK(go->go == dir.path / "bin/go");
}

TEST_CASE("Go twins build once, run pinned, and fail with the twin's own words", "[go]") {
  auto go = find_go();
  if (!go) {
    WARN("SKIPPED: " << go.error().message);
    return;
  }
  TempDir dir;
  dir.write("module/go.mod", "module tiny\n\ngo 1.19\n");
  dir.write("module/tiny_test.go", twin_source);
  const auto module = dir.path / "module";
  const auto build = dir.path / "build";

  auto binary = build_twins(*go, module, build);
  REQUIRE(binary.has_value());
  CHECK(*binary == build / "go/twins.test");
  const auto built_at = fs::last_write_time(*binary);

  SECTION("an unchanged source is not rebuilt; a changed one is") {
    auto again = build_twins(*go, module, build);
    REQUIRE(again.has_value());
    CHECK(fs::last_write_time(*again) == built_at);
    std::ofstream(module / "tiny_test.go", std::ios::app) << "\n// changed\n";
    auto rebuilt = build_twins(*go, module, build);
    REQUIRE(rebuilt.has_value());
    CHECK(fs::last_write_time(*rebuilt) != built_at);
  }

  SECTION("a build error returns the compiler's message") {
    dir.write("module/broken_test.go", "package tiny\n\nvar x = notDefined\n");
    auto broken = build_twins(*go, module, build);
    REQUIRE_FALSE(broken.has_value());
    CHECK_THAT(broken.error().message, Catch::Contains("undefined: notDefined"));
    CHECK_FALSE(fs::exists(build / "go/twins.test.hash"));
  }

  SECTION("a twin runs pinned with GOMAXPROCS set, once per count") {
    TwinRun run;
    run.bench = "BenchmarkTiny/a";
    run.pus = {first_allowed_pu()};
    run.gomaxprocs = 1;
    run.benchtime_iters = 100;
    run.count = 2;
    auto result = run_twin(*binary, run);
    REQUIRE(result.has_value());
    REQUIRE(result->lines.size() == 2);
    for (const auto& line : result->lines) {
      CHECK(line.name == "BenchmarkTiny/a");
      CHECK(line.procs == 1);
      CHECK(line.iterations == 100);
      CHECK(line.allocs_per_op.has_value());
      CHECK(line.metrics.at("cpus") == 1);  // runtime.NumCPU counts the affinity mask
      CHECK(line.metrics.at("env-gomaxprocs") == 1);
    }
    if (allowed_pus() >= 2) {
      run.pus = {};
      run.gomaxprocs = 2;
      run.count = 1;
      run.bench = "BenchmarkTiny/b-1";  // a dash in the name, then the -2 of the procs
      auto two = run_twin(*binary, run);
      REQUIRE(two.has_value());
      REQUIRE(two->lines.size() == 1);
      CHECK(two->lines[0].name == "BenchmarkTiny/b-1");
      CHECK(two->lines[0].procs == 2);
      CHECK(two->lines[0].metrics.at("cpus") == allowed_pus());
      CHECK(two->lines[0].metrics.at("env-gomaxprocs") == 2);
    }
  }

  SECTION("each way a twin fails is named with its own message") {
    TwinRun run;
    run.benchtime_iters = 10;
    run.bench = "BenchmarkPanic";
    auto panicked = run_twin(*binary, run);
    REQUIRE_FALSE(panicked.has_value());
    CHECK_THAT(panicked.error().message,
               Catch::Contains("BenchmarkPanic") && Catch::Contains("panic: twin exploded: 42"));
    run.bench = "BenchmarkGarbage";
    auto garbage = run_twin(*binary, run);
    REQUIRE_FALSE(garbage.has_value());
    CHECK_THAT(garbage.error().message,
               Catch::Contains("does not understand") && Catch::Contains("hello garbage"));
    run.bench = "BenchmarkFail";
    auto failed = run_twin(*binary, run);
    REQUIRE_FALSE(failed.has_value());
    CHECK_THAT(failed.error().message, Catch::Contains("went wrong"));
    run.bench = "BenchmarkNoSuchTwin";
    auto missing = run_twin(*binary, run);
    REQUIRE_FALSE(missing.has_value());
    CHECK_THAT(missing.error().message, Catch::Contains("no result line"));
    run.bench = "BenchmarkSkip";
    auto skipped = run_twin(*binary, run);
    REQUIRE(skipped.has_value());
    CHECK(skipped->lines.empty());
    CHECK_THAT(skipped->skip_reason, Catch::Contains("no C compiler here"));
  }

  SECTION("a stop request kills a twin that would never finish") {
    std::atomic<bool> stop = false;
    TwinRun run;
    run.bench = "BenchmarkForever";
    run.stop = &stop;
    std::thread stopper([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      stop = true;
    });
    auto stopped = run_twin(*binary, run);
    stopper.join();
    REQUIRE_FALSE(stopped.has_value());
    CHECK_THAT(stopped.error().message, Catch::Contains("BenchmarkForever: stopped"));
  }
}
