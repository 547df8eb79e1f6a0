// Claim files: valid ones parse and resolve against the registry, malformed ones fail naming
// file, line and field.
#include <fmt/format.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/measure/bench.hpp"

using namespace claimbench;

namespace {

const char* kValid = R"(id = "demo"
title = "Demo"
fidelity = "direct"
statement = "s"
analogue = "a"
sources = [ { seed = "004.txt", where = "Q1" } ]
benchmarks = "^BM_Demo/"
events = ["cycles"]
requires = { cores = 2 }

[[check]]
id = "faster"
says = "x"
numerator = { variant = "a", threads = 2 }
denominator = { variant = "b", threads = 2 }
at_least = 1.5
refuted_below = 1.1
)";

// What a binary with two families registered would offer.
Registry demo_registry() {
  Registry registry;
  registry.benchmarks = {"BM_Demo/a/real_time",           "BM_Demo/a/real_time/threads:2",
                         "BM_Demo/b/real_time/threads:2", "BM_Demo/size/len:8",
                         "BM_Other/x/iterations:10",      "BM_Other/y"};
  registry.counters["BM_Demo"] = {"rss_bytes"};
  return registry;
}

std::string with(const std::string& from, const std::string& to, std::string text = kValid) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// kValid with Go twins: go_file, and the check's go pair.
std::string twinned_demo() {
  return with("at_least = 1.5",
              "go = { numerator = \"BenchmarkDemo/a\", denominator = \"BenchmarkDemo/b\" }\n"
              "at_least = 1.5",
              with("benchmarks =", "go_file = \"demo_test.go\"\nbenchmarks ="));
}

std::string error_of(const std::string& text) {
  auto claim = parse_claim(text, "claims/demo.toml");
  REQUIRE_FALSE(claim.has_value());
  return claim.error().message;
}

Expected<Claim> resolved(const std::string& text, const Registry& registry = demo_registry()) {
  auto claim = parse_claim(text, "claims/demo.toml");
  REQUIRE(claim.has_value());
  if (auto ok = resolve_claim(*claim, registry); !ok) return std::unexpected(ok.error());
  return claim;
}

std::string resolve_error(const std::string& text) {
  auto claim = resolved(text);
  REQUIRE_FALSE(claim.has_value());
  return claim.error().message;
}

// A claims directory of its own, removed at the end of the test.
struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               fmt::format("claimbench-claims-{}-{}", getpid(), counter()++);
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

}  // namespace

TEST_CASE("a valid claim parses with every field", "[claims]") {
  auto claim = parse_claim(kValid, "claims/demo.toml");
  REQUIRE(claim.has_value());
  CHECK(claim->id == "demo");
  CHECK(claim->requires_cores == 2);
  CHECK(claim->events == std::vector<std::string>{"cycles"});
  REQUIRE(claim->checks.size() == 1);
  CHECK(claim->checks[0].kind == CheckKind::ratio);
  CHECK(*claim->checks[0].at_least == 1.5);
  CHECK(claim->checks[0].line == 12);
  CHECK(claim->checks[0].metric == "ns_per_op");
  CHECK(claim->checks[0].numerator_ref->variant == "a");
  CHECK(claim->checks[0].numerator_ref->threads == 2);
  CHECK(claim->checks[0].numerator.empty());  // filled when resolved
}

TEST_CASE("registered names split into family, variant and threads", "[claims]") {
  auto parts = split_benchmark_name("BM_FalseSharing/packed/real_time/threads:2");
  CHECK(parts.family == "BM_FalseSharing");
  CHECK(parts.variant == "packed");
  CHECK(parts.threads == 2);
  parts = split_benchmark_name("BM_ByteString/copy/len:32");
  CHECK(parts.variant == "copy/len:32");
  CHECK(parts.threads == 1);
  parts = split_benchmark_name("BM_RWMutex/gorw/short/w0/real_time");
  CHECK(parts.variant == "gorw/short/w0");
  CHECK(split_benchmark_name("BM_Other/x/iterations:10").variant == "x");
  CHECK(split_benchmark_name("BM_Solo").variant.empty());
}

