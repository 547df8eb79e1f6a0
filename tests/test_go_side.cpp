// The Go side of a run: metric units, procs per side, and (where Go is installed) a tiny twin
// module run beside C++ benchmarks in the same rounds, a crashing twin skipping only its side.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "claimbench/measure/bench.hpp"
#include "claimbench/measure/go_side.hpp"
#include "claimbench/measure/runner.hpp"

using namespace claimbench;
namespace fs = std::filesystem;

namespace {

void BM_TestGoSideA(benchmark::State& state) {
  BenchThread thread(state);
  std::int64_t x = 0;
  for (auto _ : thread)
    benchmark::DoNotOptimize(x += 3);
}

BENCHMARK(BM_TestGoSideA)->Name("BM_TestGoSide/a");
BENCHMARK(BM_TestGoSideA)->Name("BM_TestGoSide/b");

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "claimbench-goside-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Twin a allocates nothing; twin b allocates one 64-byte slice per op.
constexpr const char* twin_source = R"go(package tiny

import "testing"

var sink []byte
var count int

func BenchmarkTiny(b *testing.B) {
	b.Run("a", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			count += i
		}
	})
	b.Run("b", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			sink = make([]byte, 64)
		}
	})
}

func BenchmarkPanic(b *testing.B) { panic("twin exploded: 42") }
)go";

Check ratio_check(const std::string& id, const std::string& go_num, const std::string& go_den) {
  Check check;
  check.id = id;
  check.numerator = "BM_TestGoSide/a";
  check.denominator = "BM_TestGoSide/b";
  check.numerator_ref = VariantRef{"TestGoSide", "a", 1, 0};
  check.denominator_ref = VariantRef{"TestGoSide", "b", 1, 0};
  check.go = GoSide{go_num, go_den};
  check.at_least = 1000;  // far out of reach on either side: never HOLDS
  check.refuted_below = 1000;
  return check;
}

}  // namespace

TEST_CASE("a check's metric maps onto the Go unit that stands for it", "[go]") {
  CHECK(go_unit("ns_per_op") == "ns/op");
  CHECK(go_unit("allocs") == "allocs/op");
  CHECK(go_unit("alloc_bytes") == "B/op");
  CHECK(go_unit("cas_failures") == "cas_failures");

  GoBenchLine line;
  line.name = "BenchmarkX/a";
  line.iterations = 1000;
  line.ns_per_op = 12.5;
  line.allocs_per_op = 2;
  line.bytes_per_op = 128;
  line.metrics["cas_failures"] = 0.25;
  VariantRun variant;
  variant.go = true;
  variant.repetitions.push_back(go_repetition(line, 3));
  const auto& rep = variant.repetitions.front();
  CHECK(rep.round == 3);
  CHECK(rep.real_time_s == Approx(12.5e-6));
  CHECK(variant.metric(rep, "ns_per_op") == Approx(12.5));
  CHECK(variant.metric(rep, "allocs") == 2);
  CHECK(variant.metric(rep, "alloc_bytes") == 128);
  CHECK(variant.metric(rep, "cas_failures") == 0.25);
  CHECK(std::isnan(variant.metric(rep, "absent")));
}

TEST_CASE("a Go side runs at the C++ reference's threads, or a go-only check's", "[go]") {
  Check check = ratio_check("c", "BenchmarkX/a", "BenchmarkX/b");
  check.numerator_ref->threads = 1;
  check.denominator_ref->threads = 2;
  CHECK(go_procs(check, true) == 1);
  CHECK(go_procs(check, false) == 2);
  Check go_only;
  go_only.threads = 4;
  CHECK(go_procs(go_only, true) == 4);
  CHECK(wants_race_build("BenchmarkX/a@race"));
  CHECK_FALSE(wants_race_build("BenchmarkX/a"));
}

