#pragma once
/// Charts: a JSON spec rendered to PNG and SVG by scripts/charts.py (matplotlib).

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace claimbench {

struct ChartRun {
  bool rendered = false;
  std::string note;  ///< why nothing was rendered, and how to fix it; empty when rendered
};

/// Writes the spec next to the images, runs the chart script on it and removes the spec.
/// The interpreter is $CLAIMBENCH_PYTHON, else Debian's /usr/bin/python3 (which has
/// python3-matplotlib), else python3 on PATH; the script is $CLAIMBENCH_CHARTS, else
/// scripts/charts.py in the source tree.
ChartRun render_charts(const nlohmann::json& spec, const std::filesystem::path& out_dir);

}  // namespace claimbench
