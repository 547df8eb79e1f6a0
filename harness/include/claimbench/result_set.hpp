#pragma once
/// Result files from one or more machines, loaded and grouped by machine for report and compare.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "claimbench/error.hpp"

namespace claimbench {

/// Everything known about one machine: the newest result of each claim across its files.
struct MachineResults {
  std::string id;     ///< the machine id recorded in the result ("e727eba4")
  std::string label;  ///< "AMD EPYC [e727eba4]": CPU model and short id
  nlohmann::json machine;
  std::vector<std::filesystem::path> files;
  std::vector<nlohmann::json> claims;  ///< one per claim id, sorted by id
  const nlohmann::json* claim(std::string_view claim_id) const;
};

/// Loads result files and folders of them (their *.json, not recursive). Every file is read and
/// validated before anything is returned, so a corrupt file stops the command before it writes.
/// Results from the same machine are grouped; for a claim measured more than once, the newest
/// result (created_utc) wins.
Expected<std::vector<MachineResults>> load_result_set(
    const std::vector<std::filesystem::path>& inputs);

/// Every claim id present on any machine, sorted.
std::vector<std::string> all_claim_ids(const std::vector<MachineResults>& machines);

/// "HOLDS 3.08×", "SKIPPED" — a check's verdict and ratio for tables.
std::string verdict_cell(const nlohmann::json& check);

}  // namespace claimbench
