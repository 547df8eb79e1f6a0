#pragma once
// The pages of the study notes as text (index, claim pages, machine pages); notes.cpp writes them.

#include <optional>
#include <string>
#include <vector>

#include "claimbench/present/charts.hpp"
#include "claimbench/store/result_set.hpp"

namespace claimbench::notes {

/// "3.08", or "–" when absent.
std::string num(const std::optional<double>& value);
/// "3.02–3.2", or "–".
std::string ci_text(const std::optional<Interval>& ci);
/// The machine page's file name: "machine-e727eba4.md".
std::string machine_page_name(const MachineResults& machine);
/// The claimbench versions that measured a machine's claims ("0.2.0"; "before 0.1" for files
/// that do not say), sorted: checks and analogues change between versions.
std::vector<std::string> bench_versions(const MachineResults& machine);

std::string index_page(const std::vector<MachineResults>& machines, const ChartRun& charts);
std::string claim_page(const std::vector<MachineResults>& machines, const std::string& id,
                       const ChartRun& charts);
std::string machine_page(const MachineResults& machine);
/// How verdicts are reached: paired rounds, intervals, sequential looks and their error budget.
std::string method_section();

}  // namespace claimbench::notes
