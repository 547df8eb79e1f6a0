#pragma once
/// Result files from one or more machines, loaded through from_json and grouped by machine for
/// report and compare.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "claimbench/error.hpp"
#include "claimbench/store/result_model.hpp"

namespace claimbench {

/// One claim's newest result on a machine, with the run it came from.
struct LoadedClaim {
  ClaimResult result;
  std::filesystem::path file;
  std::string created_utc;
  RunOptionsRecord options;
  std::string command;
  std::optional<std::string> go_version;  ///< the Go that measured the twins, when they ran
  std::string claimbench_version;         ///< the bench that measured it; empty before 0.1
};

/// Everything known about one machine: the newest result of each claim across its files.
struct MachineResults {
  std::string id;     ///< the machine id recorded in the result ("e727eba4")
  std::string label;  ///< "AMD EPYC [e727eba4]": CPU model and short id
  Machine machine;
  std::vector<std::filesystem::path> files;
  std::vector<LoadedClaim> claims;       ///< one per claim id, sorted by id
  std::optional<LatencyRecord> latency;  ///< the newest run's core-to-core matrix, if any
  const LoadedClaim* claim(std::string_view claim_id) const;
};

struct ResultSet {
  std::vector<MachineResults> machines;
  /// Things the user should know that did not stop the command: a file given twice, a
  /// placeholder skipped. One line each, for stderr.
  std::vector<std::string> notes;
};

/// Loads result files and folders of them (their *.json, not recursive). Every file is read and
/// validated (from_json) before anything is returned, so a bad file stops the command before it
/// writes. A file named twice is read once; a placeholder (a run that has not finished its first
/// claim) is skipped with a note. Results from the same machine are grouped; for a claim
/// measured more than once, the newest result (created_utc) wins. Two files with the same
/// machine id but a different CPU are refused, naming both files and the fields.
Expected<ResultSet> load_result_set(const std::vector<std::filesystem::path>& inputs);

/// Every claim id present on any machine, sorted.
std::vector<std::string> all_claim_ids(const std::vector<MachineResults>& machines);

/// The union of the check ids any machine recorded for a claim, in first-seen order.
std::vector<std::string> check_ids(const std::vector<MachineResults>& machines,
                                   std::string_view claim_id);

/// A check's result on one machine, or nullptr.
const CheckResult* find_check(const MachineResults& machine, std::string_view claim_id,
                              std::string_view check_id);

}  // namespace claimbench
