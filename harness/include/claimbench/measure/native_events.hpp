#pragma once
/// Portable event names ("cycles") mapped to each known PMU model's own event, by vendor code.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace claimbench {

/// pfm_initialize() once per process; whether it succeeded. Environment variables libpfm4 reads
/// (LIBPFM_FORCE_PMU, LIBPFM_ENCODE_INACTIVE) must be set before the first call.
bool libpfm_ready();

/// The core PMU model libpfm4 detected from CPUID (also in a VM that exposes no PMU to perf),
/// e.g. "amd64_fam19h_zen4"; empty when there is none, or several (a hybrid CPU), since one
/// native encoding would then be wrong on half the cores.
std::string host_core_pmu();

/// libpfm4's qualified native event for a portable name on one PMU model, e.g. ("cycles",
/// "amd64_fam19h_zen4") -> "amd64_fam19h_zen4::CYCLES_NOT_IN_HALT"; nullopt when the table has
/// none (then the kernel's generic event is used, visibly: its canonical name starts "perf::").
std::optional<std::string> native_event(std::string_view pmu, std::string_view portable);

/// The PMU models the table covers; tests/pmu_encoding_test.cpp encodes every claim's events
/// for each of them with libpfm4's forced-PMU mode.
const std::vector<std::string>& native_event_pmus();

/// A claim event that has no native encoding on one of native_event_pmus().
struct EventGap {
  std::string event;
  std::string pmu;
};

/// The hardware events among `events` that cannot be encoded natively on each covered PMU
/// (software events such as task-clock need no PMU and never appear). Events qualified with
/// one PMU ("amd64_fam19h_zen4::X") are gaps on every other covered PMU.
std::vector<EventGap> native_event_gaps(const std::vector<std::string>& events);

}  // namespace claimbench
