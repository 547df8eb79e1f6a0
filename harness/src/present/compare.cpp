// bench compare's table (console and Markdown) and its charts' spec, one per claim.
#include "claimbench/present/compare.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <set>

#include "claimbench/present/chart_specs.hpp"
#include "claimbench/present/labels.hpp"

namespace claimbench {

using nlohmann::json;

std::string render_compare(const std::vector<MachineResults>& machines, const Style& style) {
  std::size_t cell_width = 16;  // as wide as the widest machine label, so none is cut
  for (const auto& m : machines)
    cell_width = std::max(cell_width, m.label.size());
  std::string out = fmt::format("{:<34}", "claim / check");
  for (const auto& m : machines)
    out += fmt::format("  {:<{}}", m.label, cell_width);
  out += "\n";
  for (const auto& id : all_claim_ids(machines)) {
    out += id + "\n";
    for (const auto& check_id : check_ids(machines, id)) {
      std::vector<std::string> cells;
      std::set<Verdict> verdicts;
      for (const auto& m : machines) {
        const CheckResult* check = find_check(m, id, check_id);
        cells.push_back(check != nullptr ? verdict_cell(*check) : "–");
        if (check != nullptr) verdicts.insert(check->verdict);
      }
      const bool differs = verdicts.size() > 1;
      std::string line = fmt::format("{} {:<31}", differs ? "≠" : " ", check_id);
      for (const auto& cell : cells)
        line += fmt::format("  {:<{}}", cell, cell_width);
      out += (differs && style.color ? fmt::format(fmt::emphasis::bold, "  {}", line)
                                     : fmt::format("  {}", line)) +
             "\n";
    }
  }
  out += "\n≠ marks checks whose verdict differs between machines.\n";
  return out;
}

std::string compare_markdown(const std::vector<MachineResults>& machines,
                             const std::string& chart_dir) {
  std::string out = "# claimbench: the same claims on different CPUs\n\n";
  for (const auto& m : machines)
    out += fmt::format("- **{}**: {}\n", m.label, machine_summary(m.machine));
  out += "\n| claim | check |";
  for (const auto& m : machines)
    out += fmt::format(" {} |", m.label);
  out += " differs |\n|---|---|";
  for (std::size_t i = 0; i <= machines.size(); ++i)
    out += "---|";
  out += "\n";
  for (const auto& id : all_claim_ids(machines)) {
    for (const auto& check_id : check_ids(machines, id)) {
      std::set<Verdict> verdicts;
      out += fmt::format("| {} | {} |", id, check_id);
      for (const auto& m : machines) {
        const CheckResult* check = find_check(m, id, check_id);
        out += fmt::format(" {} |", check != nullptr ? verdict_cell(*check) : "–");
        if (check != nullptr) verdicts.insert(check->verdict);
      }
      out += fmt::format(" {} |\n", verdicts.size() > 1 ? "**yes**" : "");
    }
  }
  if (chart_dir.empty()) return out;
  for (const auto& id : all_claim_ids(machines)) {
    out += fmt::format("\n![{}: each check on each CPU]({}/{}.png)\n", id, chart_dir,
                       safe_file_stem(id + "-across-cpus"));
  }
  return out;
}

json compare_chart_spec(const std::vector<MachineResults>& machines) {
  json charts = json::array();
  for (const auto& id : all_claim_ids(machines)) {
    json claim = claim_across_machines_spec(machines, id);  // named: a temporary would dangle
    for (auto& chart : claim["charts"])
      charts.push_back(std::move(chart));
  }
  return {{"charts", charts}};
}

}  // namespace claimbench
