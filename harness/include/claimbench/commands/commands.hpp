#pragma once
/// The bench subcommands as functions: options in, exit status out (0 ran, 1 internal, 2 input,
/// 130 interrupted).

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
  std::optional<int> repetitions;    ///< base rounds (default 8; quick 6)
  std::optional<int> max_rounds;     ///< sequential round budget (default 32; quick 12)
  std::optional<double> extra_time;  ///< extra rounds' time as a fraction of the base's
  bool no_go = false;                ///< skip the Go twins on purpose
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
  bool latency = false;  ///< also measure and print the core-to-core round-trip matrix
};

struct ReportCommand {
  std::vector<std::filesystem::path> inputs;  ///< result files or folders of them
  std::filesystem::path out;
};

struct CompareCommand {
  std::vector<std::filesystem::path> inputs;
  std::optional<std::filesystem::path> markdown;   ///< also write the table as Markdown here
  std::optional<std::filesystem::path> chart_dir;  ///< also render the comparison chart here
};

struct ExportCommand {
  std::vector<std::filesystem::path> inputs;
  std::string format;                        ///< gobench, csv or markdown
  std::optional<std::filesystem::path> out;  ///< stdout when absent
};

/// The one path by which input errors reach the user: "bench: MESSAGE" on stderr, exit 2.
int usage_error(const std::string& message);

/// The catalog; with result files or folders, also each claim's measured agreement with Go per
/// machine (inputs are loaded and validated first, as for report).
int list_command(const GlobalOptions& global,
                 const std::vector<std::filesystem::path>& results = {});
int show_command(const GlobalOptions& global, const std::string& id);
int run_command(const GlobalOptions& global, const RunCommand& command);
int topology_command(const TopologyCommand& command);
int report_command(const ReportCommand& command);
int compare_command(const CompareCommand& command);
int export_command(const ExportCommand& command);

}  // namespace claimbench
