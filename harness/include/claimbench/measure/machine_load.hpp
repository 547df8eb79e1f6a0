#pragma once
/// Was the machine busy? Load average, steal time and competing runnable tasks, read from /proc.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "claimbench/error.hpp"

namespace claimbench {

/// Another task that was runnable on one of the PUs a claim's threads were pinned to.
struct Competitor {
  int pid = 0;
  std::string command;  ///< /proc/PID/stat's comm, without the parentheses
  int pu = -1;          ///< the PU it last ran on
  bool operator==(const Competitor&) const = default;
};

/// One reading of /proc, taken before or after a claim.
struct LoadSnapshot {
  double load_average_1min = 0;
  std::uint64_t steal_ticks = 0;  ///< summed over the pinned PUs' /proc/stat lines
  std::uint64_t total_ticks = 0;  ///< all time columns of the same lines
  std::vector<Competitor> competitors;
};

/// What a claim's before and after snapshots say, for the result, the console and the notes.
struct LoadReport {
  double load_before = 0;
  double load_after = 0;
  double steal_fraction = 0;            ///< of the pinned PUs' time between the two snapshots
  std::vector<Competitor> competitors;  ///< seen in either snapshot, each once
  /// True when another task competed for a pinned PU or the host stole more than 2% of its time.
  bool busy() const;
  /// "" when quiet; else one line naming the competitors and the steal, for console and notes.
  std::string summary() const;
};

/// Reads `proc_root` (normally "/proc"; tests pass a synthetic tree). Tasks of process
/// `self_pid` (the benchmark's own threads) do not count as competitors. Missing files give an
/// error naming the file; a task that vanishes while being read is skipped.
Expected<LoadSnapshot> read_load(const std::filesystem::path& proc_root,
                                 const std::vector<int>& pinned_pus, int self_pid);

LoadReport compare_load(const LoadSnapshot& before, const LoadSnapshot& after);

/// A claim's two readings of this machine's /proc around it: the constructor takes the one
/// before, report() the one after. A /proc that cannot be read gives no report, not an error:
/// the load is context for a result, never a reason to lose it.
class LoadWatch {
 public:
  explicit LoadWatch(const std::vector<unsigned>& pinned_pus);
  std::optional<LoadReport> report() const;

 private:
  std::vector<int> pus_;
  std::optional<LoadSnapshot> before_;
};

/// Steal above this share of the pinned PUs' time marks the claim busy: 2%, above what a quiet
/// KVM guest shows (0–0.5% on the dev VM) and below what shifts a ratio past a 10% margin.
inline constexpr double kBusyStealFraction = 0.02;

}  // namespace claimbench
