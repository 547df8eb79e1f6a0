#pragma once
/// The bench subcommands as functions: options in, exit status out (0 ran, 1 internal, 2 input).

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace claimbench {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitUsage = 2;

struct GlobalOptions {
  std::filesystem::path claims_dir;  ///< where claims/*.toml live
};

struct RunCommand {
  std::vector<std::string> claims;  ///< ids; empty with all = true
  bool all = false;
  bool quick = false;
  std::optional<int> repetitions;
  std::optional<double> min_time_s;
  std::optional<std::string> cpus;
  std::optional<std::string> placement;
  std::optional<std::string> events;  ///< comma-separated
  std::filesystem::path out = "results";
  std::string command_line;
  const std::atomic<bool>* stop = nullptr;
};

struct TopologyCommand {
  std::optional<std::string> xml;
  std::optional<std::string> cpus;
  std::optional<std::string> placement;
};

int list_command(const GlobalOptions& global);
int show_command(const GlobalOptions& global, const std::string& id);
int run_command(const GlobalOptions& global, const RunCommand& command);
int topology_command(const TopologyCommand& command);

}  // namespace claimbench
