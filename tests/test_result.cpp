// Result files: round trip, never overwriting, clear errors for corrupt or foreign files.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <limits>

#include "claimbench/judge/summarise.hpp"
#include "claimbench/store/machine_paths.hpp"
#include "claimbench/store/result.hpp"

using namespace claimbench;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("claimbench-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

Claim demo_claim() {
  Claim claim;
  claim.id = "demo";
  claim.title = "Demo";
  claim.fidelity = "direct";
  claim.sources = {{"004.txt", "Q1"}};
  Check check;
  check.id = "faster";
  check.numerator = "BM_Demo/a";
  check.denominator = "BM_Demo/b";
  check.at_least = 1.5;
  check.refuted_below = 1.1;
  claim.checks = {check};
  return claim;
}

}  // namespace

TEST_CASE("a run is summarised once and survives the JSON round trip", "[result]") {
  const Claim claim = demo_claim();
  ClaimRun run;
  run.claim = &claim;
  run.shared_cache = "L3";
  run.counters.events = {EventSpec{"task-clock", "perf::PERF_COUNT_SW_TASK_CLOCK", {}}};
  run.probe_before_ns = 50.0;
  VariantRun a;
  a.name = "BM_Demo/a";
  a.repetitions = {{0, 1000, 1e-3, 1e-3, {{"ops_per_iter", 2.0}, {"task-clock", 500.0}}},
                   {1, 1000, 2e-3, 2e-3, {{"ops_per_iter", 2.0}, {"task-clock", 900.0}}}};
  a.placement = {{0, 3, 3, 1, 0}};
  run.variants = {a};
  CheckOutcome outcome;
  outcome.check_id = "faster";
  outcome.verdict = Verdict::holds;
  outcome.estimate = 2.5;
  outcome.ci = Interval{2.0, 3.0};
  outcome.reason = "ratio 2.5";
  run.checks = {outcome};
  RunRecord record;
  record.created_utc = "2026-11-23T00:00:00Z";
  record.command = "bench run --claim demo";
  record.options = {2, 0.05};
  record.machine.cpu_model = "Test CPU";
  record.machine.id = "abcd1234";
  record.claims.push_back(summarise(run));

  // The summary is computed here, once: ns/op = 1e-3 s * 1e9 / 1000 iterations / 2 ops.
  const VariantResult& summary = record.claims[0].variants[0];
  CHECK(summary.repetitions[0].ns_per_op == Approx(500.0));
  REQUIRE(summary.summary.ns_per_op.median);
  CHECK(*summary.summary.ns_per_op.median == Approx(750.0));
  CHECK(summary.summary.per_op.at("task-clock") == Approx(350.0));
  CHECK(record.claims[0].counters.explaining == std::vector<std::string>{"task-clock", "allocs"});

  const fs::path dir = fresh_dir("roundtrip");
  auto writer = ResultWriter::create(dir, "run");
  REQUIRE(writer.has_value());
  const auto written = to_json(record);
  REQUIRE(writer->write(written).has_value());
  auto back = load_result(writer->path());
  REQUIRE(back.has_value());
  CHECK(to_json(*back) == written);
  CHECK(back->machine.cpu_model == "Test CPU");
  const ClaimResult& c = back->claims[0];
  CHECK(c.id == "demo");
  CHECK(c.checks[0].verdict == Verdict::holds);
  CHECK(c.checks[0].ci->hi == 3.0);
  CHECK(c.checks[0].thresholds.at_least == 1.5);
  CHECK(c.probe_before_ns == 50.0);
  CHECK(c.variants[0].placement[0].pu == 3);
  // Google Benchmark's native shape, one entry per repetition, then the variant's aggregate
  // rows as GB writes them, for its compare.py (-a reads only those).
  REQUIRE(written["benchmarks"].size() == 2 + 4);
  CHECK(written["benchmarks"][0]["name"] == "BM_Demo/a");
  CHECK(written["benchmarks"][0]["time_unit"] == "ns");
  CHECK(written["benchmarks"][1]["real_time"] == Approx(2000.0));
  const auto& median = written["benchmarks"][3];
  CHECK(median["name"] == "BM_Demo/a_median");
  CHECK(median["run_type"] == "aggregate");
  CHECK(median["aggregate_name"] == "median");
  CHECK(median["run_name"] == "BM_Demo/a");
  CHECK(median["real_time"] == Approx((written["benchmarks"][0]["real_time"].get<double>() +
                                       written["benchmarks"][1]["real_time"].get<double>()) /
                                      2));
  CHECK(written["benchmarks"][5]["aggregate_name"] == "cv");
  CHECK(written["benchmarks"][5]["aggregate_unit"] == "percentage");

  SECTION("a Go side and go_version, when present, round-trip too") {
    back->go_version = "go1.19";
    SideOutcome go;
    go.numerator = "BenchmarkDemo/a";
    go.denominator = "BenchmarkDemo/b";
    go.estimate = 1.8;
    go.ci = Interval{1.5, 2.1};
    go.confidence = 0.992;
    go.pairs = 12;
    go.rounds = 12;
    go.verdict = Verdict::holds;
    go.reason = "go";
    back->claims[0].checks[0].go = go;
    back->claims[0].checks[0].rounds = 8;
    back->claims[0].checks[0].undecided = "";
    back->claims[0].variants[0].go = false;
    back->claims[0].load = LoadRecord{0.5, 1.5, 0.03, {{42, "stress", 1}}, "machine busy"};
    back->claims[0].go_file = "demo_test.go";
    back->options.max_rounds = 32;
    back->options.go = true;
    back->latency = LatencyRecord{{0, 1}, {{std::nullopt, 61.0}, {58.0, std::nullopt}}};
    const auto with_go = to_json(*back);
    auto again = from_json(with_go, "go.json");
    REQUIRE(again.has_value());
    CHECK(to_json(*again) == with_go);
    CHECK(again->claims[0].checks[0].go->verdict == Verdict::holds);
    CHECK(again->claims[0].checks[0].go->confidence == Approx(0.992));
    CHECK(again->claims[0].load->competitors[0].command == "stress");
    CHECK(again->latency->round_trip_ns[1][0] == 58.0);
    CHECK_FALSE(again->latency->round_trip_ns[0][0]);

    // A C++-only reference check keeps its reason; a check cannot have both.
    auto reference = with_go;
    reference["claims"][0]["checks"][0].erase("go");
    reference["claims"][0]["checks"][0]["go_none"] = "a C++-only reference";
    const auto kept = from_json(reference, "ref.json");
    REQUIRE(kept.has_value());
    CHECK(kept->claims[0].checks[0].go_none == "a C++-only reference");
    CHECK(to_json(*kept) == reference);
    auto both = with_go;
    both["claims"][0]["checks"][0]["go_none"] = "why";
    const auto contradiction = from_json(both, "both.json");
    REQUIRE_FALSE(contradiction);
    CHECK_THAT(contradiction.error().message,
               Catch::Contains("claims[0].checks[0]: a check with a Go side has no 'go_none'"));

    auto bad_latency = with_go;
    bad_latency["latency"]["round_trip_ns"].erase(1);
    const auto refused = from_json(bad_latency, "lat.json");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("latency.round_trip_ns") != std::string::npos);
  }
  fs::remove_all(dir);
}

