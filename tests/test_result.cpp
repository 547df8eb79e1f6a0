// Result files: round trip, never overwriting, clear errors for corrupt or foreign files.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "claimbench/result.hpp"

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

TEST_CASE("a run record survives the JSON round trip", "[result]") {
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
  record.repetitions = 2;
  record.machine.cpu_model = "Test CPU";
  record.machine.id = "abcd1234";
  record.claims.push_back(run);

  const fs::path dir = fresh_dir("roundtrip");
  auto writer = ResultWriter::create(dir, "run");
  REQUIRE(writer.has_value());
  REQUIRE(writer->write(to_json(record)).has_value());
  auto back = read_result(writer->path());
  REQUIRE(back.has_value());
  const auto& doc = *back;
  CHECK(doc["machine"]["cpu_model"] == "Test CPU");
  const auto& c = doc["claims"][0];
  CHECK(c["id"] == "demo");
  CHECK(c["checks"][0]["verdict"] == "HOLDS");
  CHECK(c["checks"][0]["ci"][1] == 3.0);
  CHECK(c["checks"][0]["thresholds"]["at_least"] == 1.5);
  CHECK(c["probe_ns"]["before"] == 50.0);
  CHECK(c["variants"][0]["placement"][0]["pu"] == 3);
  // ns/op = 1e-3 s * 1e9 / 1000 iterations / 2 ops per iteration
  CHECK(c["variants"][0]["repetitions"][0]["ns_per_op"] == Approx(500.0));
  CHECK(c["variants"][0]["summary"]["task-clock_per_op"] == Approx(350.0));
  // Google Benchmark's native shape, one entry per repetition, for its compare.py.
  REQUIRE(doc["benchmarks"].size() == 2);
  CHECK(doc["benchmarks"][0]["name"] == "BM_Demo/a");
  CHECK(doc["benchmarks"][0]["time_unit"] == "ns");
  CHECK(doc["benchmarks"][1]["real_time"] == Approx(2000.0));
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
  // A freshly created result is already a valid (empty, incomplete) result.
  auto empty = read_result(first->path());
  REQUIRE(empty.has_value());
  CHECK((*empty)["complete"] == false);
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
    auto result = read_result(dir / name);
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
  auto missing = read_result(dir / "absent.json");
  REQUIRE_FALSE(missing.has_value());
  CHECK_THAT(missing.error().message, Catch::Contains("absent.json: cannot read"));
  fs::remove_all(dir);
}
