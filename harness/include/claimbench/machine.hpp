#pragma once
/// The machine and build a result came from: CPU, caches, kernel, virtualisation, compiler.

#include <string>
#include <vector>

#include "claimbench/topology.hpp"

namespace claimbench {

struct Machine {
  std::string id;  ///< short stable id: a hash of CPU model, PU count and host name
  std::string cpu_model;
  std::string cpu_vendor;
  std::string cpu_family;
  std::string cpu_model_number;
  std::string architecture;
  unsigned packages = 0;
  unsigned cores = 0;
  unsigned pus = 0;
  bool smt = false;
  std::vector<CacheLevel> caches;
  std::string kernel;
  std::string hostname;
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

/// One line: "AMD EPYC 7B13, 2 PUs / 2 cores / 1 package, L2 512 KiB, L3 32 MiB, KVM guest".
std::string machine_line(const Machine& machine);

}  // namespace claimbench