TEST_CASE("a new result never replaces an existing file", "[result]") {
  const fs::path dir = fresh_dir("unique");
  write_text(dir / "run.json", "precious");
  auto first = ResultWriter::create(dir, "run");
  auto second = ResultWriter::create(dir, "run");
  REQUIRE((first.has_value() && second.has_value()));
  CHECK(first->path() != dir / "run.json");
  CHECK(first->path() != second->path());
  std::ifstream in(dir / "run.json");
  std::string text;
  in >> text;
  CHECK(text == "precious");
  // A freshly created result is a placeholder that report and compare skip.
  auto placeholder = parse_json_file(first->path());
  REQUIRE(placeholder.has_value());
  CHECK(is_placeholder(*placeholder));
  fs::remove_all(dir);
}

TEST_CASE("an output directory that cannot be created is an error naming it", "[result]") {
  const fs::path dir = fresh_dir("blocked");
  write_text(dir / "file", "x");
  auto writer = ResultWriter::create(dir / "file" / "sub", "run");
  REQUIRE_FALSE(writer.has_value());
  CHECK_THAT(writer.error().message,
             Catch::Contains("cannot create output directory") && Catch::Contains("file/sub"));
  fs::remove_all(dir);
}

TEST_CASE("corrupt, foreign and other-version files are rejected with the file named", "[result]") {
  const fs::path dir = fresh_dir("corrupt");
  auto error_of = [&](const std::string& name, const std::string& text) {
    write_text(dir / name, text);
    auto result = load_result(dir / name);
    REQUIRE_FALSE(result.has_value());
    return result.error().message;
  };
  CHECK_THAT(error_of("truncated.json", "{\"schema\": \"claimbench.result\",\n\"claims\": [1, 2"),
             Catch::Contains("truncated.json:2: not valid JSON"));
  CHECK_THAT(error_of("foreign.json", "{\"benchmarks\": []}"),
             Catch::Contains("foreign.json: not a claimbench result"));
  CHECK_THAT(error_of("old.json", R"({"schema": "claimbench.result", "schema_version": 0})"),
             Catch::Contains("version 0 is older"));
  CHECK_THAT(error_of("new.json", R"({"schema": "claimbench.result", "schema_version": 99})"),
             Catch::Contains("version 99 is newer") && Catch::Contains("update claimbench"));
  auto missing = load_result(dir / "absent.json");
  REQUIRE_FALSE(missing.has_value());
  CHECK_THAT(missing.error().message, Catch::Contains("absent.json: cannot read"));
  fs::remove_all(dir);
}

