#pragma once
/// Core-to-core probe: the one-way cache-line transfer time between two pinned PUs.

#include <optional>

#include "claimbench/topology.hpp"

namespace claimbench {

/// Bounces one cache line between threads pinned to PUs `a` and `b` and returns the median
/// one-way transfer time in ns over `chunks` chunks of round trips. On the shared VMs here this
/// reads ~45–55 ns most of the time and ~200 ns while the host has moved a vCPU; recorded before
/// and after contended runs, it says which state a result was measured in.
std::optional<double> cache_line_transfer_ns(const Topology& topology, unsigned a, unsigned b,
                                             int chunks = 15, int round_trips_per_chunk = 2000);

}  // namespace claimbench
