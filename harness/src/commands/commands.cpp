// list, show, topology and run: the subcommands that read claims and measure.
#include "claimbench/commands/commands.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/commands/paths.hpp"
#include "claimbench/commands/run_guard.hpp"
#include "claimbench/commands/version.hpp"
#include "claimbench/judge/summarise.hpp"
#include "claimbench/measure/counters.hpp"
#include "claimbench/measure/go_side.hpp"
#include "claimbench/measure/native_events.hpp"
#include "claimbench/measure/placement.hpp"
#include "claimbench/measure/probe.hpp"
#include "claimbench/measure/runner.hpp"
#include "claimbench/measure/topology.hpp"
#include "claimbench/present/console.hpp"
#include "claimbench/store/machine.hpp"
#include "claimbench/store/machine_paths.hpp"
#include "claimbench/store/result.hpp"

namespace claimbench {
namespace {

// The longest --min-time accepted, in seconds (see run_command).
constexpr double kMaxMinTimeS = 3600;

Expected<Catalog> catalog_or_error(const GlobalOptions& global) {
  return load_catalog(global.claims_dir);
}

std::string unknown_claim_message(const Catalog& catalog, const std::string& id) {
  std::vector<std::string> ids;
  for (const auto& entry : catalog.index)
    ids.push_back(entry.id);
  const auto near = nearest_ids(ids, id);
  std::string message = fmt::format("unknown claim '{}'", id);
  if (!near.empty()) message += fmt::format("; did you mean: {}?", fmt::join(near, ", "));
  return message + " ('bench list' shows every claim)";
}

Expected<Placement> choose_placement(const Topology& topology,
                                     const std::optional<std::string>& cpus,
                                     const std::optional<std::string>& policy) {
  if (cpus) {
    if (policy) return fail("give --cpus or --placement, not both");
    return place_list(topology, *cpus);
  }
  auto parsed = parse_policy(policy.value_or("spread"));
  if (!parsed) return std::unexpected(parsed.error());
  return place(topology, *parsed);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Which of a claim's hardware events have no native encoding on the PMU models the native
// table covers (there the kernel's generic event would count instead).
std::string event_coverage_text(const std::vector<std::string>& events) {
  const auto gaps = native_event_gaps(events);
  if (events.empty()) return {};
  const std::string pmus = fmt::format("{}", fmt::join(native_event_pmus(), ", "));
  if (gaps.empty()) return fmt::format("\nevents: every one encodes natively on {}\n", pmus);
  std::string out = fmt::format("\nevents without a native encoding (checked on {}):\n", pmus);
  for (const auto& event : events) {
    std::vector<std::string> on;
    for (const auto& gap : gaps) {
      if (gap.event == event) on.push_back(gap.pmu);
    }
    if (!on.empty())
      out += fmt::format("  {} cannot be encoded on {}\n", event, fmt::join(on, ", "));
  }
  return out;
}

std::string result_stem(const Machine& machine) {
  std::string stamp = utc_now_iso();  // 2026-11-23T19:08:24Z -> 20261123T190824Z
  std::erase(stamp, '-');
  std::erase(stamp, ':');
  return fmt::format("{}-{}", stamp, machine.id);
}

// "42s", "5m12s", "1h02m": short enough for a progress line.
std::string duration_text(double seconds) {
  const auto s = static_cast<long>(std::lround(std::max(0.0, seconds)));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

// The progress line before claim `index`: with 2+ claims and at least one done, the time spent
// and an ETA from the mean wall time of the claims done so far (claims differ tenfold, so it is
// a rough guide that sharpens as the run goes).
std::string progress_line(std::size_t index, std::size_t total, const std::string& id,
                          double spent_s) {
  std::string line = fmt::format("[{}/{}] {}", index + 1, total, id);
  if (total >= 2 && index > 0) {
    const double left = spent_s / static_cast<double>(index) * static_cast<double>(total - index);
    line +=
        fmt::format("  ({} so far, about {} left)", duration_text(spent_s), duration_text(left));
  }
  return line;
}

LatencyRecord latency_record(const LatencyMatrix& matrix) {
  LatencyRecord out;
  for (const unsigned pu : matrix.pus)
    out.pus.push_back(static_cast<int>(pu));
  out.round_trip_ns = matrix.round_trip_ns;
  return out;
}

std::vector<unsigned> placement_pus(const Placement& placement) {
  std::vector<unsigned> out;
  for (const auto& pu : placement.pus)
    out.push_back(pu.os_index);
  return out;
}

// A failed write keeps the last complete result, or removes the placeholder when no claim had
// been saved yet; either way the user reads the errno text and where things stand.
int write_failed(const RunGuard& guard, const ResultWriter& writer, const std::string& why) {
  if (guard.saved_any()) {
    std::fprintf(stderr, "bench: %s; the last complete result stays in %s\n", why.c_str(),
                 writer.path().c_str());
  } else {
    writer.discard();
    std::fprintf(stderr, "bench: %s; no claim had been saved, so nothing was kept\n", why.c_str());
  }
  return kExitInternal;
}

}  // namespace

int usage_error(const std::string& message) {
  std::fprintf(stderr, "bench: %s\n", message.c_str());
  return kExitUsage;
}

int show_command(const GlobalOptions& global, const std::string& id) {
  auto catalog = catalog_or_error(global);
  if (!catalog) return usage_error(catalog.error().message);
  const Claim* claim = catalog->find(id);
  if (claim == nullptr) {
    const bool listed = std::any_of(catalog->index.begin(), catalog->index.end(),
                                    [&](const CatalogEntry& e) { return e.id == id; });
    if (listed) return usage_error(fmt::format("claim '{}' is catalogued but not encoded yet", id));
    return usage_error(unknown_claim_message(*catalog, id));
  }
  std::fputs(render_claim_text(*claim).c_str(), stdout);
  std::fputs(event_coverage_text(claim->events).c_str(), stdout);
  return kExitOk;
}

int topology_command(const TopologyCommand& command) {
  if (command.latency && command.xml) {
    return usage_error("--latency measures this machine; it cannot be combined with --xml");
  }
  auto topology = command.xml ? Topology::from_xml(*command.xml) : Topology::this_machine();
  if (!topology) return usage_error(topology.error().message);
  auto placement = choose_placement(*topology, command.cpus, command.placement);
  if (!placement) return usage_error(placement.error().message);
  const Machine machine = describe_machine(*topology);
  std::fputs(render_machine(machine, style_for_stdout()).c_str(), stdout);
  std::fputs(render_topology(*topology, *placement).c_str(), stdout);
  if (command.latency) {
    // Every PU this process may use, or the ones --cpus names.
    const auto matrix = measure_latency_matrix(
        *topology, command.cpus ? placement_pus(*placement) : std::vector<unsigned>{});
    std::fputs(
        "\ncore-to-core round trip, ns (CAS ping-pong, minimum over samples; row pings "
        "column):\n",
        stdout);
    std::fputs(latency_matrix_text(matrix).c_str(), stdout);
  }
  return kExitOk;
}

int run_command(const GlobalOptions& global, const RunCommand& command) {
  // Everything the user typed is checked before a single benchmark runs.
  auto catalog = catalog_or_error(global);
  if (!catalog) return usage_error(catalog.error().message);
  std::vector<const Claim*> selected;
  if (command.all) {
    if (!command.claims.empty()) return usage_error("give --claim ID or --all, not both");
    for (const auto& claim : catalog->claims)
      selected.push_back(&claim);
  } else {
    if (command.claims.empty()) return usage_error("say which claims: --claim ID or --all");
    for (const auto& id : command.claims) {
      const Claim* claim = catalog->find(id);
      if (claim == nullptr) return usage_error(unknown_claim_message(*catalog, id));
      selected.push_back(claim);
    }
  }
  auto topology = Topology::this_machine();
  if (!topology) return usage_error(topology.error().message);
  auto placement = choose_placement(*topology, command.cpus, command.placement);
  if (!placement) return usage_error(placement.error().message);

  RunOptions options;
  options.repetitions = command.repetitions.value_or(command.quick ? kMinPairs : 8);
  options.max_rounds = command.max_rounds.value_or(command.quick ? 12 : 32);
  options.extra_time = command.extra_time.value_or(1.0);
  options.min_time_s = command.min_time_s.value_or(command.quick ? 0.01 : 0.05);
  if (options.repetitions < 1) return usage_error("--repetitions must be at least 1");
  if (command.max_rounds && *command.max_rounds < options.repetitions) {
    return usage_error(fmt::format("--max-rounds {} is below the base rounds ({}, --repetitions)",
                                   *command.max_rounds, options.repetitions));
  }
  options.max_rounds = std::max(options.max_rounds, options.repetitions);
  if (!std::isfinite(options.extra_time) || options.extra_time < 0 || options.extra_time > 100) {
    return usage_error(fmt::format(
        "--extra-time must be a fraction of the base rounds' time from 0 to 100, got {}",
        options.extra_time));
  }
  // inf or nan would make Google Benchmark spin forever; an hour per repetition is already
  // beyond any claim here, so larger values are typos, refused the same way.
  if (!std::isfinite(options.min_time_s) || options.min_time_s <= 0 ||
      options.min_time_s > kMaxMinTimeS) {
    return usage_error(fmt::format(
        "--min-time must be a finite number of seconds above 0 and at most {:g}, got {}",
        kMaxMinTimeS, command.min_time_s ? fmt::format("{}", *command.min_time_s) : "?"));
  }
  if (options.repetitions < kMinPairs) {
    std::fprintf(stderr,
                 "bench: warning: --repetitions %d is below %d, the fewest paired rounds the "
                 "statistics can judge; a check is decided only if sequential rounds (up to "
                 "--max-rounds) reach a later look\n",
                 options.repetitions, kMinPairs);
  }
  if (command.events) {
    options.events = split_list(*command.events);
    if (options.events->empty()) return usage_error("--events is empty");
    for (const auto& name : *options.events) {
      if (auto spec = encode_event(name); !spec) return usage_error(spec.error().message);
    }
  }
  options.stop = command.stop;
  const bool tty = isatty(STDERR_FILENO) == 1;
  options.progress = [tty](const std::string& message) {
    if (tty) std::fprintf(stderr, "\r\033[K  %s", message.c_str());
  };

  // The twins are built once per run, before any claim: a cached build costs a hash of sources.
  const bool any_go = std::any_of(selected.begin(), selected.end(), [](const Claim* claim) {
    return std::any_of(claim->checks.begin(), claim->checks.end(),
                       [](const Check& check) { return check.go.has_value(); });
  });
  if (command.no_go) {
    options.go.skip_reason = "Go twins skipped on request (--no-go)";
  } else if (any_go) {
    if (tty) std::fputs("  building the Go twins...", stderr);
    std::vector<std::string> sub_packages;
    for (const Claim* claim : selected)
      sub_packages.push_back(go_package_of(claim->go_file));
    options.go = prepare_go(go_module_dir(), go_build_dir(), sub_packages);
    if (tty) std::fputs("\r\033[K", stderr);
    if (!options.go.enabled)
      std::fprintf(stderr, "bench: Go side skipped: %s\n", options.go.skip_reason.c_str());
  }

  RunRecord record;
  record.created_utc = utc_now_iso();
  record.command = command.command_line;
  record.claimbench_version = std::string(version());
  record.options = {options.repetitions, options.min_time_s, options.max_rounds, options.go.enabled,
                    options.extra_time};
  if (options.go.enabled) record.go_version = options.go.version;
  record.machine = describe_machine(*topology);
  auto writer = ResultWriter::create(command.out, result_stem(record.machine));
  if (!writer) return usage_error(writer.error().message);
  RunGuard guard(command.stop, *writer, selected, *placement, record);
  options.children = &guard.children();

  const Style style = style_for_stdout();
  std::fputs(render_machine(record.machine, style).c_str(), stdout);
  // What a cache-line transfer costs between the PUs this run may use, once, for readers of the
  // contended claims; milliseconds on 2 PUs, a few seconds on 16.
  if (placement->pus.size() >= 2) {
    record.latency = latency_record(measure_latency_matrix(*topology, placement_pus(*placement)));
    guard.remember(record);
  }
  std::fflush(stdout);
  const auto stopped = [&] { return command.stop != nullptr && command.stop->load(); };
  double spent_s = 0;
  for (std::size_t i = 0; i < selected.size() && !stopped(); ++i) {
    std::fprintf(stderr, "%s%s\n", tty ? "\r\033[K" : "",
                 progress_line(i, selected.size(), selected[i]->id, spent_s).c_str());
    guard.starting(i);
    const auto started = std::chrono::steady_clock::now();
    record.claims.push_back(summarise(run_claim(*selected[i], *topology, *placement, options)));
    spent_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ClaimResult& done = record.claims.back();
    if (done.status == ClaimStatus::interrupted && done.reason.empty())
      done.reason = kStoppedInRounds;
    if (tty) std::fputs("\r\033[K", stderr);
    std::fputs(render_claim(done, style).c_str(), stdout);
    std::fflush(stdout);
    strip_machine_paths(done);  // the console showed them; the shared file does not keep them
    if (auto ok = guard.save(record); !ok) {
      guard.finishing();
      return write_failed(guard, *writer, ok.error().message);
    }
  }
  guard.finishing();
  for (std::size_t i = record.claims.size(); i < selected.size(); ++i)
    record.claims.push_back(unfinished_claim(*selected[i], *placement, kNotStarted));
  const bool interrupted =
      std::any_of(record.claims.begin(), record.claims.end(),
                  [](const ClaimResult& c) { return c.status == ClaimStatus::interrupted; });
  record.complete = !interrupted;
  if (selected.size() > 1) std::fputs(render_summary(record.claims, style).c_str(), stdout);
  if (auto ok = guard.save(record); !ok) return write_failed(guard, *writer, ok.error().message);
  std::printf("\n%s %s\n", interrupted ? "interrupted; kept what finished in" : "saved",
              writer->path().c_str());
  if (selected.size() > 1)
    std::printf("%zu claims in %s\n", selected.size(), duration_text(spent_s).c_str());
  return interrupted ? kExitInterrupted : kExitOk;
}

}  // namespace claimbench
