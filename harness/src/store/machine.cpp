// Describes this machine: CPU identity from hwloc and libpfm4, caches, kernel, build.
#include "claimbench/store/machine.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <perfmon/pfmlib.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <fstream>
#include <nlohmann/json.hpp>

#include "claimbench/measure/native_events.hpp"

#ifndef CLAIMBENCH_CXX_FLAGS
#define CLAIMBENCH_CXX_FLAGS "unknown"
#endif
#ifndef CLAIMBENCH_BUILD_TYPE
#define CLAIMBENCH_BUILD_TYPE "unknown"
#endif
#ifndef CLAIMBENCH_BENCHMARK_VERSION
#define CLAIMBENCH_BENCHMARK_VERSION "unknown"
#endif

namespace claimbench {
namespace {

std::string first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string human_bytes(unsigned long long bytes) {
  if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= (1ull << 10)) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} B", bytes);
}

}  // namespace

Machine describe_machine(const Topology& topology) {
  Machine m;
  m.cpu_model = topology.package_info("CPUModel");
  m.cpu_vendor = topology.package_info("CPUVendor");
  m.cpu_family = topology.package_info("CPUFamilyNumber");
  m.cpu_model_number = topology.package_info("CPUModelNumber");
  m.cpu_stepping = topology.package_info("CPUStepping");
  // libpfm4 names the core PMU model from CPUID, so this works in a VM that exposes no PMU.
  m.pmu = host_core_pmu();
  m.microarchitecture = microarchitecture_from_pmu(m.pmu);
  if (m.microarchitecture.empty()) {
    m.microarchitecture =
        microarchitecture_from_cpuid(m.cpu_vendor, m.cpu_family, m.cpu_model_number);
  }
  if (m.cpu_model.empty()) m.cpu_model = "unknown CPU";
  m.packages = topology.packages();
  m.cores = topology.cores();
  m.pus = static_cast<unsigned>(topology.pus().size());
  m.smt = topology.has_smt();
  m.caches = topology.caches();
  utsname names{};
  if (uname(&names) == 0) {
    m.kernel = fmt::format("{} {}", names.sysname, names.release);
    m.architecture = names.machine;
    // The host name is not recorded: results are committed and shared, and the name says
    // nothing about the CPU (the id hashes the CPU's identity instead).
  }
  m.virtualised = cpu_reports_hypervisor();
  if (m.virtualised) m.hypervisor_vendor = first_line("/sys/class/dmi/id/sys_vendor");
  m.governor = first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  if (m.governor.empty()) m.governor = "n/a";
  m.compiler = fmt::format("g++ {}", __VERSION__);
  m.build_type = CLAIMBENCH_BUILD_TYPE;
  m.cxx_flags = CLAIMBENCH_CXX_FLAGS;
  const unsigned hwloc = hwloc_get_api_version();
  m.libraries = {
      {"google-benchmark", CLAIMBENCH_BENCHMARK_VERSION},
      {"hwloc", fmt::format("{}.{}.{}", hwloc >> 16, (hwloc >> 8) & 0xff, hwloc & 0xff)},
      {"libpfm4", fmt::format("{}.{}", PFM_MAJ_VERSION(pfm_get_version()),
                              PFM_MIN_VERSION(pfm_get_version()))},
      {"fmt",
       fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
      {"nlohmann-json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR,
                                    NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH)},
      {"tomlplusplus", fmt::format("{}.{}.{}", TOML_LIB_MAJOR, TOML_LIB_MINOR, TOML_LIB_PATCH)},
  };
  m.id = machine_id(m);
  return m;
}

bool cpu_reports_hypervisor() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) == 0) return line.find(" hypervisor") != std::string::npos;
  }
  return false;
}

std::string machine_line(const Machine& m) {
  std::string caches;
  for (const auto& cache : m.caches) {
    if (cache.name == "L1i") continue;
    caches += fmt::format(", {} {}", cache.name, human_bytes(cache.size_bytes));
  }
  std::string virt =
      m.virtualised
          ? fmt::format(", virtualised{}",
                        m.hypervisor_vendor.empty() ? "" : " (" + m.hypervisor_vendor + ")")
          : ", bare metal";
  return fmt::format("{} [{}], {} PUs / {} cores / {} package{}{}{}, {}, governor {}",
                     machine_label(m), m.id, m.pus, m.cores, m.packages, m.packages == 1 ? "" : "s",
                     caches, virt, m.kernel, m.governor);
}

}  // namespace claimbench
