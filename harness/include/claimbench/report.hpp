#pragma once
/// Study notes (Markdown + charts) and cross-machine comparisons, from result files only.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "claimbench/console.hpp"
#include "claimbench/error.hpp"
#include "claimbench/result_set.hpp"

namespace claimbench {

struct ReportOutcome {
  std::vector<std::filesystem::path> pages;  ///< index.md first, then one page per claim
  bool charts_rendered = false;
  std::string charts_note;
};

/// Writes DIR/index.md (verdict matrix, claims × machines), DIR/<claim>.md per claim and
/// DIR/img/*.png|svg. Charts that cannot be rendered are replaced by a note saying where they
/// would be and how to get them.
Expected<ReportOutcome> write_report(const std::vector<MachineResults>& machines,
                                     const std::filesystem::path& out_dir);

/// Per claim and check, the verdict and ratio on each machine side by side; checks whose
/// verdict differs between machines are marked.
std::string render_compare(const std::vector<MachineResults>& machines, const Style& style);
std::string compare_markdown(const std::vector<MachineResults>& machines,
                             const std::string& chart_file);
/// One chart: each check's ratio with its 95% CI on each machine, coloured by verdict.
nlohmann::json compare_chart_spec(const std::vector<MachineResults>& machines,
                                  const std::string& file_stem);

/// The per-claim chart spec for one machine: variant bars and, for thread sweeps, lines.
nlohmann::json claim_chart_spec(const nlohmann::json& claim, const MachineResults& machine);

}  // namespace claimbench