namespace {

nlohmann::json fixture(const std::string& relative) {
  auto doc = parse_json_file(fs::path(CLAIMBENCH_SOURCE_DIR) / relative);
  REQUIRE(doc.has_value());
  return *doc;
}

// The error from_json gives for the fixture with one field replaced (or removed: null_value
// with erase = true).
std::string error_after(const std::string& pointer, const nlohmann::json& value,
                        bool erase = false) {
  auto doc = fixture("tests/data/results/amd-epyc-vm.json");
  const nlohmann::json::json_pointer at(pointer);
  if (erase) {
    doc[at.parent_pointer()].erase(at.back());
  } else {
    doc[at] = value;
  }
  auto record = from_json(doc, "results/a.json");
  REQUIRE_FALSE(record.has_value());
  return record.error().message;
}

}  // namespace

TEST_CASE("result files written before still load and re-serialise the same", "[result]") {
  for (const char* file :
       {"tests/data/results/amd-epyc-vm.json", "tests/data/results/intel-xeon-fixture.json",
        "reports/e727eba4/result.json"}) {
    INFO(file);
    const auto doc = fixture(file);
    auto record = from_json(doc, file);
    REQUIRE(record.has_value());
    const auto again = to_json(*record);
    auto twice = from_json(again, file);
    REQUIRE(twice.has_value());
    CHECK(to_json(*twice) == again);
    // Every claim field the old writer wrote comes back unchanged (the hand-made Intel fixture
    // lacks counters.unavailable, which is written back as an empty list).
    for (std::size_t i = 0; i < doc["claims"].size(); ++i) {
      auto original = doc["claims"][i];
      auto written = again["claims"][i];
      written["counters"].erase("unavailable");
      original["counters"].erase("unavailable");
      CHECK(written == original);
    }
    CHECK(again["machine"] == doc["machine"]);
    // The iteration rows are the old writer's; aggregate rows (mean, median, stddev, cv) follow
    // each variant now. Compared row by row: a failed CHECK on the whole array prints megabytes.
    nlohmann::json iterations = nlohmann::json::array();
    for (const auto& row : again["benchmarks"]) {
      if (row["run_type"] == "iteration") iterations.push_back(row);
    }
    REQUIRE(iterations.size() == doc["benchmarks"].size());
    std::size_t differing = 0;
    for (std::size_t i = 0; i < iterations.size(); ++i)
      differing += iterations[i] != doc["benchmarks"][i];
    CHECK(differing == 0);
  }
}

