// Claim files: valid ones parse, malformed ones fail naming file, line and field.
#include <catch2/catch.hpp>

#include "claimbench/claims.hpp"

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
numerator = "BM_Demo/a"
denominator = "BM_Demo/b"
at_least = 1.5
refuted_below = 1.1
)";

std::string with(const std::string& from, const std::string& to) {
  std::string text = kValid;
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& text) {
  auto claim = parse_claim(text, "claims/demo.toml");
  REQUIRE_FALSE(claim.has_value());
  return claim.error().message;
}

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
}

TEST_CASE("an unknown key is rejected with file, line and the key", "[claims]") {
  const auto message = error_of(with("at_least = 1.5", "at_least = 1.5\nholds_at = 2"));
  CHECK_THAT(message, Catch::StartsWith("claims/demo.toml:17:"));
  CHECK_THAT(message, Catch::Contains("unknown key 'holds_at'"));
  CHECK_THAT(error_of(with("title =", "titel =")), Catch::Contains("unknown key 'titel'"));
}

TEST_CASE("missing and mistyped fields are named", "[claims]") {
  CHECK_THAT(error_of(with("says = \"x\"\n", "")), Catch::Contains("missing 'says'"));
  CHECK_THAT(error_of(with("at_least = 1.5", "at_least = \"big\"")),
             Catch::Contains("demo.toml:16: 'at_least' in [[check]] #1 must be a number"));
  CHECK_THAT(error_of(with("fidelity = \"direct\"", "fidelity = \"exact\"")),
             Catch::Contains("demo.toml:3: 'fidelity' must be direct, analogue or proxy"));
  CHECK_THAT(error_of(with("cores = 2", "cores = 0")), Catch::Contains("positive integer"));
}

TEST_CASE("inconsistent thresholds are rejected", "[claims]") {
  CHECK_THAT(error_of(with("refuted_below = 1.1", "refuted_below = 2.0")),
             Catch::Contains("'refuted_below' must not exceed 'at_least'"));
  CHECK_THAT(error_of(with("refuted_below = 1.1", "refuted_above = 2.0")),
             Catch::Contains("'at_least' goes with 'refuted_below'"));
  CHECK_THAT(error_of(with("at_least = 1.5\nrefuted_below = 1.1", "")),
             Catch::Contains("exactly one of 'at_least' or 'at_most'"));
  CHECK_THAT(error_of(with("numerator =", "kind = \"equivalent\"\nnumerator =")),
             Catch::Contains("needs 'within'"));
  CHECK_THAT(error_of(with("numerator =", "kind = \"fuzzy\"\nnumerator =")),
             Catch::Contains("must be ratio, equivalent or absolute"));
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
      "\n[[check]]\nid = \"faster\"\nsays = \"y\"\nnumerator = \"a\"\ndenominator = \"b\"\n"
      "at_most = 1\nrefuted_above = 2\n";
  CHECK_THAT(error_of(text), Catch::Contains("check id 'faster' appears twice"));
}

TEST_CASE("every claim file in the repository parses and is catalogued", "[claims]") {
  auto catalog = load_catalog(CLAIMBENCH_SOURCE_DIR "/claims");
  REQUIRE(catalog.has_value());
  CHECK(catalog->find("false-sharing") != nullptr);
  CHECK(catalog->index.size() >= 35);
  for (const auto& claim : catalog->claims) {
    INFO(claim.id);
    CHECK_FALSE(claim.sources.empty());
    CHECK_FALSE(claim.checks.empty());
  }
}

TEST_CASE("nearest ids suggest close spellings", "[claims]") {
  const std::vector<std::string> ids = {"false-sharing", "cas-loop", "sync-map", "worker-pool"};
  CHECK(nearest_ids(ids, "false-sharin") == std::vector<std::string>{"false-sharing"});
  CHECK(nearest_ids(ids, "sharing") == std::vector<std::string>{"false-sharing"});
  CHECK(nearest_ids(ids, "cas-lop").front() == "cas-loop");
  CHECK(nearest_ids(ids, "zzzzzzzzzz").empty());
}
