// The hardware-counter path without a PMU: libpfm4's forced-PMU mode makes this process see one
// real PMU model (LIBPFM_FORCE_PMU, set by CTest per model, with LIBPFM_ENCODE_INACTIVE=1 so the
// kernel's generic "perf" events stay encodable by their qualified names). Every claim's events
// go through encode_event(), the function the runner uses, and a few are checked against the
// vendors' published event codes. Forced mode is process-global: one process per PMU model.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/measure/counters.hpp"
#include "claimbench/measure/native_events.hpp"

using namespace claimbench;

namespace {

std::string forced_pmu() {
  const char* pmu = std::getenv("LIBPFM_FORCE_PMU");
  return pmu != nullptr ? pmu : "";
}

bool is_software(const EventSpec& spec) {
  return spec.attr.type == PERF_TYPE_SOFTWARE;
}

struct Code {
  const char* event;
  std::uint64_t config;  ///< event select | unit mask << 8 (AMD: event select bits 11:8 at 32)
};

// The published codes. perf's PERF_TYPE_RAW config is the PERFEVTSEL value without the enable,
// interrupt and privilege bits, which perf sets from the attr's own fields.
const std::map<std::string, std::vector<Code>>& vendor_codes() {
  // AMD Processor Programming References, "Core Performance Monitor Counters":
  // PMCx076 CyclesNotInHalt, PMCx0C0 ExRetInstr, PMCx0C2 ExRetBrn, PMCx0C3 ExRetBrnMisp;
  // L1D misses as lines filled into the data cache: PMCx044 LsAnyFillsFromSys, every source
  // (Zen 3: umask 0x5f, PPR 55898; Zen 4: umask 0xdf, PPR 55901), PMCx043 LsRefillsFromSys
  // on Zen 2 (umask 0x5b, PPR 55803).
  static const std::vector<Code> zen_common = {
      {"cycles", 0x76}, {"instructions", 0xc0}, {"branches", 0xc2}, {"branch-misses", 0xc3}};
  auto zen = [&](std::uint64_t l1d_miss) {
    auto codes = zen_common;
    if (l1d_miss != 0) codes.push_back({"L1-dcache-load-misses", l1d_miss});
    return codes;
  };
  // Intel SDM Vol. 3B, architectural events: UnHalted Core Cycles 3CH/00H, Instructions Retired
  // C0H/00H, Branch Instructions Retired C4H/00H, Branch Misses Retired C5H/00H; and Intel's
  // perfmon event lists for Skylake, Ice Lake and Sapphire Rapids: L1D.REPLACEMENT 51H/01H.
  static const std::vector<Code> intel = {{"cycles", 0x3c},
                                          {"instructions", 0xc0},
                                          {"branches", 0xc4},
                                          {"branch-misses", 0xc5},
                                          {"L1-dcache-load-misses", 0x0151}};
  static const std::map<std::string, std::vector<Code>> codes = {
      {"amd64_fam17h_zen1", zen(0)},  // no L1D fill event in libpfm4's Zen 1 table
      {"amd64_fam17h_zen2", zen(0x5b43)},
      {"amd64_fam19h_zen3", zen(0x5f44)},
      {"amd64_fam19h_zen4", zen(0xdf44)},
      {"skl", intel},
      {"icl", intel},
      {"spr", intel},
  };
  return codes;
}

std::vector<std::string> every_claim_event() {
  auto catalog = load_catalog(std::filesystem::path(CLAIMBENCH_SOURCE_DIR) / "claims");
  REQUIRE(catalog.has_value());
  std::set<std::string> events;
  for (const auto& claim : catalog->claims)
    events.insert(claim.events.begin(), claim.events.end());
  REQUIRE(events.size() >= 5);  // cycles, instructions, L1D misses, software events at least
  return {events.begin(), events.end()};
}

}  // namespace

TEST_CASE("libpfm4 sees exactly the forced PMU model", "[pmu]") {
  const std::string pmu = forced_pmu();
  REQUIRE_FALSE(pmu.empty());
  REQUIRE(std::getenv("LIBPFM_ENCODE_INACTIVE") != nullptr);
  const auto& covered = native_event_pmus();
  REQUIRE(std::find(covered.begin(), covered.end(), pmu) != covered.end());
  CHECK(host_core_pmu() == pmu);
}

TEST_CASE("every claim's events encode on this PMU, natively or visibly generic", "[pmu]") {
  const std::string pmu = forced_pmu();
  const auto events = every_claim_event();
  const auto gaps = native_event_gaps(events);
  for (const auto& name : events) {
    INFO(pmu << ": " << name);
    auto spec = encode_event(name);
    REQUIRE(spec.has_value());
    if (is_software(*spec)) {
      CHECK_THAT(spec->canonical, Catch::StartsWith("perf::PERF_COUNT_SW_"));
      continue;
    }
    const bool gap = std::any_of(gaps.begin(), gaps.end(), [&](const EventGap& g) {
      return g.event == name && g.pmu == pmu;
    });
    if (native_event(pmu, name)) {
      // The PMU's own event: a raw code, never the kernel's generic event in disguise.
      CHECK(spec->attr.type == PERF_TYPE_RAW);
      CHECK_THAT(spec->canonical, Catch::StartsWith(pmu + "::"));
      CHECK_FALSE(gap);
    } else {
      // No native event: the generic one, named so in the result, and listed by `bench show`.
      CHECK((spec->attr.type == PERF_TYPE_HARDWARE || spec->attr.type == PERF_TYPE_HW_CACHE));
      CHECK_THAT(spec->canonical, Catch::StartsWith("perf::"));
      CHECK(gap);
    }
  }
}

TEST_CASE("cycles, instructions, branches and L1D misses have the vendors' codes", "[pmu]") {
  const std::string pmu = forced_pmu();
  const auto found = vendor_codes().find(pmu);
  REQUIRE(found != vendor_codes().end());
  for (const auto& code : found->second) {
    INFO(pmu << ": " << code.event);
    auto spec = encode_event(code.event);
    REQUIRE(spec.has_value());
    CHECK(spec->attr.type == PERF_TYPE_RAW);
    CHECK(spec->attr.config == code.config);
    // Both privilege levels, as the runner asks: page faults and syscalls run in the kernel.
    CHECK_FALSE(spec->attr.exclude_user);
    CHECK_FALSE(spec->attr.exclude_kernel);
  }
}

TEST_CASE("a misspelt native event name fails to encode instead of counting something else",
          "[pmu]") {
  const std::string pmu = forced_pmu();
  auto native = native_event(pmu, "cycles");
  REQUIRE(native.has_value());
  auto misspelt = encode_event(*native + "X");
  CHECK_FALSE(misspelt.has_value());
  auto unqualified_typo = encode_event("cycels");
  REQUIRE_FALSE(unqualified_typo.has_value());
  CHECK_THAT(unqualified_typo.error().message, Catch::Contains("unknown event 'cycels'"));
}
