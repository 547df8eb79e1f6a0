// Console output of a synthetic run against its approved baseline (tests/baselines/console-*.txt).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "claimbench/present/console.hpp"
#include "claimbench/present/labels.hpp"

using namespace claimbench;
namespace fs = std::filesystem;

namespace {

CheckResult check(std::string id, CheckKind kind, Verdict verdict, std::optional<double> estimate,
                  std::string reason) {
  CheckResult c;
  c.id = std::move(id);
  c.says = "what the claim says for " + c.id;
  c.kind = kind;
  c.verdict = verdict;
  c.estimate = estimate;
  c.reason = std::move(reason);
  return c;
}

VariantResult variant(std::string name, int threads, double median, double lo, double hi,
                      double spread, double task_clock) {
  VariantResult v;
  v.name = std::move(name);
  v.threads = threads;
  v.summary.ns_per_op = {median, Interval{lo, hi}, spread};
  v.summary.per_op = {{"task-clock", task_clock}, {"allocs", 0.0}, {"cas_failures", std::nullopt}};
  for (int t = 0; t < threads; ++t)
    v.placement.push_back({t, t * 2, t == 1 ? 3 : t * 2, t, 0});
  return v;
}

// Fixed numbers: every verdict kind, a skipped variant, the counter fallback line, a claim
// that mixes benchmark families and a claim skipped on this machine.
std::vector<ClaimResult> synthetic_claims() {
  ClaimResult mixed;
  mixed.id = "goroutine-vs-thread";
  mixed.title = "Goroutines are cheaper than threads";
  mixed.fidelity = "proxy";
  mixed.placement = {"spread", {0, 2}, "L3"};
  mixed.probe_before_ns = 48.25;
  mixed.probe_after_ns = 212.0;
  mixed.counters.explaining = {"task-clock", "allocs", "cas_failures"};
  mixed.counters.note =
      "counters: cycles, instructions unavailable: perf_event_open failed (ENOENT); counting "
      "software events instead (task-clock, page-faults, context-switches, cpu-migrations)";
  mixed.variants = {
      variant("BM_Spawn/thread/real_time/threads:1", 1, 12345.6, 12000, 13000, 0.041, 1.5e4),
      variant("BM_Spawn/fiber/real_time/threads:1", 1, 812.0, 790.5, 830.25, 0.12, 900.0),
      variant("BM_IdleMemory/thread/real_time/threads:2", 2, 0.000512, 0.0005, 0.00052, 0.5,
              3.25e7),
      variant("BM_IdleMemory/fiber/real_time/threads:2", 2, 7.5, 7.25, 7.75, 0.0, 0.0)};
  VariantResult skipped;
  skipped.name = "BM_IdleMemory/fiber/real_time/threads:4";
  skipped.threads = 4;
  skipped.skipped = "needs 4 PUs; spread placement has 2";
  mixed.variants.push_back(skipped);
  VariantResult go_spawn = variant("BenchmarkSpawn/goroutine", 1, 402.0, 390.0, 415.0, 0.03, 410);
  go_spawn.go = true;
  VariantResult go_idle = variant("BenchmarkIdleMemory/goroutine", 2, 2.5, 2.25, 2.75, 0.1, 0.0);
  go_idle.go = true;
  mixed.variants.push_back(go_spawn);
  mixed.variants.push_back(go_idle);
  mixed.load = LoadRecord{1.9, 2.1, 0.02, {}, "machine busy: load 1.9 before, 2.1 after"};
  mixed.checks = {
      check("spawn-cheaper", CheckKind::ratio, Verdict::holds, 15.2,
            "ratio 15.2× (95% CI 14.1–16.0; holds at >= 5, refuted below 2)"),
      check("idle-memory", CheckKind::absolute, Verdict::refuted, 3.2e7,
            "task-clock 3.2e+07 (95% CI 3.1e+07–3.3e+07; holds at <= 1e+06, refuted above 4e+06)"),
      check("same-switch", CheckKind::equivalent, Verdict::inconclusive, 1.07,
            "ratio 1.07× (90% CI 0.95–1.2; holds within ±10%); the interval straddles a threshold"),
      check("many-threads", CheckKind::ratio, Verdict::skipped, std::nullopt,
            "BM_IdleMemory/fiber/real_time/threads:4 did not run: needs 4 PUs")};
  // The Go twins: one agrees, one gives the opposite verdict, one decides where C++ could not
  // (C++ borderline), one skipped for want of a toolchain.
  mixed.checks[0].go = SideOutcome{"BenchmarkSpawn/thread",
                                   "BenchmarkSpawn/goroutine",
                                   31.0,
                                   Interval{28.5, 33.25},
                                   0.95,
                                   8,
                                   8,
                                   Verdict::holds,
                                   "",
                                   "ok"};
  mixed.checks[1].go = SideOutcome{"BenchmarkIdleMemory/goroutine",
                                   "",
                                   2600.0,
                                   Interval{2500, 2700},
                                   0.95,
                                   6,
                                   6,
                                   Verdict::holds,
                                   "",
                                   "ok"};
  mixed.checks[2].undecided = "borderline";
  mixed.checks[2].go = SideOutcome{"BenchmarkSwitch/a",
                                   "BenchmarkSwitch/b",
                                   1.25,
                                   Interval{1.1, 1.4},
                                   0.9,
                                   20,
                                   20,
                                   Verdict::inconclusive,
                                   "noisy",
                                   "ratio 1.25×"};
  mixed.checks[3].go = SideOutcome{
      "", "", std::nullopt,     std::nullopt, 0.95,
      0,  0,  Verdict::skipped, "",           "no Go toolchain: sudo apt-get install golang-go"};

  // A claim measured in Go only: its verdict line is Go's, with no C++ side.
  ClaimResult go_only;
  go_only.id = "time-after-loop";
  go_only.title = "time.After in a hot select loop";
  go_only.fidelity = "go-only";
  go_only.placement = {"spread", {0}, "L2"};
  VariantResult timer = variant("BenchmarkTimeAfterLoop/time-after", 1, 150.0, 140, 160, 0.05, 0);
  timer.go = true;
  timer.placement.clear();
  go_only.variants = {timer};
  CheckResult allocates =
      check("time-after-allocates", CheckKind::absolute, Verdict::skipped, std::nullopt, "");
  allocates.go = SideOutcome{"BenchmarkTimeAfterLoop/time-after",
                             "",
                             3.0,
                             Interval{3, 3},
                             0.95,
                             6,
                             6,
                             Verdict::holds,
                             "",
                             "allocs/op 3 (95% CI 3–3; holds at >= 1, refuted below 0.5)"};
  go_only.checks = {allocates};

  ClaimResult elsewhere;
  elsewhere.id = "smt-siblings";
  elsewhere.title = "Hyper-threads share a core";
  elsewhere.fidelity = "direct";
  elsewhere.status = ClaimStatus::skipped;
  elsewhere.reason = "needs SMT siblings; no core on this machine has two PUs";
  elsewhere.checks = {check("sibling-slower", CheckKind::ratio, Verdict::skipped, std::nullopt,
                            "needs SMT siblings; no core on this machine has two PUs")};
  return {mixed, go_only, elsewhere};
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("console output of a synthetic run matches the approved baseline", "[console]") {
  const auto claims = synthetic_claims();
  std::string produced;
  for (const auto& claim : claims)
    produced += render_claim(claim, Style{false});
  produced += render_summary(claims, Style{false});
  const fs::path baseline = fs::path(CLAIMBENCH_SOURCE_DIR) / "tests/baselines/console-run.txt";
  const char* update = std::getenv("UPDATE_BASELINES");
  if (update != nullptr && std::string(update) == "1") std::ofstream(baseline) << produced;
  CHECK(produced == read_file(baseline));
  // The labels keep the family when a claim mixes families, and match the notes' form.
  CHECK_THAT(produced,
             Catch::Contains("Spawn/thread @1") && Catch::Contains("IdleMemory/fiber @2"));
  // Both sides on the verdict lines, Go twins marked in the variant table, the load line.
  CHECK_THAT(produced, Catch::Contains("Go: HOLDS ratio 31× (95% CI 28.5–33.2) at 8 rounds") &&
                           Catch::Contains("go: Spawn/goroutine @1") &&
                           Catch::Contains("borderline: ratio 1.07×") &&
                           Catch::Contains("at 20 rounds; noisy") &&
                           Catch::Contains("Go: SKIPPED (no Go toolchain") &&
                           Catch::Contains("machine busy: load 1.9"));
}

TEST_CASE("labels: Go twins, sides and agreement", "[console]") {
  const auto claims = synthetic_claims();
  const ClaimResult& mixed = claims[0];
  // spawn-cheaper agrees; idle-memory is opposite; same-switch INCONCLUSIVE on both (agrees);
  // many-threads is skipped on both sides and not compared.
  const Agreement a = agreement(mixed);
  CHECK(a.compared == 3);
  CHECK(a.agree == 2);
  CHECK(a.opposite == std::vector<std::string>{"idle-memory"});
  CHECK(agreement_text(a) == "the analogue agrees with Go on 2 of 3 checks");
  CHECK(agreement_figure(a) == "2/3 (67%)");
  CHECK_FALSE(fidelity_failure(mixed));  // proxy: a disagreement, not a failure of its class
  ClaimResult direct = mixed;
  direct.fidelity = "direct";
  CHECK(fidelity_failure(direct));
  // A go-only claim has no C++ side and nothing to agree with.
  const ClaimResult& go_only = claims[1];
  CHECK_FALSE(cpp_side(go_only, go_only.checks[0]).has_value());
  CHECK(go_side(go_only, go_only.checks[0])->verdict == Verdict::holds);
  CHECK(agreement(go_only).compared == 0);
  CHECK(side_cell(CheckKind::ratio, *mixed.checks[2].go) == "INCONCLUSIVE 1.25× (noisy)");
  CHECK(variant_label(mixed, mixed.variants[6]) == "go: IdleMemory/goroutine @2");
}