TEST_CASE("variant references resolve to the registered full names", "[claims]") {
  auto claim = resolved(kValid);
  REQUIRE(claim.has_value());
  CHECK(claim->checks[0].numerator == "BM_Demo/a/real_time/threads:2");
  CHECK(claim->checks[0].denominator == "BM_Demo/b/real_time/threads:2");
  // threads defaults to 1; the family may be named (without BM_) and must then be selected.
  auto one =
      resolved(with("{ variant = \"a\", threads = 2 }", "{ family = \"Demo\", variant = \"a\" }"));
  REQUIRE(one.has_value());
  CHECK(one->checks[0].numerator == "BM_Demo/a/real_time");
}

TEST_CASE("unresolvable references name file, line and field", "[claims]") {
  CHECK_THAT(resolve_error(with("variant = \"a\"", "variant = \"aa\"")),
             Catch::StartsWith("claims/demo.toml:14: check 'faster', 'numerator': Demo has no "
                               "variant 'aa'; did you mean: a"));
  CHECK_THAT(resolve_error(with("variant = \"b\", threads = 2", "variant = \"b\", threads = 4")),
             Catch::Contains("demo.toml:15: check 'faster', 'denominator': variant 'b' of Demo is "
                             "registered at threads 2, not 4"));
  CHECK_THAT(resolve_error(with("{ variant = \"a\"", "{ family = \"Other\", variant = \"a\"")),
             Catch::Contains("family 'Other' is not among the claim's benchmarks (Demo)"));
  // A pattern that spans two families needs the family in every reference.
  CHECK_THAT(resolve_error(with("^BM_Demo/", "^BM_(Demo|Other)/")),
             Catch::Contains("'numerator': name the family too"));
  CHECK_THAT(error_of(with("{ variant = \"a\"", "{ family = \"BM_Demo\", variant = \"a\"")),
             Catch::Contains("'numerator.family': write 'Demo' without the 'BM_' prefix"));
  CHECK_THAT(
      error_of(with("{ variant = \"a\", threads = 2 }", "\"BM_Demo/a/real_time/threads:2\"")),
      Catch::Contains("demo.toml:14: check 'faster', 'numerator' must be a table"));
  CHECK_THAT(error_of(with("threads = 2 }", "threads = 0 }")),
             Catch::Contains("'threads' in check 'faster', 'numerator' must be a positive"));
  CHECK_THAT(error_of(with("threads = 2 }", "thread = 2 }")),
             Catch::Contains("unknown key 'thread'"));
}

TEST_CASE("the benchmarks pattern must select a registered benchmark", "[claims]") {
  CHECK_THAT(resolve_error(with("^BM_Demo/", "^BM_Dmeo/")),
             Catch::StartsWith("claims/demo.toml:7: benchmarks: '^BM_Dmeo/' matches no "
                               "registered benchmark; families near it: BM_Demo"));
}

TEST_CASE("metrics, mechanisms and events are checked against what is known", "[claims]") {
  // A declared user counter of the family, an event of the claim, and the built-in ones pass.
  CHECK(resolved(with("at_least", "metric = \"rss_bytes\"\nat_least")).has_value());
  CHECK(resolved(with("at_least", "metric = \"cycles\"\nat_least")).has_value());
  CHECK(resolved(with("at_least", "metric = \"allocs\"\nat_least")).has_value());
  CHECK_THAT(resolve_error(with("at_least", "metric = \"rss_byte\"\nat_least")),
             Catch::StartsWith("claims/demo.toml:12: check 'faster', 'metric': 'rss_byte' is "
                               "neither ns_per_op"));
  CHECK_THAT(resolve_error(with("at_least", "metric = \"page-faults\"\nat_least")),
             Catch::Contains("'page-faults' is an event the claim does not list in 'events'"));
  CHECK_THAT(resolve_error(with("at_least", "mechanism = \"instructions\"\nat_least")),
             Catch::Contains("'mechanism': 'instructions' is not one of the claim's events"));
  CHECK_THAT(resolve_error(with("[\"cycles\"]", "[\"cycles\", \"cylces\"]")),
             Catch::StartsWith("claims/demo.toml:8: events: unknown event 'cylces'"));
}

