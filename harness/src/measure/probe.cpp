#include "claimbench/measure/probe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "claimbench/judge/stats.hpp"

namespace claimbench {

namespace {

// Undoes a probe's pinning so the caller's affinity is what it was (every allowed PU).
void unpin_this_thread(const Topology& topology) {
  hwloc_bitmap_t all = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(topology.raw()));
  hwloc_set_cpubind(topology.raw(), all, HWLOC_CPUBIND_THREAD);
  hwloc_bitmap_free(all);
}

}  // namespace

std::optional<double> cache_line_transfer_ns(const Topology& topology, unsigned a, unsigned b,
                                             int chunks, int round_trips_per_chunk) {
  // The line both threads write; alignas(64) so nothing else shares it.
  struct alignas(64) Line {
    std::atomic<int> value{0};
  };
  Line line;
  std::atomic<bool> pinned_ok{true};
  const int total = chunks * round_trips_per_chunk;

  std::thread responder([&] {
    if (!topology.bind_this_thread(b)) pinned_ok = false;
    for (int i = 0; i < total; ++i) {
      while (line.value.load(std::memory_order_acquire) != 1) {
      }
      line.value.store(2, std::memory_order_release);
      while (line.value.load(std::memory_order_acquire) == 2) {
      }
    }
  });
  if (!topology.bind_this_thread(a)) pinned_ok = false;
  std::vector<double> per_chunk;
  for (int c = 0; c < chunks; ++c) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < round_trips_per_chunk; ++i) {
      line.value.store(1, std::memory_order_release);
      while (line.value.load(std::memory_order_acquire) != 2) {
      }
      line.value.store(0, std::memory_order_release);
    }
    const std::chrono::duration<double, std::nano> elapsed =
        std::chrono::steady_clock::now() - start;
    // A round trip moves the line to the responder and back: two one-way transfers.
    per_chunk.push_back(elapsed.count() / (2.0 * round_trips_per_chunk));
  }
  responder.join();
  // The probe ran on this thread's PU; undo that so the caller's affinity is unchanged.
  unpin_this_thread(topology);
  if (!pinned_ok) return std::nullopt;
  return median(per_chunk);
}

std::optional<double> cas_round_trip_ns(const Topology& topology, unsigned a, unsigned b,
                                        int samples, int round_trips) {
  struct alignas(64) Line {
    std::atomic<long> value{0};
  };
  Line line;
  std::atomic<bool> pinned_ok{true};
  const long total = static_cast<long>(samples) * round_trips;

  // Disassembly checked (g++ 12 -O3): each wait is a `lock cmpxchg` in a loop on the line; the
  // value read back on failure is discarded, so every attempt is a fresh CAS, as in c2clat.
  std::thread responder([&] {
    if (!topology.bind_this_thread(b)) pinned_ok = false;
    for (long n = 0; n < total; ++n) {
      long expected = 2 * n + 1;
      while (!line.value.compare_exchange_strong(expected, 2 * n + 2, std::memory_order_acq_rel)) {
        expected = 2 * n + 1;
      }
    }
  });
  if (!topology.bind_this_thread(a)) pinned_ok = false;
  double best = INFINITY;
  long n = 0;
  for (int s = 0; s < samples; ++s) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < round_trips; ++i, ++n) {
      long expected = 2 * n;
      while (!line.value.compare_exchange_strong(expected, 2 * n + 1, std::memory_order_acq_rel)) {
        expected = 2 * n;
      }
    }
    const std::chrono::duration<double, std::nano> elapsed =
        std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count() / round_trips);
  }
  responder.join();
  unpin_this_thread(topology);
  if (!pinned_ok) return std::nullopt;
  return best;
}

LatencyMatrix measure_latency_matrix(const Topology& topology, std::vector<unsigned> pus,
                                     int samples, int round_trips) {
  if (pus.empty()) {
    for (const auto& pu : topology.pus())
      pus.push_back(pu.os_index);
  }
  LatencyMatrix matrix;
  matrix.pus = pus;
  matrix.round_trip_ns.assign(pus.size(), std::vector<std::optional<double>>(pus.size()));
  for (std::size_t i = 0; i < pus.size(); ++i) {
    for (std::size_t j = 0; j < pus.size(); ++j) {
      if (i != j) {
        matrix.round_trip_ns[i][j] =
            cas_round_trip_ns(topology, pus[i], pus[j], samples, round_trips);
      }
    }
  }
  return matrix;
}

std::string latency_matrix_text(const LatencyMatrix& matrix) {
  std::string out = fmt::format("{:>6}", "PU");
  for (unsigned pu : matrix.pus)
    out += fmt::format("{:>8}", pu);
  out += "\n";
  for (std::size_t i = 0; i < matrix.pus.size(); ++i) {
    out += fmt::format("{:>6}", matrix.pus[i]);
    for (const auto& cell : matrix.round_trip_ns[i]) {
      out += cell ? fmt::format("{:>8.0f}", *cell) : fmt::format("{:>8}", "-");
    }
    out += "\n";
  }
  return out;
}

}  // namespace claimbench
