#pragma once
/// bench compare: each check's verdict and ratio per machine, side by side, from the model.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "claimbench/present/console.hpp"
#include "claimbench/store/result_set.hpp"

namespace claimbench {

/// Per claim and check, the verdict and ratio on each machine side by side; checks whose
/// verdict differs between machines are marked.
std::string render_compare(const std::vector<MachineResults>& machines, const Style& style);

/// The same table as Markdown, with the machines described and the chart linked when given.
std::string compare_markdown(const std::vector<MachineResults>& machines,
                             const std::string& chart_file);

/// One chart: each check's ratio with its 95% CI on each machine, coloured by verdict.
nlohmann::json compare_chart_spec(const std::vector<MachineResults>& machines,
                                  const std::string& file_stem);

}  // namespace claimbench