TEST_CASE("missing and mistyped fields are named", "[claims]") {
  CHECK_THAT(error_of(with("says = \"x\"\n", "")), Catch::Contains("missing 'says'"));
  CHECK_THAT(error_of(with("at_least = 1.5", "at_least = \"big\"")),
             Catch::Contains("demo.toml:16: 'at_least' in [[check]] #1 must be a number"));
  CHECK_THAT(
      error_of(with("fidelity = \"direct\"", "fidelity = \"exact\"")),
      Catch::Contains(
          "demo.toml:3: 'fidelity' must be direct, analogue, proxy, go-only or calibration"));
  CHECK_THAT(error_of(with("cores = 2", "cores = 0")), Catch::Contains("positive integer"));
  CHECK_THAT(error_of(with("denominator = { variant = \"b\", threads = 2 }\n", "")),
             Catch::Contains("check 'faster' is missing 'denominator'"));
}

TEST_CASE("inconsistent thresholds are rejected", "[claims]") {
  CHECK_THAT(error_of(with("refuted_below = 1.1", "refuted_below = 2.0")),
             Catch::Contains("demo.toml:17: check 'faster', 'refuted_below': 'refuted_below' "
                             "must not exceed 'at_least'"));
  CHECK_THAT(error_of(with("refuted_below = 1.1", "refuted_above = 2.0")),
             Catch::Contains("'at_least' goes with 'refuted_below'"));
  CHECK_THAT(error_of(with("at_least = 1.5\nrefuted_below = 1.1", "")),
             Catch::Contains("exactly one of 'at_least' or 'at_most'"));
  CHECK_THAT(error_of(with("numerator =", "kind = \"equivalent\"\nnumerator =")),
             Catch::Contains("'at_least': does not belong to a equivalence check"));
  CHECK_THAT(error_of(with("at_least = 1.5\nrefuted_below = 1.1", "kind = \"equivalent\"")),
             Catch::Contains("needs 'within'"));
  CHECK_THAT(error_of(with("numerator =", "kind = \"fuzzy\"\nnumerator =")),
             Catch::Contains("must be ratio, equivalent or absolute"));
  CHECK_THAT(error_of(with("at_least = 1.5", "at_least = 1.5\nwithin = 0.1")),
             Catch::Contains("'within': does not belong to a ratio check"));
}

TEST_CASE("NaN, infinite and negative thresholds and noise limits are rejected", "[claims]") {
  CHECK_THAT(error_of(with("at_least = 1.5", "at_least = nan")),
             Catch::Contains("demo.toml:16: 'at_least' must be a finite number above 0, not nan"));
  CHECK_THAT(error_of(with("refuted_below = 1.1", "refuted_below = -1.0")),
             Catch::Contains("'refuted_below' must be a finite number above 0"));
  CHECK_THAT(error_of(with("at_least = 1.5", "at_least = inf")), Catch::Contains("finite"));
  CHECK_THAT(error_of(with("requires =", "noise_limit = -0.5\nrequires =")),
             Catch::Contains("demo.toml:9: 'noise_limit' must be a finite number above 0"));
  CHECK_THAT(error_of(with("requires =", "noise_limit = nan\nrequires =")),
             Catch::Contains("'noise_limit' must be a finite number above 0"));
}

TEST_CASE("absolute checks: one benchmark, a refute bound on the far side", "[claims]") {
  const std::string absolute =
      with("denominator = { variant = \"b\", threads = 2 }\nat_least = 1.5\nrefuted_below = 1.1",
           "kind = \"absolute\"\nmetric = \"rss_bytes\"\nat_most = 1000\nrefuted_above = 2000");
  auto claim = resolved(absolute);
  REQUIRE(claim.has_value());
  CHECK(claim->checks[0].denominator.empty());
  CHECK_THAT(error_of(with("refuted_above = 2000", "refuted_above = 500", absolute)),
             Catch::Contains("'refuted_above': 'refuted_above' must not be below 'at_most'"));
  CHECK_THAT(error_of(with("refuted_above = 2000", "refuted_below = 500", absolute)),
             Catch::Contains("'at_most' goes with 'refuted_above', not 'refuted_below'"));
  CHECK_THAT(error_of(with("at_most = 1000", "at_most = -1", absolute)),
             Catch::Contains("'at_most' must be a finite number at or above 0"));
  CHECK_THAT(error_of(with("kind = \"absolute\"", "kind = \"absolute\"\nmechanism = \"cycles\"",
                           absolute)),
             Catch::Contains("'mechanism': does not belong to a absolute check"));
  CHECK_THAT(error_of(with("metric", "denominator = { variant = \"b\" }\nmetric", absolute)),
             Catch::Contains("an absolute check names one benchmark in 'numerator'"));
}

