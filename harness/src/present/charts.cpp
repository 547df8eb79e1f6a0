#include "claimbench/present/charts.hpp"

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include "claimbench/commands/paths.hpp"

extern char** environ;

namespace claimbench {
namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : std::move(fallback);
}

}  // namespace

ChartRun render_charts(const nlohmann::json& spec, const std::filesystem::path& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return {false, fmt::format("cannot create {}: {}", out_dir.string(), ec.message())};
  const auto spec_file = out_dir / ".chart-spec.json";
  std::ofstream(spec_file) << spec.dump();
  const std::string python =
      env_or("CLAIMBENCH_PYTHON",
             std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
  const std::string script = charts_script().string();  // honours $CLAIMBENCH_CHARTS
  std::vector<std::string> args = {python, script, spec_file.string(), out_dir.string()};
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ);
  int status = 0;
  if (spawned == 0) waitpid(pid, &status, 0);
  std::filesystem::remove(spec_file, ec);
  if (spawned != 0) {
    return {false,
            fmt::format("charts not rendered: cannot run {} ({})", python, std::strerror(spawned))};
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == 3) {
    return {false,
            "charts not rendered: matplotlib is missing (install it with "
            "`apt-get install python3-matplotlib`, then run bench report again)"};
  }
  if (code != 0) return {false, fmt::format("charts not rendered: {} exited {}", script, code)};
  return {true, ""};
}

}  // namespace claimbench
