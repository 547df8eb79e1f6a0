// Chart specs: one colour per variant, stable across a claim's charts, never repeated within a
// chart; panels past 8 lines; linear axes for linear-growth claims; the across-CPUs chart.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "claimbench/present/chart_specs.hpp"
#include "claimbench/present/export.hpp"

using namespace claimbench;
using nlohmann::json;

namespace {

VariantResult variant(std::string name, int threads, double median) {
  VariantResult v;
  v.name = std::move(name);
  v.threads = threads;
  v.summary.ns_per_op = {median, Interval{median * 0.9, median * 1.1}, 0.01};
  return v;
}

// 14 variants at 1 and 2 threads, as the sync-map claim has them.
ClaimResult sync_map_like() {
  ClaimResult c;
  c.id = "sync-map";
  const std::vector<std::pair<std::string, std::vector<std::string>>> scenarios = {
      {"read-mostly", {"syncmap", "mutex", "shared-mutex", "sharded16"}},
      {"disjoint", {"syncmap", "mutex", "shared-mutex", "sharded16"}},
      {"churn", {"syncmap", "mutex", "sharded16"}},
      {"churn-new", {"syncmap", "mutex", "sharded16"}}};
  double median = 10;
  for (const auto& [scenario, impls] : scenarios) {
    for (const auto& impl : impls) {
      for (int threads : {1, 2}) {
        c.variants.push_back(
            variant(fmt::format("BM_SyncMap/{}/{}/real_time/threads:{}", scenario, impl, threads),
                    threads, median));
        median += 3;
      }
    }
  }
  return c;
}

// Every distinct colour key in a chart has its own colour; every key has the claim's colour.
void require_colours(const json& chart, const std::map<std::string, std::string>& claim) {
  std::map<std::string, std::string> by_key;
  const json& items = chart.contains("bars") ? chart["bars"] : chart["series"];
  for (const auto& item : items) {
    const std::string key = item["key"];
    const std::string colour = item["colour"];
    CHECK(claim.at(key) == colour);
    by_key[key] = colour;
  }
  std::set<std::string> colours;
  for (const auto& [key, colour] : by_key)
    colours.insert(colour);
  CHECK(colours.size() == by_key.size());
}

MachineResults machine(std::string id, ClaimResult claim) {
  MachineResults m;
  m.id = id;
  m.label = "CPU [" + id + "]";
  LoadedClaim loaded;
  loaded.result = std::move(claim);
  m.claims.push_back(std::move(loaded));
  return m;
}

}  // namespace

TEST_CASE("chart specs: a 14-variant claim gets 14 colours, the same in every chart") {
  const ClaimResult claim = sync_map_like();
  const auto colours = claim_colours(claim);
  REQUIRE(colours.size() == 14);
  std::set<std::string> distinct;
  for (const auto& [key, colour] : colours)
    distinct.insert(colour);
  CHECK(distinct.size() == 14);
  CHECK(chart_palette().size() >= 20);

  const MachineResults m = machine("aaaa0001", claim);
  const json spec = claim_chart_spec(claim, m);
  REQUIRE(spec["charts"].size() == 2);  // variants and threads
  for (const auto& chart : spec["charts"])
    require_colours(chart, colours);
  CHECK(spec["colours"] == json(colours));

  // 14 lines are split into one panel per scenario, each of at most 8 lines.
  const json& threads = spec["charts"][1];
  std::map<std::string, int> panels;
  for (const auto& s : threads["series"])
    ++panels[s["panel"].get<std::string>()];
  CHECK(panels == std::map<std::string, int>{
                      {"churn", 3}, {"churn-new", 3}, {"disjoint", 4}, {"read-mostly", 4}});

  // Another machine that ran the same variants gives each the same colour.
  ClaimResult slower = claim;
  for (auto& v : slower.variants)
    v.summary.ns_per_op.median = *v.summary.ns_per_op.median * 2;
  CHECK(claim_colours(slower) == colours);
}

TEST_CASE("chart specs: a Go twin run at 1 and 2 Ps is two bars with two labels") {
  ClaimResult c;
  c.id = "object-pool";
  c.variants.push_back(variant("BM_ObjectPool/go-pool/real_time/threads:1", 1, 14));
  c.variants.push_back(variant("BM_ObjectPool/go-pool/real_time/threads:2", 2, 7));
  for (int procs : {1, 2}) {
    VariantResult v = variant("BenchmarkObjectPool/sync-pool", procs, 20.0 / procs);
    v.go = true;
    c.variants.push_back(v);
  }
  const json spec = claim_chart_spec(c, machine("aaaa0001", c));
  std::vector<std::string> labels;
  for (const auto& bar : spec["charts"][0]["bars"])
    labels.push_back(bar["label"]);
  CHECK(labels == std::vector<std::string>{"go-pool @1", "go-pool @2", "go: sync-pool @1",
                                           "go: sync-pool @2"});
}

