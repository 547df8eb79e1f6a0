#pragma once
/// Where benchmark threads go: the policies spread, compact, siblings and an explicit CPU list.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "claimbench/error.hpp"
#include "claimbench/measure/topology.hpp"

namespace claimbench {

enum class Policy { spread, compact, siblings, list };

/// The PUs benchmark threads take, in order: thread i runs on pus[i].
struct Placement {
  Policy policy = Policy::spread;
  std::vector<Pu> pus;
  /// Why the policy yields fewer PUs than the machine has (siblings without SMT), if it does.
  std::string limit;
};

std::string_view to_string(Policy policy);
Expected<Policy> parse_policy(std::string_view text);

/// Orders the machine's PUs for a policy (not Policy::list).
///  - spread: one PU per core, cores far apart in the cache tree first; SMT siblings last.
///  - compact: depth-first, so SMT siblings, then cores sharing the nearest cache.
///  - siblings: only cores with two or more PUs, both PUs of a core next to each other.
Placement place(const Topology& topology, Policy policy);

/// Parses an explicit list such as "0,2,4-7" (OS indices, in the given order) and checks that
/// every PU exists and is allowed; the error names the list and the offending entry.
Expected<Placement> place_list(const Topology& topology, std::string_view cpu_list);

/// Why `threads` threads cannot run under this placement ("needs 4 PUs; spread placement
/// has 2"), or nullopt when they can.
std::optional<std::string> cannot_place(const Placement& placement, int threads);

/// The OS indices of the first `threads` PUs.
std::vector<unsigned> first_pus(const Placement& placement, int threads);

}  // namespace claimbench
