// Machine identity: the fixed hash, the canonical identity string, differences, labels, paths.
#include <catch2/catch.hpp>

#include "claimbench/commands/paths.hpp"
#include "claimbench/commands/version.hpp"
#include "claimbench/store/machine.hpp"

using namespace claimbench;

namespace {

// The development VM: AMD EPYC, family 25 model 17 stepping 1 (Zen 4), 2 PUs, L1d 32 KiB.
Machine zen4_vm() {
  Machine m;
  m.cpu_model = "AMD EPYC";
  m.cpu_vendor = "AuthenticAMD";
  m.cpu_family = "25";
  m.cpu_model_number = "17";
  m.cpu_stepping = "1";
  m.microarchitecture = "Zen 4";
  m.architecture = "x86_64";
  m.packages = 1;
  m.cores = 2;
  m.pus = 2;
  m.smt = false;
  m.caches = {{"L1d", 32u << 10, 64, 2}, {"L2", 1u << 20, 64, 2}, {"L3", 32u << 20, 64, 1}};
  m.virtualised = true;
  m.hostname = "builder-1";
  return m;
}

// The CPU the committed reports/e727eba4 came from: same brand string and PU count, but Zen 5.
Machine zen5_vm() {
  Machine m = zen4_vm();
  m.cpu_family = "26";
  m.cpu_model_number = "2";
  m.cpu_stepping = "1";
  m.microarchitecture = "Zen 5";
  m.caches[0].size_bytes = 48u << 10;
  m.hostname = "builder-1";
  return m;
}

}  // namespace

TEST_CASE("FNV-1a 64 gives the published test vectors", "[machine]") {
  // From the FNV reference test suite (draft-eastlake-fnv, fnv_test.c).
  CHECK(fnv1a64("") == 0xcbf29ce484222325ull);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(fnv1a64("foobar") == 0x85944171f73967e8ull);
}

TEST_CASE("the identity string lists the CPU's identity fields and nothing else", "[machine]") {
  CHECK(machine_identity(zen4_vm()) ==
        "m2|cpu_vendor=AuthenticAMD|cpu_family=25|cpu_model_number=17|cpu_stepping=1"
        "|microarchitecture=Zen 4|cpu_model=AMD EPYC|architecture=x86_64"
        "|caches=L1d:32768x2;L2:1048576x2;L3:33554432x1|packages=1|cores=2|pus=2|smt=no"
        "|virtualised=yes");
}

TEST_CASE("the machine id is a fixed 12-digit hash, the same on every build", "[machine]") {
  // Pinned: a change here renames every machine folder in reports/, so it must be deliberate.
  CHECK(machine_id(zen4_vm()) == "f254ab05a1cf");
  CHECK(machine_id(zen4_vm()).size() == 12);
}

TEST_CASE("the host name and run conditions do not change the id", "[machine]") {
  Machine other = zen4_vm();
  other.hostname = "somewhere-else";
  other.kernel = "Linux 6.1";
  other.governor = "performance";
  other.compiler = "g++ 13";
  CHECK(machine_id(other) == machine_id(zen4_vm()));
  CHECK(machine_differences(other, zen4_vm()).empty());
}

TEST_CASE("Zen 4 and Zen 5 with the same brand string and PU count get different ids",
          "[machine]") {
  CHECK(machine_id(zen4_vm()) != machine_id(zen5_vm()));
  const auto differences = machine_differences(zen4_vm(), zen5_vm());
  REQUIRE(differences.size() == 4);
  CHECK(differences[0] == "cpu_family: '25' ≠ '26'");
  CHECK(differences[1] == "cpu_model_number: '17' ≠ '2'");
  CHECK(differences[2] == "microarchitecture: 'Zen 4' ≠ 'Zen 5'");
  CHECK_THAT(differences[3], Catch::StartsWith("caches: 'L1d:32768x2;"));
}

