#include <catch2/catch.hpp>

#include "claimbench/measure/probe.hpp"

using namespace claimbench;

TEST_CASE("the latency matrix prints one row per PU with '-' where nothing was measured",
          "[probe]") {
  LatencyMatrix matrix;
  matrix.pus = {0, 3};
  matrix.round_trip_ns = {{std::nullopt, 61.4}, {58.0, std::nullopt}};
  CHECK(latency_matrix_text(matrix) ==
        "    PU       0       3\n"
        "     0       -      61\n"
        "     3      58       -\n");
}

TEST_CASE("a CAS round trip between two PUs is measured, never on the diagonal", "[probe]") {
  auto topology = Topology::this_machine();
  REQUIRE(topology);
  if (topology->pus().size() < 2) {
    WARN("one PU: nothing to measure");
    return;
  }
  const unsigned a = topology->pus()[0].os_index;
  const unsigned b = topology->pus()[1].os_index;
  const auto matrix = measure_latency_matrix(*topology, {a, b}, 3, 50);
  REQUIRE(matrix.round_trip_ns.size() == 2);
  CHECK_FALSE(matrix.round_trip_ns[0][0]);
  REQUIRE(matrix.round_trip_ns[0][1]);
  CHECK(*matrix.round_trip_ns[0][1] > 0);
}
