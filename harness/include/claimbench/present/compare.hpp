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

/// The same table as Markdown, with the machines described; when chart_dir is not empty, each
/// claim's across-CPUs chart (chart_dir/<claim>-across-cpus.png) follows the table.
std::string compare_markdown(const std::vector<MachineResults>& machines,
                             const std::string& chart_dir);

/// One chart per claim (claim_across_machines_spec): each check's ratio with its CI on each
/// machine and side, coloured by verdict, the holds and refuted regions shaded.
nlohmann::json compare_chart_spec(const std::vector<MachineResults>& machines);

}  // namespace claimbench
