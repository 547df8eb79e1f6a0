// bench: the claimbench command line. Parses, calls the harness, returns its exit status.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "claimbench/commands/commands.hpp"
#include "claimbench/commands/paths.hpp"
#include "claimbench/commands/version.hpp"

namespace {

std::atomic<bool> stop_requested{false};

// First Ctrl-C (or SIGTERM): stop. The run command's watchdog gives the benchmark in flight
// 0.8 s, then saves what finished and exits 130. Second: the default action, at once. Only an
// atomic store here: nothing else is async-signal-safe enough for a handler.
void on_interrupt(int) {
  stop_requested.store(true);
}

struct Subcommand {
  const char* name;
  const char* help;
  std::function<void(CLI::App&)> define;
  std::function<int()> handler;
};

// The command as the user typed it, for the result: the program by its name ("bench", not
// /home/.../build/release/bench) and absolute paths reduced to their last component.
std::string recorded_command(const std::vector<std::string>& args) {
  std::string out = args.empty() ? "bench" : std::filesystem::path(args[0]).filename().string();
  for (std::size_t i = 1; i < args.size(); ++i)
    out += " " + claimbench::redact_path(args[i]);
  return out;
}

// Global options that take a value, to step over when looking for the subcommand.
bool global_option_with_value(const std::string& arg) {
  return arg == "--claims-dir";
}

// Where the subcommand should stand: the first argument after the global options.
std::size_t subcommand_position(const std::vector<std::string>& args) {
  std::size_t i = 1;
  while (i < args.size()) {
    if (global_option_with_value(args[i])) {
      i += 2;
    } else if (args[i].rfind("--claims-dir=", 0) == 0) {
      i += 1;
    } else {
      break;
    }
  }
  return i;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace claimbench;
  std::vector<std::string> args(argv, argv + argc);

  GlobalOptions global;
  global.claims_dir = default_claims_dir();
  std::string claims_dir = global.claims_dir.string();
  std::string show_id;
  std::vector<std::filesystem::path> list_results;
  RunCommand run;
  run.command_line = recorded_command(args);
  run.stop = &stop_requested;
  TopologyCommand topology;
  ReportCommand report;
  CompareCommand compare;
  ExportCommand exporting;

  const std::vector<Subcommand> table = {
      {"list", "Every claim: id, section, fidelity, encoded or not",
       [&](CLI::App& app) {
         app.add_option("--results", list_results,
                        "result files or folders: also show each claim's agreement with Go");
       },
       [&] { return list_command(global, list_results); }},
      {"show", "A claim: its statement, sources, analogue and checks",
       [&](CLI::App& app) { app.add_option("id", show_id, "claim id")->required(); },
       [&] { return show_command(global, show_id); }},
      {"run", "Run claims here: pinned, counted, judged, saved",
       [&](CLI::App& app) {
         app.add_option("--claim", run.claims, "claim id (repeatable)");
         app.add_flag("--all", run.all, "every encoded claim");
         app.add_flag("--quick", run.quick,
                      "6 base rounds (at most 12) of 0.01 s: a fast, rougher answer");
         app.add_option("--repetitions", run.repetitions, "base paired rounds (default 8)");
         app.add_option("--max-rounds", run.max_rounds,
                        "rounds in all, while checks are undecided (default 32)");
         app.add_option(
             "--extra-time", run.extra_time,
             "time for rounds after the base, as a fraction of the base's (default 1)");
         app.add_flag("--no-go", run.no_go, "do not run the Go twins");
         app.add_option("--min-time", run.min_time_s, "seconds per repetition (default 0.05)");
         app.add_option("--cpus", run.cpus, "explicit PU list, e.g. 0,2 or 0-3");
         app.add_option("--placement", run.placement, "spread (default), compact or siblings");
         app.add_option("--events", run.events, "comma-separated events, e.g. cycles,page-faults");
         app.add_option("--out", run.out, "directory for the result JSON (default results/)");
       },
       [&] { return run_command(global, run); }},
      {"topology", "What hwloc sees here, and where threads would be placed",
       [&](CLI::App& app) {
         app.add_option("--xml", topology.xml, "read an hwloc XML topology instead");
         app.add_option("--cpus", topology.cpus, "explicit PU list");
         app.add_option("--placement", topology.placement, "spread, compact or siblings");
         app.add_flag("--latency", topology.latency,
                      "also measure the core-to-core round trip between every pair of PUs");
       },
       [&] { return topology_command(topology); }},
      {"report", "Markdown study notes with charts from result files",
       [&](CLI::App& app) {
         app.add_option("results", report.inputs, "result files or folders")->required();
         app.add_option("-o,--out", report.out, "directory for the notes")->required();
       },
       [&] { return report_command(report); }},
      {"compare", "The same claims on different machines, side by side",
       [&](CLI::App& app) {
         app.add_option("results", compare.inputs, "result files or folders")->required();
         app.add_option("--markdown", compare.markdown, "also write the table as Markdown");
         app.add_option("--chart", compare.chart_dir, "also render the chart into this directory");
       },
       [&] { return compare_command(compare); }},
      {"export", "Result files as Go benchmark text (benchstat), CSV or Markdown tables",
       [&](CLI::App& app) {
         app.add_option("results", exporting.inputs, "result files or folders")->required();
         app.add_option("--format", exporting.format,
                        "gobench (one line per repetition, for benchstat), csv (a repetitions "
                        "section, an empty line, a checks section) or markdown")
             ->required();
         app.add_option("-o,--out", exporting.out, "write to this file (default: stdout)");
       },
       [&] { return export_command(exporting); }},
  };

  // "bench [global options] --claim X" is sugar for "bench [global options] run --claim X";
  // a word where the subcommand stands must be one of the table's.
  const std::size_t at = subcommand_position(args);
  if (at < args.size()) {
    const std::string& word = args[at];
    const bool help = word == "--help" || word == "-h" || word == "--version";
    if (word.rfind("-", 0) == 0 && !help) {
      args.insert(args.begin() + static_cast<std::ptrdiff_t>(at), "run");
    } else if (word.rfind("-", 0) != 0 &&
               std::none_of(table.begin(), table.end(),
                            [&](const Subcommand& row) { return word == row.name; })) {
      std::string names;
      for (const auto& row : table)
        names += (names.empty() ? "" : ", ") + std::string(row.name);
      std::fprintf(stderr,
                   "bench: unknown subcommand '%s' (one of: %s; 'bench --help' says more)\n",
                   word.c_str(), names.c_str());
      return kExitUsage;
    }
  }

  CLI::App app{"claimbench: checks Go interview performance claims on this machine"};
  app.set_version_flag("--version", "claimbench " + std::string(version()));
  app.add_option("--claims-dir", claims_dir, "directory of claim TOML files");
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, const Subcommand*>> subcommands;
  for (const auto& row : table) {
    CLI::App* sub = app.add_subcommand(row.name, row.help);
    row.define(*sub);
    subcommands.emplace_back(sub, &row);
  }
  std::vector<char*> argv2;
  for (auto& arg : args)
    argv2.push_back(arg.data());
  try {
    app.parse(static_cast<int>(argv2.size()), argv2.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  global.claims_dir = claims_dir;

  // SIGTERM is an interrupt too (a service manager, `timeout`, a CI runner). SA_RESTART: a
  // benchmark's read or wait is resumed, not failed with EINTR, when the handler runs.
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  for (const auto& [sub, row] : subcommands) {
    if (sub->parsed()) return row->handler();
  }
  return kExitUsage;
}