TEST_CASE("from_json names the file and the JSON path of the first bad field", "[result]") {
  using nlohmann::json;
  CHECK(error_after("/claims/0/checks/0/verdict", 5) ==
        "results/a.json: claims[0].checks[0].verdict: expected a string, got number");
  CHECK_THAT(error_after("/claims/0/checks/0/verdict", "MAYBE"),
             Catch::Contains("claims[0].checks[0].verdict: 'MAYBE' is not one of HOLDS"));
  CHECK(error_after("/claims/0/variants/1/name", nullptr, true) ==
        "results/a.json: claims[0].variants[1].name: missing");
  CHECK_THAT(error_after("/claims/0/checks/0/estimate", "NaN"),
             Catch::Contains("claims[0].checks[0].estimate: expected a number, got string"));
  CHECK_THAT(error_after("/claims/0/checks/0/estimate", std::numeric_limits<double>::infinity()),
             Catch::Contains("claims[0].checks[0].estimate: expected a finite number"));
  CHECK_THAT(error_after("/claims/0/variants/0/threads", 2.5),
             Catch::Contains("claims[0].variants[0].threads: expected an integer, got 2.5"));
  CHECK_THAT(error_after("/claims/0/variants/0/threads", 0),
             Catch::Contains("claims[0].variants[0].threads: 0 is out of range"));
  CHECK_THAT(error_after("/claims/0/variants/0/repetitions/0/iterations",
                         json::parse("18446744073709551615")),
             Catch::Contains("repetitions[0].iterations: 18446744073709551615 is out of range"));
  CHECK_THAT(error_after("/machine/pus", -1), Catch::Contains("machine.pus: -1 is out of range"));
  CHECK_THAT(error_after("/claims/0/id", "../x"),
             Catch::Contains("claims[0].id: '../x' is not a safe id"));
  CHECK_THAT(error_after("/machine/id", "a/b"), Catch::Contains("machine.id: 'a/b' is not a safe"));
  CHECK(error_after("/claims", json::object()) ==
        "results/a.json: claims: expected an array, got object");
  CHECK_THAT(error_after("/options/min_time_s", 0), Catch::Contains("options.min_time_s: must be"));
  CHECK_THAT(error_after("/claims/0/checks/0/ci", json{2.0, 1.0}),
             Catch::Contains("claims[0].checks[0].ci: low 2 is above high 1"));
  CHECK_THAT(error_after("/claims/0/checks/0/ci", json{1.0}),
             Catch::Contains("claims[0].checks[0].ci: expected [low, high]"));
  CHECK_THAT(error_after("/claims/0/checks/0/go", json::object()),
             Catch::Contains("claims[0].checks[0].go.estimate: missing"));
  CHECK_THAT(error_after("/claims/0/variants/0/summary/ns_per_op/median", -1.0),
             Catch::Contains("summary.ns_per_op.median: -1 is out of range"));
  CHECK_THAT(error_after("/claims/0/checks/0/thresholds", json::object()),
             Catch::Contains("claims[0].checks[0].thresholds: a ratio or absolute check needs"));
  CHECK_THAT(error_after("/machine", json::array()),
             Catch::Contains("machine: expected an object, got array"));
  auto not_object = from_json(json::array(), "x.json");
  REQUIRE_FALSE(not_object.has_value());
  CHECK_THAT(not_object.error().message, Catch::Contains("x.json: not a claimbench result"));
}

TEST_CASE("messages a result keeps name no path of the machine that wrote them", "[result]") {
  CHECK(without_machine_paths("TSan build missing: /work/x/build/race_workloads_tsan does not "
                              "exist (sanitizer)") ==
        "TSan build missing: …/race_workloads_tsan does not exist (sanitizer)");
  CHECK(without_machine_paths("the Go twins in /work/main/benchmarks/go failed to build") ==
        "the Go twins in …/go failed to build");
  CHECK(without_machine_paths("cannot create (/tmp/out/): denied; --out=/home/u/res.") ==
        "cannot create (…/out): denied; --out=…/res.");
  // Not paths: units, benchmark names, URLs, a lone slash.
  const std::string kept = "12 ns/op, BM_X/a/threads:2, see https://go.dev/x, a / b";
  CHECK(without_machine_paths(kept) == kept);

  ClaimResult claim;
  claim.reason = "skipped: /a/b/c missing";
  claim.checks.emplace_back();
  claim.checks.back().reason = "variant /a/bench did not run";
  claim.checks.back().go = SideOutcome{};
  claim.checks.back().go->reason = "twins in /a/benchmarks/go did not build";
  claim.variants.emplace_back();
  claim.variants.back().skipped = "/a/race_workloads does not exist";
  strip_machine_paths(claim);
  CHECK(claim.reason == "skipped: …/c missing");
  CHECK(claim.checks.back().reason == "variant …/bench did not run");
  CHECK(claim.checks.back().go->reason == "twins in …/go did not build");
  CHECK(claim.variants.back().skipped == "…/race_workloads does not exist");
}
