// The runner on tiny benchmarks built into this test binary: rounds in ABBA order, every
// repetition kept with its counters, threads pinned where the placement says.
#include <benchmark/benchmark.h>

#include <catch2/catch.hpp>
#include <mutex>

#include "claimbench/measure/bench.hpp"
#include "claimbench/measure/runner.hpp"

using namespace claimbench;

namespace {

// Test-only record of which benchmark ran, in order (Google Benchmark calls a benchmark
// function several times per run while it sizes the iteration count).
std::mutex order_mutex;
std::string order;

void note(char which) {
  std::lock_guard lock(order_mutex);
  if (order.empty() || order.back() != which) order += which;
}

void BM_TestRunnerA(benchmark::State& state) {
  BenchThread thread(state, 2);
  for (auto _ : thread) {
    auto* p = new int(1);  // one allocation per iteration: 0.5 per op
    benchmark::DoNotOptimize(p);
    delete p;
  }
  if (state.thread_index() == 0) note('A');
}

void BM_TestRunnerB(benchmark::State& state) {
  BenchThread thread(state);
  std::int64_t x = 0;
  for (auto _ : thread)
    benchmark::DoNotOptimize(x += 1);
  if (state.thread_index() == 0) note('B');
}

BENCHMARK(BM_TestRunnerA)->Name("BM_TestRunner/a");
BENCHMARK(BM_TestRunnerB)->Name("BM_TestRunner/b");
BENCHMARK(BM_TestRunnerB)->Name("BM_TestRunner/b")->Threads(2)->UseRealTime();

Claim test_claim() {
  Claim claim;
  claim.id = "test-runner";
  claim.benchmarks = "^BM_TestRunner/";
  claim.events = {"task-clock"};
  Check check;
  check.id = "a-vs-b";
  check.numerator = "BM_TestRunner/a";
  check.denominator = "BM_TestRunner/b";
  check.at_least = 1000;  // far out of reach: the verdict is REFUTED or INCONCLUSIVE, never skipped
  check.refuted_below = 1000;
  Check missing = check;
  missing.id = "missing";
  missing.numerator = "BM_TestRunner/nope";
  claim.checks = {check, missing};
  return claim;
}

}  // namespace

TEST_CASE("benchmark names and thread counts are listed from the filter", "[runner]") {
  const auto names = list_benchmarks("^BM_TestRunner/");
  CHECK(names == std::vector<std::string>{"BM_TestRunner/a", "BM_TestRunner/b",
                                          "BM_TestRunner/b/real_time/threads:2"});
  CHECK(threads_of("BM_TestRunner/b/real_time/threads:2") == 2);
  CHECK(threads_of("BM_TestRunner/a") == 1);
}

TEST_CASE("the runner pairs rounds in ABBA order and keeps every repetition", "[runner]") {
  auto topology = Topology::this_machine();
  REQUIRE(topology.has_value());
  const Claim claim = test_claim();
  RunOptions options;
  options.repetitions = 6;
  options.min_time_s = 0.001;
  order.clear();
  const ClaimRun run = run_claim(claim, *topology, place(*topology, Policy::spread), options);

  // Rounds run AB | BA | BA | AB | AB | BA (the 2-thread B stands beside B), which collapses
  // to ABABABABA. Every round forward would give 12 letters, strict alternation AB|BA|AB|...
  // would give ABABABA.
  CHECK(order == "ABABABABA");
  REQUIRE(run.variants.size() == 3);
  const VariantRun* a = run.find("BM_TestRunner/a");
  REQUIRE(a != nullptr);
  REQUIRE(a->repetitions.size() == 6);
  for (int r = 0; r < 6; ++r)
    CHECK(a->repetitions[static_cast<std::size_t>(r)].round == r);
  CHECK(a->ops_per_iteration() == 2.0);
  CHECK(a->metric(a->repetitions[0], "allocs") == Approx(0.5));
  CHECK(a->metric(a->repetitions[0], "task-clock") > 0);
  REQUIRE(a->placement.size() == 1);
  CHECK(a->placement[0].pu == static_cast<int>(place(*topology, Policy::spread).pus[0].os_index));
  CHECK(a->placement[0].ran_on == a->placement[0].pu);

  const VariantRun* b2 = run.find("BM_TestRunner/b/real_time/threads:2");
  REQUIRE(b2 != nullptr);
  if (topology->pus().size() >= 2) {
    CHECK(b2->skipped.empty());
    REQUIRE(b2->placement.size() == 2);
    CHECK(b2->placement[0].pu != b2->placement[1].pu);
    CHECK(run.probe_before_ns.has_value());
  } else {
    CHECK_THAT(b2->skipped, Catch::Contains("needs 2 PUs"));
  }

  REQUIRE(run.checks.size() == 2);
  CHECK(run.checks[0].verdict != Verdict::skipped);
  CHECK(run.checks[0].verdict != Verdict::holds);
  CHECK(run.checks[0].pairs == 6);
  CHECK(run.checks[1].verdict == Verdict::skipped);
  CHECK_THAT(run.checks[1].reason, Catch::Contains("not built"));
}

TEST_CASE("a claim needing more cores than the machine has is skipped whole", "[runner]") {
  auto topology = Topology::this_machine();
  REQUIRE(topology.has_value());
  Claim claim = test_claim();
  claim.requires_cores = 4096;
  const ClaimRun run = run_claim(claim, *topology, place(*topology, Policy::spread), {});
  CHECK(run.skipped);
  CHECK(run.variants.empty());
  REQUIRE(run.checks.size() == 2);
  CHECK(run.checks[0].verdict == Verdict::skipped);
  CHECK_THAT(run.checks[0].reason, Catch::Contains("needs 4096 cores"));
}

TEST_CASE("ns per op divides wall time by all threads' operations", "[runner]") {
  VariantRun v;
  v.threads = 2;
  // 2 threads x 1000 iterations, 1 ms of wall time, 4 ops per iteration.
  v.repetitions = {{0, 2000, 1e-3, 2e-3, {{"ops_per_iter", 4.0}, {"page-faults", 8.0}}}};
  CHECK(v.metric(v.repetitions[0], "ns_per_op") == Approx(125.0));
  CHECK(v.metric(v.repetitions[0], "page-faults") == Approx(2.0));
  CHECK(std::isnan(v.metric(v.repetitions[0], "absent")));
}
