#include "claimbench/probe.hpp"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "claimbench/stats.hpp"

namespace claimbench {

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
  hwloc_bitmap_t all = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(topology.raw()));
  hwloc_set_cpubind(topology.raw(), all, HWLOC_CPUBIND_THREAD);
  hwloc_bitmap_free(all);
  if (!pinned_ok) return std::nullopt;
  return median(per_chunk);
}

}  // namespace claimbench
