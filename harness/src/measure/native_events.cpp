// The native-event table: which event of each PMU model a portable name means, with the vendor's
// event code for each (tests/pmu_encoding_test.cpp checks libpfm4 encodes exactly these codes).
#include "claimbench/measure/native_events.hpp"

#include <fmt/format.h>
#include <perfmon/pfmlib.h>

#include <algorithm>
#include <utility>

namespace claimbench {
namespace {

struct Row {
  std::string_view portable;
  std::string_view native;  ///< without the "pmu::" prefix
};

// AMD Zen 2/3/4. Codes from AMD's Processor Programming References, "Core Performance Monitor
// Counters": Family 17h Model 31h (Zen 2, pub. 55803), Family 19h Model 01h (Zen 3, pub. 55898),
// Family 19h Model 11h (Zen 4, pub. 55901):
//   PMCx076 CyclesNotInHalt; PMCx0C0 ExRetInstr; PMCx0C2 ExRetBrn; PMCx0C3 ExRetBrnMisp;
//   PMCx044 LsAnyFillsFromSys (Zen 3/4; every source, i.e. every line brought into the L1D,
//   the nearest match to Intel's L1D.REPLACEMENT); PMCx043 LsRefillsFromSys (Zen 2, demand
//   fills only: libpfm4 4.13 has no PMCx044 for Zen 2).
constexpr Row kZenCommon[] = {
    {"cycles", "CYCLES_NOT_IN_HALT"},
    {"instructions", "RETIRED_INSTRUCTIONS"},
    {"branches", "RETIRED_BRANCH_INSTRUCTIONS"},
    {"branch-misses", "RETIRED_BRANCH_INSTRUCTIONS_MISPREDICTED"},
};
constexpr std::string_view kZen2L1dMiss =
    "DATA_CACHE_REFILLS_FROM_SYSTEM:MABRESP_LCL_L2:LS_MABRESP_LCL_CACHE:LS_MABRESP_LCL_DRAM:"
    "LS_MABRESP_RMT_CACHE:LS_MABRESP_RMT_DRAM";  // umask 0x5b
constexpr std::string_view kZen3L1dMiss =
    "ANY_DATA_CACHE_FILLS_FROM_SYSTEM:LCL_L2:INT_CACHE:EXT_CACHE_LCL:MEM_IO_LCL:EXT_CACHE_RMT:"
    "MEM_IO_RMT";  // umask 0x5f
constexpr std::string_view kZen4L1dMiss =
    "ANY_DATA_CACHE_FILLS_FROM_SYSTEM:LCL_L2:LOCAL_CCX:NEAR_CACHE_NEAR_FAR:DRAM_IO_NEAR:"
    "FAR_CACHE_NEAR_FAR:DRAM_IO_FAR:ALT_MEM_NEAR_FAR";  // umask 0xdf

// Intel Skylake to Sapphire Rapids. Codes from the Intel SDM Vol. 3B, "Performance Monitoring
// Events" (architectural events, Table 20-1 in recent editions), and Intel's perfmon event
// files (SKL, SKX, CLX, ICL, ICX, SPR core events): CPU_CLK_UNHALTED.THREAD_P 3CH/00H,
// INST_RETIRED.ANY_P C0H/00H, BR_INST_RETIRED.ALL_BRANCHES C4H/00H,
// BR_MISP_RETIRED.ALL_BRANCHES C5H/00H, L1D.REPLACEMENT 51H/01H. The programmable forms (_P),
// not the fixed counters, so that the event fits in a group on any counter.
constexpr Row kIntelCore[] = {
    {"cycles", "CPU_CLK_UNHALTED:THREAD_P"},      {"instructions", "INST_RETIRED:ANY_P"},
    {"branches", "BR_INST_RETIRED:ALL_BRANCHES"}, {"branch-misses", "BR_MISP_RETIRED:ALL_BRANCHES"},
    {"L1-dcache-load-misses", "L1D:REPLACEMENT"},
};

std::optional<std::string> lookup(std::string_view pmu, std::string_view portable) {
  auto qualified = [&](std::string_view native) { return fmt::format("{}::{}", pmu, native); };
  const bool zen1 = pmu == "amd64_fam17h_zen1";
  const bool zen2 = pmu == "amd64_fam17h_zen2";
  const bool zen3 = pmu == "amd64_fam19h_zen3";
  const bool zen4 = pmu == "amd64_fam19h_zen4";
  if (zen1 || zen2 || zen3 || zen4) {
    for (const auto& row : kZenCommon) {
      if (row.portable == portable) return qualified(row.native);
    }
    // Zen 1 has no data-cache fill event in libpfm4's table: the gap `bench show` reports.
    if (portable == "L1-dcache-load-misses" && !zen1) {
      return qualified(zen2 ? kZen2L1dMiss : zen3 ? kZen3L1dMiss : kZen4L1dMiss);
    }
    return std::nullopt;
  }
  if (pmu == "skl" || pmu == "skx" || pmu == "clx" || pmu == "icl" || pmu == "icx" ||
      pmu == "spr") {
    for (const auto& row : kIntelCore) {
      if (row.portable == portable) return qualified(row.native);
    }
  }
  return std::nullopt;
}

bool is_software_event(const std::string& name) {
  // perf's software events need no PMU; libpfm4's generic "perf" PMU encodes them as
  // PERF_TYPE_SOFTWARE. The list is the kernel's (include/uapi/linux/perf_event.h).
  static const std::vector<std::string> names = {
      "cpu-clock",        "task-clock",   "page-faults",      "faults",
      "context-switches", "cs",           "cpu-migrations",   "migrations",
      "minor-faults",     "major-faults", "alignment-faults", "emulation-faults",
  };
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

bool libpfm_ready() {
  // pfm_initialize is not documented as thread-safe; a function-local static runs it once.
  static const int status = pfm_initialize();
  return status == PFM_SUCCESS;
}

std::string host_core_pmu() {
  if (!libpfm_ready()) return {};
  std::vector<std::string> found;
  bool architectural = false;
  pfm_pmu_info_t info{};
  for (int p = 0; p < PFM_PMU_MAX; ++p) {
    info = {};
    info.size = sizeof info;
    if (pfm_get_pmu_info(static_cast<pfm_pmu_t>(p), &info) != PFM_SUCCESS) continue;
    if (!info.is_present || info.type != PFM_PMU_TYPE_CORE) continue;
    // ix86arch is Intel's architectural subset, present when libpfm4 does not know the model.
    if (std::string_view(info.name) == "ix86arch") {
      architectural = true;
      continue;
    }
    found.emplace_back(info.name);
  }
  if (found.size() == 1) return found.front();
  if (found.empty() && architectural) return "ix86arch";
  return {};
}

std::optional<std::string> native_event(std::string_view pmu, std::string_view portable) {
  return lookup(pmu, portable);
}

const std::vector<std::string>& native_event_pmus() {
  static const std::vector<std::string> pmus = {
      "amd64_fam17h_zen1",
      "amd64_fam17h_zen2",
      "amd64_fam19h_zen3",
      "amd64_fam19h_zen4",
      "skl",
      "icl",
      "spr",
  };
  return pmus;
}

std::vector<EventGap> native_event_gaps(const std::vector<std::string>& events) {
  std::vector<EventGap> gaps;
  for (const auto& event : events) {
    if (is_software_event(event)) continue;
    const auto separator = event.find("::");
    for (const auto& pmu : native_event_pmus()) {
      const bool native = separator != std::string::npos ? event.compare(0, separator, pmu) == 0
                                                         : lookup(pmu, event).has_value();
      if (!native) gaps.push_back({event, pmu});
    }
  }
  return gaps;
}

}  // namespace claimbench