TEST_CASE("chart specs: a Go twin that sizes its Ps from its PUs is labelled with those PUs") {
  // worker-pool's twin runs with -test.cpu 1 and sets GOMAXPROCS to the PUs it is pinned to
  // (go_pus = "cores"); its placement lists one PU per P.
  ClaimResult c;
  c.id = "worker-pool";
  VariantResult v = variant("BenchmarkWorkerPool/pool", 1, 45.0);
  v.go = true;
  for (int pu : {0, 1}) {
    ThreadPlace place;
    place.thread = pu;
    place.pu = pu;
    place.ran_on = pu;
    v.placement.push_back(place);
  }
  c.variants.push_back(v);
  const json spec = claim_chart_spec(c, machine("aaaa0001", c));
  CHECK(spec["charts"][0]["bars"][0]["label"] == "go: pool @2");
}

TEST_CASE("chart specs: a size sweep shares its bars' colours; linear claims get linear axes") {
  ClaimResult c;
  c.id = "string-concat";
  for (const char* impl : {"naive", "builder"}) {
    for (int pieces : {1000, 4000})
      c.variants.push_back(
          variant(fmt::format("BM_StringConcat/{}/pieces:{}", impl, pieces), 1, pieces * 1.0));
  }
  const MachineResults m = machine("aaaa0001", c);
  json spec = claim_chart_spec(c, m);
  REQUIRE(spec["charts"].size() == 2);
  const json& sweep = spec["charts"][1];
  CHECK(sweep["file"] == "string-concat-aaaa0001-pieces");
  CHECK(sweep["scale"] == "auto");
  for (const auto& chart : spec["charts"])
    require_colours(chart, claim_colours(c));
  CHECK(spec["colours"].size() == 2);  // naive and builder: the sizes are one variant each

  c.checks.push_back({});
  c.checks.back().says = "Going from 1000 to 4000 pieces grows a builder's time about linearly";
  spec = claim_chart_spec(c, m);
  CHECK(spec["charts"][1]["scale"] == "linear");
}

TEST_CASE("chart specs: one chart per claim across machines, per side, with its bands") {
  ClaimResult c;
  c.id = "false-sharing";
  c.variants.push_back(variant("BM_FalseSharing/packed/real_time/threads:2", 2, 8));
  c.variants.push_back(variant("BM_FalseSharing/padded64/real_time/threads:2", 2, 2.5));
  CheckResult check;
  check.id = "padding-helps";
  check.says = "padding helps";
  check.numerator = c.variants[0].name;
  check.denominator = c.variants[1].name;
  check.thresholds.at_least = 1.5;
  check.thresholds.refuted_below = 1.1;
  check.estimate = 3.1;
  check.ci = Interval{3.0, 3.2};
  check.verdict = Verdict::holds;
  c.checks.push_back(check);
  ClaimResult other = c;
  other.checks[0].estimate = 1.05;
  other.checks[0].ci = Interval{1.0, 1.08};
  other.checks[0].verdict = Verdict::refuted;
  SideOutcome go;
  go.estimate = 2.0;
  go.ci = Interval{1.4, 2.6};
  go.verdict = Verdict::inconclusive;
  other.checks[0].go = go;

  const std::vector<MachineResults> machines = {machine("aaaa0001", c), machine("bbbb0002", other)};
  const json spec = claim_across_machines_spec(machines, "false-sharing");
  REQUIRE(spec["charts"].size() == 1);
  const json& chart = spec["charts"][0];
  CHECK(chart["file"] == "false-sharing-across-cpus");
  CHECK(chart["kind"] == "checks");
  REQUIRE(chart["panels"].size() == 1);
  const json& panel = chart["panels"][0];
  CHECK(panel["xlabel"] == "ratio of ns per operation: packed @2 / padded64 @2");
  REQUIRE(panel["marks"].size() == 3);
  CHECK(panel["marks"][0]["label"] == "CPU [aaaa0001] · C++");
  CHECK(panel["marks"][1]["verdict"] == "REFUTED");
  CHECK(panel["marks"][2]["side"] == "Go");
  CHECK(panel["marks"][2]["verdict"] == "INCONCLUSIVE");
  CHECK(panel["bands"] == json::parse(R"([{"verdict": "HOLDS", "from": 1.5, "to": null},
                                          {"verdict": "REFUTED", "from": null, "to": 1.1}])"));
  CHECK(claim_across_machines_spec(machines, "no-such-claim")["charts"].empty());
}

TEST_CASE("export: Google Benchmark names become Go benchmark names") {
  VariantResult v = variant("BM_FalseSharing/packed/real_time/threads:2", 2, 1);
  CHECK(go_benchmark_name(v) == "BenchmarkFalseSharing/packed-2");
  v = variant("BM_GcPacing/churn/gogc-50/iterations:1/manual_time", 1, 1);
  CHECK(go_benchmark_name(v) == "BenchmarkGcPacing/churn/gogc-50");
  v = variant("BM_StringConcat/naive/pieces:1000", 1, 1);
  CHECK(go_benchmark_name(v) == "BenchmarkStringConcat/naive/pieces:1000");
  v = variant("BenchmarkFalseSharing/packed", 2, 1);
  v.go = true;
  CHECK(go_benchmark_name(v) == "BenchmarkFalseSharing/packed-2");
}
