#pragma once
/// The machine and build a result came from: CPU, caches, kernel, virtualisation, compiler.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "claimbench/measure/topology.hpp"

namespace claimbench {

struct Machine {
  std::string id;  ///< machine_id(): a fixed hash of the CPU identity fields, never the host name
  std::string cpu_model;          ///< the brand string, e.g. "AMD EPYC"
  std::string cpu_vendor;         ///< "AuthenticAMD", "GenuineIntel"
  std::string cpu_family;         ///< decimal, as CPUID reports it (25 = 0x19)
  std::string cpu_model_number;   ///< decimal
  std::string cpu_stepping;       ///< decimal
  std::string microarchitecture;  ///< "Zen 4", "Sapphire Rapids"; empty when unknown
  std::string pmu;  ///< libpfm4's name of the core PMU model, e.g. "amd64_fam19h_zen4"; may be ""
  std::string architecture;
  unsigned packages = 0;
  unsigned cores = 0;
  unsigned pus = 0;
  bool smt = false;
  std::vector<CacheLevel> caches;
  std::string kernel;
  std::string hostname;  ///< left empty: never recorded, never in the id or the notes
  bool virtualised = false;
  std::string hypervisor_vendor;  ///< from the DMI product name when readable, e.g. "KVM"
  std::string governor;           ///< cpufreq scaling governor of PU 0, "n/a" when absent
  std::string compiler;
  std::string build_type;
  std::string cxx_flags;
  std::vector<std::pair<std::string, std::string>> libraries;  ///< name, version
};

Machine describe_machine(const Topology& topology);

/// Whether /proc/cpuinfo's flags include "hypervisor" (the CPU says it runs in a VM).
bool cpu_reports_hypervisor();

/// The identity fields in one canonical string, the input of machine_id(). Versioned ("m2|..."),
/// so a later change of the fields gives ids that cannot collide with these.
std::string machine_identity(const Machine& machine);

/// 64-bit FNV-1a: fixed by its specification, the same on every compiler and run (std::hash is
/// neither).
std::uint64_t fnv1a64(std::string_view text);

/// The id: the top 48 bits of fnv1a64(machine_identity()), 12 hex digits. Ids of the first form
/// (8 hex digits, a std::hash of brand string, PU count and host name) are never produced again,
/// so a 12-digit id always means these fields were hashed.
std::string machine_id(const Machine& machine);

/// The identity fields where a and b disagree, one "field: a-value ≠ b-value" each, in a fixed
/// order; empty when they describe the same CPU. compare and report refuse results that share
/// an id but differ here.
std::vector<std::string> machine_differences(const Machine& a, const Machine& b);

/// The microarchitecture for libpfm4's core PMU name ("amd64_fam19h_zen4" -> "Zen 4"); empty
/// when the name is not in the table.
std::string microarchitecture_from_pmu(std::string_view pmu);

/// The microarchitecture from CPUID vendor, family and model (decimal strings) for common AMD and
/// Intel cores: the fallback when libpfm4 does not know the CPU (4.13 predates Zen 5).
std::string microarchitecture_from_cpuid(std::string_view vendor, std::string_view family,
                                         std::string_view model);

/// A label a reader can tell columns apart by: "AMD EPYC (Zen 4, family 25 model 17)".
std::string machine_label(const Machine& machine);

/// One line: "AMD EPYC (Zen 4, family 25 model 17) [id], 2 PUs / 2 cores / 1 package, ...".
std::string machine_line(const Machine& machine);

}  // namespace claimbench