TEST_CASE("each identity field on its own changes the id and is named", "[machine]") {
  const Machine base = zen4_vm();
  auto check_field = [&](const char* name, auto change) {
    Machine m = base;
    change(m);
    INFO(name);
    CHECK(machine_id(m) != machine_id(base));
    const auto differences = machine_differences(base, m);
    REQUIRE(differences.size() == 1);
    CHECK_THAT(differences[0], Catch::StartsWith(std::string(name) + ":"));
  };
  check_field("cpu_vendor", [](Machine& m) { m.cpu_vendor = "GenuineIntel"; });
  check_field("cpu_stepping", [](Machine& m) { m.cpu_stepping = "2"; });
  check_field("cpu_model", [](Machine& m) { m.cpu_model = "AMD EPYC 9654"; });
  check_field("caches", [](Machine& m) { m.caches[2].count = 2; });
  check_field("packages", [](Machine& m) { m.packages = 2; });
  check_field("cores", [](Machine& m) { m.cores = 1; });
  check_field("pus", [](Machine& m) { m.pus = 4; });
  check_field("smt", [](Machine& m) { m.smt = true; });
  check_field("virtualised", [](Machine& m) { m.virtualised = false; });
}

TEST_CASE("microarchitecture names from libpfm4's PMU and from CPUID agree", "[machine]") {
  CHECK(microarchitecture_from_pmu("amd64_fam19h_zen4") == "Zen 4");
  CHECK(microarchitecture_from_pmu("amd64_fam19h_zen3") == "Zen 3");
  CHECK(microarchitecture_from_pmu("spr") == "Sapphire Rapids");
  CHECK(microarchitecture_from_pmu("perf").empty());
  CHECK(microarchitecture_from_cpuid("AuthenticAMD", "25", "17") == "Zen 4");  // Genoa
  CHECK(microarchitecture_from_cpuid("AuthenticAMD", "25", "1") == "Zen 3");   // Milan
  CHECK(microarchitecture_from_cpuid("AuthenticAMD", "26", "2") == "Zen 5");   // Turin
  CHECK(microarchitecture_from_cpuid("AuthenticAMD", "23", "49") == "Zen 2");  // Rome
  CHECK(microarchitecture_from_cpuid("GenuineIntel", "6", "143") == "Sapphire Rapids");
  CHECK(microarchitecture_from_cpuid("GenuineIntel", "6", "85") == "Skylake-SP");
  CHECK(microarchitecture_from_cpuid("GenuineIntel", "6", "x").empty());
  CHECK(microarchitecture_from_cpuid("HygonGenuine", "24", "1").empty());
}

TEST_CASE("the label shows the microarchitecture, family and model", "[machine]") {
  CHECK(machine_label(zen4_vm()) == "AMD EPYC (Zen 4, family 25 model 17)");
  CHECK(machine_label(zen5_vm()) == "AMD EPYC (Zen 5, family 26 model 2)");
  Machine unknown = zen4_vm();
  unknown.microarchitecture.clear();
  CHECK(machine_label(unknown) == "AMD EPYC (family 25 model 17)");
  CHECK(machine_label(Machine{}) == "unknown CPU");
}

TEST_CASE("the machine line carries the label and the id, never the host name", "[machine]") {
  Machine m = zen4_vm();
  m.id = machine_id(m);
  const std::string line = machine_line(m);
  CHECK_THAT(line, Catch::StartsWith("AMD EPYC (Zen 4, family 25 model 17) [f254ab05a1cf]"));
  CHECK_THAT(line, !Catch::Contains("builder-1"));
}

TEST_CASE("this machine's description has a new-form id and no host name", "[machine]") {
  auto topology = Topology::this_machine();
  REQUIRE(topology.has_value());
  const Machine here = describe_machine(*topology);
  CHECK(here.id == machine_id(here));
  CHECK(here.id.size() == 12);
  CHECK(here.hostname.empty());
  CHECK_FALSE(here.cpu_model.empty());
}

TEST_CASE("absolute paths in a recorded command keep only their last component", "[paths]") {
  CHECK(redact_path("/home/alice/claimbench/build/release/bench") == "…/bench");
  CHECK(redact_path("/tmp/tmp.x1/") == "…/tmp.x1");
  CHECK(redact_path("--out=/srv/results") == "--out=…/results");
  CHECK(redact_path("results") == "results");
  CHECK(redact_path("--claim") == "--claim");
  CHECK(redact_path("/") == "/");
}

TEST_CASE("the version is the project's, in semantic-version form", "[paths]") {
  const std::string v(version());
  CHECK(std::count(v.begin(), v.end(), '.') == 2);
  CHECK(v.find_first_not_of("0123456789.") == std::string::npos);
}