TEST_CASE("without Go the Go side is SKIPPED with the reason; C++ still judged", "[go]") {
  auto topology = Topology::this_machine();
  REQUIRE(topology.has_value());
  Claim claim;
  claim.id = "test-go-side";
  claim.benchmarks = "^BM_TestGoSide/";
  claim.go_file = "tiny_test.go";
  claim.checks = {ratio_check("c", "BenchmarkTiny/a", "BenchmarkTiny/b")};
  RunOptions options;
  options.repetitions = 6;
  options.min_time_s = 0.001;
  options.go.skip_reason = "Go twins skipped on request (--no-go)";
  const ClaimRun run = run_claim(claim, *topology, place(*topology, Policy::spread), options);
  REQUIRE(run.checks.size() == 1);
  CHECK(run.checks[0].verdict != Verdict::skipped);
  REQUIRE(run.go_checks.size() == 1);
  REQUIRE(run.go_checks[0].has_value());
  CHECK(run.go_checks[0]->outcome.verdict == Verdict::skipped);
  CHECK_THAT(run.go_checks[0]->outcome.reason, Catch::Contains("--no-go"));
  CHECK_FALSE(run.go_ran);
}

TEST_CASE("Go twins run in the same rounds; a crashing twin skips only its Go side", "[go]") {
  TempDir dir;
  fs::create_directories(dir.path / "module");
  std::ofstream(dir.path / "module/go.mod") << "module tiny\n\ngo 1.19\n";
  std::ofstream(dir.path / "module/tiny_test.go") << twin_source;
  GoSetup go = prepare_go(dir.path / "module", dir.path / "build");
  if (!go.enabled) {
    CHECK_THAT(go.skip_reason, Catch::Contains("golang-go"));  // no toolchain: says how to get one
    WARN("SKIPPED: " << go.skip_reason);
    return;
  }
  CHECK_FALSE(go.version.empty());
  auto topology = Topology::this_machine();
  REQUIRE(topology.has_value());
  Claim claim;
  claim.id = "test-go-side";
  claim.benchmarks = "^BM_TestGoSide/";
  claim.go_file = "tiny_test.go";
  Check allocs = ratio_check("allocs", "BenchmarkTiny/b", "BenchmarkTiny/a");
  allocs.kind = CheckKind::absolute;
  allocs.denominator.clear();
  allocs.denominator_ref.reset();
  allocs.go->denominator.clear();
  allocs.metric = "allocs";
  allocs.at_least.reset();
  allocs.refuted_below.reset();
  allocs.at_most = 0.5;  // C++ a allocates nothing: HOLDS; Go b allocates once per op: REFUTED
  allocs.refuted_above = 0.5;
  claim.checks = {ratio_check("fine", "BenchmarkTiny/a", "BenchmarkTiny/b"),
                  ratio_check("crashes", "BenchmarkPanic", "BenchmarkTiny/a"), allocs};
  RunOptions options;
  options.repetitions = 6;
  options.min_time_s = 0.001;
  options.go = go;
  const ClaimRun run = run_claim(claim, *topology, place(*topology, Policy::spread), options);
  CHECK(run.go_ran);
  REQUIRE(run.checks.size() == 3);
  REQUIRE(run.go_checks.size() == 3);
  for (const auto& check : run.checks)
    CHECK(check.verdict != Verdict::skipped);  // every C++ side judged

  const VariantRun* twin_a = run.find_go("BenchmarkTiny/a", 1);
  REQUIRE(twin_a != nullptr);
  CHECK(twin_a->skipped.empty());
  REQUIRE(twin_a->repetitions.size() == 6);  // one per round, in the same rounds as C++
  for (int r = 0; r < 6; ++r)
    CHECK(twin_a->repetitions[static_cast<std::size_t>(r)].round == r);

  const auto& fine = run.go_checks[0]->outcome;
  CHECK(fine.verdict != Verdict::skipped);
  CHECK(fine.pairs == 6);
  CHECK(run.go_checks[0]->numerator == "BenchmarkTiny/a");

  const auto& crashed = run.go_checks[1]->outcome;
  CHECK(crashed.verdict == Verdict::skipped);
  CHECK_THAT(crashed.reason,
             Catch::Contains("BenchmarkPanic") && Catch::Contains("panic: twin exploded: 42"));

  CHECK(run.checks[2].verdict == Verdict::holds);
  CHECK(run.go_checks[2]->outcome.verdict == Verdict::refuted);
  CHECK(run.go_checks[2]->outcome.estimate == Approx(1.0));
}