TEST_CASE("go_pus: where twins that size themselves from their PUs are pinned", "[claims][go]") {
  const std::string twinned = twinned_demo();
  const auto pus_of = [&](const std::string& value) {
    auto claim = parse_claim(with("benchmarks =", "go_pus = " + value + "\nbenchmarks =", twinned),
                             "claims/demo.toml");
    REQUIRE(claim.has_value());
    return claim->go_pus;
  };
  CHECK(parse_claim(twinned, "claims/demo.toml")->go_pus == Claim::GoPus::threads);
  CHECK(pus_of("\"threads\"") == Claim::GoPus::threads);
  CHECK(pus_of("\"cores\"") == Claim::GoPus::cores);
  CHECK(pus_of("\"placement\"") == Claim::GoPus::placement);
  CHECK_THAT(
      error_of(with("benchmarks =", "go_pus = \"all\"\nbenchmarks =", twinned)),
      Catch::Contains("demo.toml:8: 'go_pus' must be threads, cores or placement, not 'all'"));
  CHECK_THAT(error_of(with("benchmarks =", "go_pus = 4\nbenchmarks =", twinned)),
             Catch::Contains("'go_pus' in the claim must be a string"));
  CHECK_THAT(error_of(with("benchmarks =", "go_pus = \"cores\"\nbenchmarks =")),
             Catch::Contains("'go_pus' needs the claim's 'go_file'"));
}

TEST_CASE("Go twins: go_file or go_none, and Go benchmark names without -N", "[claims][go]") {
  const std::string twinned = twinned_demo();
  auto claim = parse_claim(twinned, "claims/demo.toml");
  REQUIRE(claim.has_value());
  CHECK(claim->go_file == "demo_test.go");
  CHECK(claim->checks[0].go->numerator == "BenchmarkDemo/a");
  CHECK(claim->checks[0].go->denominator == "BenchmarkDemo/b");
  CHECK_THAT(error_of(with("BenchmarkDemo/a\"", "BenchmarkDemo/a-4\"", twinned)),
             Catch::Contains("'go.numerator': 'BenchmarkDemo/a-4' ends in -N"));
  CHECK_THAT(error_of(with("BenchmarkDemo/b\"", "benchDemo/b\"", twinned)),
             Catch::Contains("'go.denominator': 'benchDemo/b' is not a Go benchmark name"));
  CHECK_THAT(error_of(with(", denominator = \"BenchmarkDemo/b\"", "", twinned)),
             Catch::Contains("check 'faster', 'go' is missing 'denominator'"));
  CHECK_THAT(error_of(with("go_file = \"demo_test.go\"\n", "", twinned)),
             Catch::Contains("check 'faster', 'go': the claim names no 'go_file'"));
  CHECK_THAT(error_of(with("demo_test.go", "../demo_test.go", twinned)),
             Catch::Contains("'go_file' must be a *_test.go path relative to benchmarks/go/"));
  CHECK_THAT(error_of(with("benchmarks =", "go_none = \"x\"\nbenchmarks =", twinned)),
             Catch::Contains("give 'go_file' or 'go_none', not both"));
  CHECK_THAT(error_of(with("benchmarks =", "go_none = \" \"\nbenchmarks =")),
             Catch::Contains("'go_none' must say why"));
  CHECK(parse_claim(with("benchmarks =", "go_none = \"no Go counterpart: C++ only\"\nbenchmarks ="),
                    "claims/demo.toml")
            .has_value());

  // A claim with twins accounts for every check: 'go', or 'go_none' saying why not.
  const std::string go_line =
      "go = { numerator = \"BenchmarkDemo/a\", denominator = \"BenchmarkDemo/b\" }\n";
  const std::string cxx_only = with(go_line, "go_none = \"a C++-only reference\"\n", twinned);
  auto reference = parse_claim(cxx_only, "claims/demo.toml");
  REQUIRE(reference.has_value());
  CHECK_FALSE(reference->checks[0].go.has_value());
  CHECK(reference->checks[0].go_none == "a C++-only reference");
  CHECK_THAT(error_of(with(go_line, "", twinned)),
             Catch::Contains("check 'faster' has neither 'go' (its Go twins) nor 'go_none'"));
  CHECK_THAT(error_of(with(go_line, go_line + "go_none = \"why\"\n", twinned)),
             Catch::Contains("check 'faster', 'go_none': give 'go' or 'go_none', not both"));
  CHECK_THAT(error_of(with("a C++-only reference", " ", cxx_only)),
             Catch::Contains("'go_none' must say why the check has no Go side"));
  CHECK_THAT(error_of(with("go_file = \"demo_test.go\"\n", "", cxx_only)),
             Catch::Contains("check 'faster', 'go_none': the claim has no Go twins"));

  // With the Go sources at hand the function must exist in go_file.
  TempDir go;
  go.write("demo_test.go", "package x\nfunc BenchmarkDemo(b *testing.B) {}\n");
  Registry registry = demo_registry();
  registry.go_dir = go.path;
  CHECK(resolved(twinned, registry).has_value());
  auto missing = resolved(with("BenchmarkDemo/b\"", "BenchmarkDemoB/b\"", twinned), registry);
  REQUIRE_FALSE(missing.has_value());
  CHECK_THAT(missing.error().message,
             Catch::Contains("check 'faster', 'go': demo_test.go has no func BenchmarkDemoB"));
  auto absent = resolved(with("demo_test.go", "other_test.go", twinned), registry);
  REQUIRE_FALSE(absent.has_value());
  CHECK_THAT(absent.error().message, Catch::Contains("go_file: "));
}

