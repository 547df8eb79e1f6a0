#pragma once
/// Core-to-core probe: the one-way cache-line transfer time between two pinned PUs.

#include <optional>
#include <string>
#include <vector>

#include "claimbench/measure/topology.hpp"

namespace claimbench {

/// Bounces one cache line between threads pinned to PUs `a` and `b` and returns the median
/// one-way transfer time in ns over `chunks` chunks of round trips. On the shared VMs here this
/// reads ~45–55 ns most of the time and ~200 ns while the host has moved a vCPU; recorded before
/// and after contended runs, it says which state a result was measured in.
std::optional<double> cache_line_transfer_ns(const Topology& topology, unsigned a, unsigned b,
                                             int chunks = 15, int round_trips_per_chunk = 2000);

/// Round-trip times between every pair of PUs: row i, column j is PU pus[i] pinging pus[j].
struct LatencyMatrix {
  std::vector<unsigned> pus;
  /// Nanoseconds per round trip (the minimum over samples); nullopt on the diagonal and where
  /// a thread could not be pinned.
  std::vector<std::vector<std::optional<double>>> round_trip_ns;
};

/// c2clat's method: two threads pinned to PUs a and b hand one cache line back and forth with
/// compare-and-swap (a moves it 2n -> 2n+1, b 2n+1 -> 2n+2), so every round trip is two line
/// transfers that each wait for the other core's CAS. `samples` batches of `round_trips` each;
/// the minimum batch is the figure, because noise on a shared machine only ever adds time.
std::optional<double> cas_round_trip_ns(const Topology& topology, unsigned a, unsigned b,
                                        int samples = 50, int round_trips = 500);

/// The matrix over `pus` (every PU the process may use when empty): n·(n-1) pairs; on the
/// 16-PU machine about 240 pairs × 50 × 500 round trips, a few seconds.
LatencyMatrix measure_latency_matrix(const Topology& topology, std::vector<unsigned> pus = {},
                                     int samples = 50, int round_trips = 500);

/// The matrix as text: a header row of PUs, one row per PU, "-" where nothing was measured.
std::string latency_matrix_text(const LatencyMatrix& matrix);

}  // namespace claimbench
