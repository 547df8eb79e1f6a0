// bench report, bench compare, bench export and bench list --results: load every input through
// from_json, then render and write.
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/commands/commands.hpp"
#include "claimbench/present/charts.hpp"
#include "claimbench/present/compare.hpp"
#include "claimbench/present/console.hpp"
#include "claimbench/present/export.hpp"
#include "claimbench/present/notes.hpp"
#include "claimbench/store/result_set.hpp"

namespace claimbench {
namespace {

using nlohmann::json;

// Every input is read and validated before anything is written; notes go to stderr.
Expected<ResultSet> load_inputs(const std::vector<std::filesystem::path>& inputs) {
  auto set = load_result_set(inputs);
  if (set) {
    for (const auto& note : set->notes)
      std::fprintf(stderr, "bench: %s\n", note.c_str());
  }
  return set;
}

// Writes a whole file or nothing: a temporary beside it, renamed over it when complete.
Expected<void> write_file_whole(const std::filesystem::path& file, const std::string& text) {
  const auto temp = file.parent_path() / fmt::format(".{}.tmp", file.filename().string());
  {
    std::ofstream out(temp, std::ios::trunc);
    if (!out || !(out << text) || !out.flush()) {
      std::error_code ec;
      std::filesystem::remove(temp, ec);
      return fail(fmt::format("cannot write '{}': {}", file.string(), std::strerror(errno)));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, file, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    return fail(fmt::format("cannot write '{}': {}", file.string(), ec.message()));
  }
  return {};
}

}  // namespace

int list_command(const GlobalOptions& global, const std::vector<std::filesystem::path>& results) {
  auto catalog = load_catalog(global.claims_dir);
  if (!catalog) return usage_error(catalog.error().message);
  std::vector<MachineResults> machines;
  if (!results.empty()) {
    auto set = load_inputs(results);
    if (!set) return usage_error(set.error().message);
    machines = std::move(set->machines);
  }
  std::fputs(render_list(*catalog, machines).c_str(), stdout);
  return kExitOk;
}

int report_command(const ReportCommand& command) {
  auto set = load_inputs(command.inputs);
  if (!set) return usage_error(set.error().message);
  auto outcome = write_report(set->machines, command.out);
  if (!outcome) return usage_error(outcome.error().message);
  for (const auto& page : outcome->pages)
    std::printf("wrote %s\n", page.c_str());
  if (outcome->charts_rendered) {
    std::printf("charts in %s\n", (command.out / "img").c_str());
  } else {
    std::fprintf(stderr, "bench: %s\n", outcome->charts_note.c_str());
  }
  return kExitOk;
}

int compare_command(const CompareCommand& command) {
  auto set = load_inputs(command.inputs);
  if (!set) return usage_error(set.error().message);
  const auto& machines = set->machines;
  std::fputs(render_compare(machines, style_for_stdout()).c_str(), stdout);
  std::string chart_dir;
  if (command.chart_dir) {
    const json spec = compare_chart_spec(machines);
    const ChartRun charts = render_charts(spec, *command.chart_dir);
    if (charts.rendered) {
      chart_dir = command.chart_dir->string();
      for (const auto& chart : spec["charts"]) {
        std::printf("chart: %s (and .svg)\n",
                    (*command.chart_dir / (chart["file"].get<std::string>() + ".png")).c_str());
      }
    } else {
      std::fprintf(stderr, "bench: %s\n", charts.note.c_str());
    }
  }
  if (command.markdown) {
    if (auto ok = write_file_whole(*command.markdown, compare_markdown(machines, chart_dir)); !ok) {
      return usage_error(ok.error().message);
    }
    std::printf("wrote %s\n", command.markdown->c_str());
  }
  return kExitOk;
}

int export_command(const ExportCommand& command) {
  // The format is checked before the inputs are read, so a typo costs nothing.
  const auto format = parse_export_format(command.format);
  if (!format) {
    return usage_error(
        fmt::format("--format: '{}' is not one of gobench, csv, markdown", command.format));
  }
  auto set = load_inputs(command.inputs);
  if (!set) return usage_error(set.error().message);
  const std::string text = export_results(set->machines, *format);
  if (!command.out) {
    std::fputs(text.c_str(), stdout);
    return kExitOk;
  }
  if (auto ok = write_file_whole(*command.out, text); !ok) return usage_error(ok.error().message);
  std::fprintf(stderr, "bench: wrote %s\n", command.out->c_str());
  return kExitOk;
}

}  // namespace claimbench