TEST_CASE("go-only claims: no C++ benchmarks, Go names and threads per check", "[claims][go]") {
  const char* go_only = R"(id = "demo"
title = "Demo"
fidelity = "go-only"
statement = "s"
analogue = "measured in Go itself"
sources = [ { seed = "004.txt", where = "Q3" } ]
go_file = "preempt_test.go"

[[check]]
id = "preempted"
says = "x"
kind = "absolute"
metric = "wait_ms"
go = { numerator = "BenchmarkPreempt/spin" }
threads = 1
at_most = 20
refuted_above = 50
)";
  auto claim = resolved(go_only);
  REQUIRE(claim.has_value());
  CHECK(claim->fidelity == "go-only");
  CHECK(claim->benchmarks.empty());
  CHECK(claim->checks[0].numerator.empty());
  CHECK(claim->checks[0].go->numerator == "BenchmarkPreempt/spin");
  CHECK(claim->checks[0].threads == 1);
  CHECK_THAT(error_of(with("go_file", "benchmarks = \"^BM_Demo/\"\ngo_file", go_only)),
             Catch::Contains("'benchmarks': a go-only claim has no C++ benchmarks"));
  CHECK_THAT(error_of(with("go = {", "numerator = { variant = \"a\" }\ngo = {", go_only)),
             Catch::Contains("'numerator': a go-only claim names its benchmarks in 'go' only"));
  CHECK_THAT(error_of(with("go = { numerator = \"BenchmarkPreempt/spin\" }\n", "", go_only)),
             Catch::Contains("check 'preempted' is missing 'go'"));
  CHECK_THAT(error_of(with("go_file = \"preempt_test.go\"\n", "", go_only)),
             Catch::Contains("missing 'go_file'"));
  CHECK_THAT(error_of(std::string(kValid) + "threads = 2\n"),
             Catch::Contains("'threads' belongs in numerator/denominator"));
}

TEST_CASE("broken TOML syntax reports its line", "[claims]") {
  CHECK_THAT(error_of(with("title = \"Demo\"", "title = \"Demo")),
             Catch::StartsWith("claims/demo.toml:2:"));
}

TEST_CASE("the id must match the file name, and the regex must compile", "[claims]") {
  auto claim = parse_claim(kValid, "claims/other.toml");
  REQUIRE_FALSE(claim.has_value());
  CHECK_THAT(claim.error().message, Catch::Contains("does not match the file name"));
  CHECK_THAT(error_of(with("^BM_Demo/", "^BM_(Demo")), Catch::Contains("not a valid regex"));
}

TEST_CASE("duplicate check ids are rejected", "[claims]") {
  std::string text = kValid;
  text +=
      "\n[[check]]\nid = \"faster\"\nsays = \"y\"\nnumerator = { variant = \"a\" }\n"
      "denominator = { variant = \"b\" }\nat_most = 1\nrefuted_above = 2\n";
  CHECK_THAT(error_of(text), Catch::Contains("demo.toml:20: check id 'faster' appears twice"));
}

