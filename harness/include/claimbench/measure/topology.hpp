#pragma once
/// A loaded hwloc topology (this machine or an XML file) and the queries placement needs.

#include <hwloc.h>

#include <optional>
#include <string>
#include <vector>

#include "claimbench/error.hpp"

namespace claimbench {

/// One processing unit (hardware thread) as hwloc sees it.
struct Pu {
  unsigned os_index = 0;  ///< the number the OS uses (taskset, /proc/cpuinfo)
  unsigned logical = 0;   ///< hwloc's depth-first index
  unsigned core = 0;      ///< logical index of its core
  unsigned package = 0;   ///< logical index of its package (socket)
  unsigned smt_rank = 0;  ///< 0 for the first PU of its core, 1 for its SMT sibling, ...
};

/// One cache level as hwloc reports it.
struct CacheLevel {
  std::string name;  ///< "L1d", "L2", "L3"
  unsigned long long size_bytes = 0;
  unsigned line_bytes = 0;
  unsigned count = 0;  ///< how many of them the machine has
};

/// Owns an hwloc topology. Read-only after load, so benchmark threads may share one.
class Topology {
 public:
  static Expected<Topology> this_machine();
  static Expected<Topology> from_xml(const std::string& path);

  Topology(Topology&& other) noexcept;
  Topology& operator=(Topology&& other) noexcept;
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;
  ~Topology();

  /// Every PU this process may run on, in hwloc's logical (depth-first) order.
  const std::vector<Pu>& pus() const { return pus_; }
  const Pu* find_pu(unsigned os_index) const;
  unsigned cores() const { return cores_; }
  unsigned packages() const { return packages_; }
  bool has_smt() const;
  std::vector<CacheLevel> caches() const;
  /// A named attribute of the first package, e.g. "CPUModel", "CPUVendor"; empty if absent.
  std::string package_info(const char* name) const;
  /// The deepest cache shared by all the given PUs, e.g. "L2"; "none" when they share none.
  std::string shared_cache(const std::vector<unsigned>& os_indices) const;
  /// Cores in "spread" order: round-robin over packages, then caches, so neighbours come last.
  std::vector<unsigned> cores_spread_order() const;

  /// Binds the calling thread to one PU (thread scope, strict).
  Expected<void> bind_this_thread(unsigned os_index) const;
  /// The PU the calling thread last ran on.
  std::optional<unsigned> this_thread_location() const;

  hwloc_topology_t raw() const { return topology_; }

 private:
  explicit Topology(hwloc_topology_t topology);
  void index();

  hwloc_topology_t topology_ = nullptr;
  std::vector<Pu> pus_;
  unsigned cores_ = 0;
  unsigned packages_ = 0;
};

}  // namespace claimbench
