// Placement on synthetic hwloc topologies loaded from XML (tests/data).
#include <catch2/catch.hpp>
#include <set>

#include <fmt/format.h>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/measure/placement.hpp"
#include "claimbench/measure/runner.hpp"

using namespace claimbench;

namespace {

Topology load(const char* name) {
  auto topology = Topology::from_xml(std::string(CLAIMBENCH_SOURCE_DIR "/tests/data/") + name);
  REQUIRE(topology.has_value());
  return std::move(*topology);
}

std::vector<unsigned> ids(const Placement& placement, std::size_t count) {
  std::vector<unsigned> out;
  for (std::size_t i = 0; i < count && i < placement.pus.size(); ++i) {
    out.push_back(placement.pus[i].os_index);
  }
  return out;
}

}  // namespace

TEST_CASE("the 2-socket SMT2 topology is read correctly", "[placement]") {
  const Topology t = load("topo-2s8c-smt2.xml");
  CHECK(t.pus().size() == 32);
  CHECK(t.cores() == 16);
  CHECK(t.packages() == 2);
  CHECK(t.has_smt());
}

TEST_CASE("spread puts threads on distinct cores, other socket first, siblings last",
          "[placement]") {
  const Topology t = load("topo-2s8c-smt2.xml");
  const Placement p = place(t, Policy::spread);
  REQUIRE(p.pus.size() == 32);
  CHECK(p.pus[0].package != p.pus[1].package);
  std::set<unsigned> cores;
  for (std::size_t i = 0; i < 16; ++i) {
    cores.insert(p.pus[i].core);
    CHECK(p.pus[i].smt_rank == 0);
  }
  CHECK(cores.size() == 16);
  CHECK(p.pus[16].smt_rank == 1);  // only after every core has a thread
  CHECK(t.shared_cache(ids(p, 2)) == "none");
}

TEST_CASE("compact fills SMT siblings, then neighbouring cores", "[placement]") {
  const Topology t = load("topo-2s8c-smt2.xml");
  const Placement p = place(t, Policy::compact);
  CHECK(p.pus[0].core == p.pus[1].core);
  CHECK(p.pus[0].smt_rank == 0);
  CHECK(p.pus[1].smt_rank == 1);
  CHECK(p.pus[2].core != p.pus[0].core);
  CHECK(p.pus[2].package == p.pus[0].package);
  CHECK(t.shared_cache(ids(p, 2)) == "L1d");
  CHECK(t.shared_cache(ids(p, 4)) == "L3");
}

TEST_CASE("siblings takes two PUs of one core", "[placement]") {
  const Topology t = load("topo-2s8c-smt2.xml");
  const Placement p = place(t, Policy::siblings);
  CHECK(p.pus[0].core == p.pus[1].core);
  CHECK_FALSE(cannot_place(p, 2).has_value());
}

TEST_CASE("siblings without SMT, or too many threads, is a reason to skip", "[placement]") {
  const Topology one = load("topo-1core.xml");
  CHECK(one.pus().size() == 1);
  CHECK_FALSE(one.has_smt());
  const auto siblings = cannot_place(place(one, Policy::siblings), 2);
  REQUIRE(siblings.has_value());
  CHECK_THAT(*siblings, Catch::Contains("siblings needs SMT"));
  const auto spread = cannot_place(place(one, Policy::spread), 2);
  REQUIRE(spread.has_value());
  CHECK(*spread == "needs 2 PUs; the spread placement has 1");
  CHECK_FALSE(cannot_place(place(one, Policy::spread), 1).has_value());
}

TEST_CASE("a claim that needs more cores than the machine has is skipped", "[placement]") {
  Claim claim;
  claim.id = "local-run-queues";
  claim.requires_cores = 4;
  const auto here = cannot_run(claim, load("topo-this-machine.xml"));
  REQUIRE(here.has_value());
  CHECK(*here == "needs 4 cores; this machine has 2");
  CHECK_FALSE(cannot_run(claim, load("topo-2s8c-smt2.xml")).has_value());
  claim.requires_smt = true;
  claim.requires_cores = 1;
  CHECK(cannot_run(claim, load("topo-this-machine.xml")).has_value());
  CHECK_FALSE(cannot_run(claim, load("topo-2s8c-smt2.xml")).has_value());
}

TEST_CASE("this machine's topology: 2 PUs on 2 cores sharing L3", "[placement]") {
  const Topology t = load("topo-this-machine.xml");
  const Placement p = place(t, Policy::spread);
  REQUIRE(p.pus.size() == 2);
  CHECK(p.pus[0].core != p.pus[1].core);
  CHECK(t.shared_cache(ids(p, 2)) == "L3");
}

TEST_CASE("explicit CPU lists keep their order and are validated", "[placement]") {
  const Topology t = load("topo-2s8c-smt2.xml");
  auto list = place_list(t, "5,0-2");
  REQUIRE(list.has_value());
  CHECK(ids(*list, 8) == std::vector<unsigned>{5, 0, 1, 2});
  auto bad = [&](const char* text) {
    auto placement = place_list(t, text);
    REQUIRE_FALSE(placement.has_value());
    return placement.error().message;
  };
  CHECK_THAT(bad("0,x"), Catch::Contains("bad CPU list '0,x': 'x' is not a CPU number"));
  CHECK_THAT(bad("0,99"), Catch::Contains("PU 99 does not exist") &&
                              Catch::Contains("this machine has PUs 0-31"));
  CHECK_THAT(bad("3-1"), Catch::Contains("runs backwards"));
  CHECK_THAT(bad("1,1"), Catch::Contains("listed twice"));
  CHECK_THAT(bad(""), Catch::Contains("empty"));
  CHECK_THAT(bad("0,"), Catch::Contains("'' is not a CPU number"));
}

TEST_CASE("policy names parse, unknown ones are named", "[placement]") {
  CHECK(parse_policy("compact").value() == Policy::compact);
  auto bad = parse_policy("scatter");
  REQUIRE_FALSE(bad.has_value());
  CHECK_THAT(bad.error().message, Catch::Contains("unknown placement 'scatter'"));
}

TEST_CASE("claims needing more cores are skipped here and run on the 16-core topology",
          "[placement][claims]") {
  auto catalog = load_catalog(CLAIMBENCH_SOURCE_DIR "/claims");
  REQUIRE(catalog.has_value());
  const Topology here = load("topo-this-machine.xml");
  const Topology big = load("topo-2s8c-smt2.xml");
  int needing_more = 0;
  for (const auto& claim : catalog->claims) {
    INFO(claim.id);
    CHECK_FALSE(cannot_run(claim, big).has_value());
    if (claim.requires_cores > 2) {
      ++needing_more;
      CHECK(cannot_run(claim, here) ==
            fmt::format("needs {} cores; this machine has 2", claim.requires_cores));
    } else {
      CHECK_FALSE(cannot_run(claim, here).has_value());
    }
  }
  CHECK(needing_more >= 1);  // local-run-queues needs 4 cores: 2 vCPUs cannot judge it
}