TEST_CASE("the catalog lists each claim file once and says only what the file cannot", "[claims]") {
  TempDir dir;
  dir.write("demo.toml", kValid);
  const std::string entry = "[[claim]]\nid = \"demo\"\nsection = \"A\"\n\n";
  const std::string pending = "[[claim]]\nid = \"later\"\ntitle = \"Later\"\nsection = \"B\"\n";
  dir.write("catalog.toml", entry + pending);
  auto catalog = load_catalog(dir.path, demo_registry());
  REQUIRE(catalog.has_value());
  REQUIRE(catalog->index.size() == 2);
  CHECK(catalog->index[0].title == "Demo");  // from the claim file
  CHECK(catalog->index[0].fidelity == "direct");
  CHECK(catalog->index[0].encoded);
  CHECK(catalog->index[1].title == "Later");
  CHECK_FALSE(catalog->index[1].encoded);

  dir.write("catalog.toml", entry + pending + "\n" + entry);
  auto twice = load_catalog(dir.path, demo_registry());
  REQUIRE_FALSE(twice.has_value());
  CHECK_THAT(twice.error().message,
             Catch::Contains("catalog.toml:11: claim 'demo' is listed twice (first at line 2)"));

  dir.write("catalog.toml", "[[claim]]\nid = \"demo\"\ntitle = \"Demo\"\nsection = \"A\"\n");
  auto duplicated = load_catalog(dir.path, demo_registry());
  REQUIRE_FALSE(duplicated.has_value());
  CHECK_THAT(duplicated.error().message,
             Catch::Contains("catalog.toml:2: claim 'demo': remove 'title' and 'fidelity' here"));

  dir.write("catalog.toml", pending);
  auto unlisted = load_catalog(dir.path, demo_registry());
  REQUIRE_FALSE(unlisted.has_value());
  CHECK_THAT(unlisted.error().message, Catch::Contains("claim 'demo' is not listed in"));

  dir.write("catalog.toml", entry + "[[claim]]\nid = \"later\"\nsection = \"B\"\n");
  auto untitled = load_catalog(dir.path, demo_registry());
  REQUIRE_FALSE(untitled.has_value());
  CHECK_THAT(untitled.error().message, Catch::Contains("'later' has no file yet"));
}

// The registry test of issue 8: every check of every claim names a benchmark this binary
// registers (unit_tests links the benchmarks), without running one.
TEST_CASE("every claim file resolves against the built registry", "[claims][registry]") {
  const Registry registry = built_registry();
  const std::set<std::string> registered(registry.benchmarks.begin(), registry.benchmarks.end());
  REQUIRE(registered.contains("BM_FalseSharing/packed/real_time/threads:2"));
  auto catalog = load_catalog(CLAIMBENCH_SOURCE_DIR "/claims");
  if (!catalog) FAIL(catalog.error().message);
  CHECK(catalog->find("false-sharing") != nullptr);
  CHECK(catalog->index.size() >= 35);
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(CLAIMBENCH_SOURCE_DIR "/claims")) {
    if (entry.path().extension() == ".toml" && entry.path().stem() != "catalog") {
      files.insert(entry.path().stem().string());
    }
  }
  CHECK(files.size() == catalog->claims.size());
  for (const auto& claim : catalog->claims) {
    INFO(claim.id);
    CHECK(files.contains(claim.id));
    if (claim.fidelity != "calibration") CHECK_FALSE(claim.sources.empty());  // no seed to cite
    CHECK_FALSE(claim.checks.empty());
    for (const auto& check : claim.checks) {
      INFO(check.id);
      if (claim.fidelity == "go-only") continue;
      CHECK(registered.contains(check.numerator));
      if (check.kind != CheckKind::absolute) CHECK(registered.contains(check.denominator));
    }
  }
}

TEST_CASE("nearest ids suggest close spellings", "[claims]") {
  const std::vector<std::string> ids = {"false-sharing", "cas-loop", "sync-map", "worker-pool"};
  CHECK(nearest_ids(ids, "false-sharin") == std::vector<std::string>{"false-sharing"});
  CHECK(nearest_ids(ids, "sharing") == std::vector<std::string>{"false-sharing"});
  CHECK(nearest_ids(ids, "cas-lop").front() == "cas-loop");
  CHECK(nearest_ids(ids, "zzzzzzzzzz").empty());
}
