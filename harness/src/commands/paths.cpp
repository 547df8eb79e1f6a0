// Finding claims/, scripts/charts.py and benchmarks/go relative to the running executable.
#include "claimbench/commands/paths.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>

#ifndef CLAIMBENCH_DATA_RELATIVE
#define CLAIMBENCH_DATA_RELATIVE "../share/claimbench"
#endif

namespace claimbench {
namespace {

namespace fs = std::filesystem;

std::optional<fs::path> env_path(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return fs::path(value);
}

// A build tree: CMakeCache.txt in the executable's folder or up to two above it (the unit tests
// live in build/<preset>/tests/), naming the source directory it was configured from.
std::optional<fs::path> source_dir_of_build_tree(const fs::path& exe_dir) {
  fs::path dir = exe_dir;
  for (int level = 0; level < 3 && !dir.empty(); ++level, dir = dir.parent_path()) {
    std::ifstream cache(dir / "CMakeCache.txt");
    const std::string key = "claimbench_SOURCE_DIR:STATIC=";
    for (std::string line; std::getline(cache, line);) {
      if (line.rfind(key, 0) == 0) return fs::path(line.substr(key.size()));
    }
    if (dir == dir.parent_path()) break;
  }
  return std::nullopt;
}

// The first existing `relative` under: the installed data directory, the build tree's sources.
std::optional<fs::path> find_data(const fs::path& relative) {
  const fs::path exe_dir = executable_dir();
  if (exe_dir.empty()) return std::nullopt;
  std::error_code ec;
  const fs::path installed = exe_dir / CLAIMBENCH_DATA_RELATIVE / relative;
  if (fs::exists(installed, ec)) return installed.lexically_normal();
  if (auto source = source_dir_of_build_tree(exe_dir)) {
    if (fs::exists(*source / relative, ec)) return *source / relative;
  }
  return std::nullopt;
}

}  // namespace

fs::path executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

fs::path default_claims_dir() {
  if (auto env = env_path("CLAIMBENCH_CLAIMS")) return *env;
  return find_data("claims").value_or("claims");
}

fs::path charts_script() {
  if (auto env = env_path("CLAIMBENCH_CHARTS")) return *env;
  return find_data(fs::path("scripts") / "charts.py").value_or(fs::path("scripts") / "charts.py");
}

fs::path go_module_dir() {
  if (auto env = env_path("CLAIMBENCH_GO_MODULE")) return *env;
  return find_data(fs::path("benchmarks") / "go").value_or(fs::path("benchmarks") / "go");
}

fs::path go_build_dir() {
  const fs::path exe_dir = executable_dir();
  if (!exe_dir.empty() && access(exe_dir.c_str(), W_OK) == 0) return exe_dir;
  if (auto cache = env_path("XDG_CACHE_HOME")) return *cache / "claimbench";
  if (auto home = env_path("HOME")) return *home / ".cache" / "claimbench";
  return fs::temp_directory_path() / "claimbench";
}

std::string redact_path(const std::string& argument) {
  const auto equals = argument.find('=');
  if (argument.rfind("--", 0) == 0 && equals != std::string::npos) {
    return argument.substr(0, equals + 1) + redact_path(argument.substr(equals + 1));
  }
  if (argument.empty() || argument.front() != '/') return argument;
  const fs::path path = fs::path(argument).lexically_normal();
  const std::string last =
      path.has_filename() ? path.filename().string() : path.parent_path().filename().string();
  return last.empty() ? "/" : "…/" + last;
}

}  // namespace claimbench
