#include "claimbench/measure/runner.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <regex>
#include <set>
#include <sstream>

#include "claimbench/measure/probe.hpp"
#include "claimbench/measure/run_config.hpp"

namespace claimbench {
namespace {

// Keeps every iteration run Google Benchmark reports; prints nothing.
class Collector : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (run.run_type == Run::RT_Iteration) runs_.push_back(run);
    }
  }
  std::vector<Run> take() { return std::exchange(runs_, {}); }

 private:
  std::vector<Run> runs_;
};

// Google Benchmark reads its settings from flags; Initialize is the public way to set them.
void set_benchmark_flags(std::vector<std::string> args) {
  args.insert(args.begin(), "bench");
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  benchmark::Initialize(&argc, argv.data());
}

std::string exact_filter(const std::string& name) {
  static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
  return "^" + std::regex_replace(name, special, R"(\$&)") + "$";
}

std::vector<ThreadPlace> thread_places(const Repetition& rep, int threads,
                                       const Topology& topology) {
  std::vector<ThreadPlace> out;
  for (int t = 0; t < threads; ++t) {
    ThreadPlace place;
    place.thread = t;
    auto get = [&](const std::string& key) {
      auto it = rep.counters.find(fmt::format("t{}/{}", t, key));
      return it == rep.counters.end() ? -1 : static_cast<int>(it->second);
    };
    place.pu = get("pu");
    place.ran_on = get("ran_on");
    if (place.pu >= 0) {
      if (const Pu* pu = topology.find_pu(static_cast<unsigned>(place.pu))) {
        place.core = static_cast<int>(pu->core);
        place.package = static_cast<int>(pu->package);
      }
    }
    out.push_back(place);
  }
  return out;
}

Repetition to_repetition(const benchmark::BenchmarkReporter::Run& run, int round) {
  Repetition rep;
  rep.round = round;
  rep.iterations = run.iterations;
  rep.real_time_s = run.real_accumulated_time;
  rep.cpu_time_s = run.cpu_accumulated_time;
  for (const auto& [name, counter] : run.counters)
    rep.counters[name] = counter.value;
  return rep;
}

}  // namespace

double VariantRun::ops_per_iteration() const {
  if (repetitions.empty()) return 1.0;
  auto it = repetitions.front().counters.find("ops_per_iter");
  return it == repetitions.front().counters.end() || it->second <= 0 ? 1.0 : it->second;
}

double VariantRun::metric(const Repetition& rep, const std::string& metric_name) const {
  const double ops = ops_per_iteration();
  if (metric_name == "ns_per_op") {
    // Iterations are summed over threads and time is per thread: wall time per operation of
    // the whole group, so 2 threads that scale perfectly halve it.
    return rep.iterations > 0 ? rep.real_time_s * 1e9 / static_cast<double>(rep.iterations) / ops
                              : std::nan("");
  }
  auto it = rep.counters.find(metric_name);
  return it == rep.counters.end() ? std::nan("") : it->second / ops;
}

const VariantRun* ClaimRun::find(const std::string& name) const {
  for (const auto& variant : variants) {
    if (variant.name == name) return &variant;
  }
  return nullptr;
}

std::vector<std::string> explaining_counters(const ClaimRun& run) {
  std::vector<std::string> out = run.counters.opened_names();
  out.push_back("allocs");
  std::set<std::string> own;
  for (const auto& variant : run.variants) {
    for (const auto& rep : variant.repetitions) {
      for (const auto& [name, value] : rep.counters) {
        // Per-thread values ("t0/pu"), bookkeeping and Google Benchmark's rates are not columns.
        if (name.find('/') != std::string::npos || name == "ops_per_iter" ||
            name == "items_per_second" || name == "alloc_bytes" ||
            std::find(out.begin(), out.end(), name) != out.end()) {
          continue;
        }
        own.insert(name);
      }
    }
  }
  out.insert(out.end(), own.begin(), own.end());
  return out;
}

std::vector<std::string> list_benchmarks(const std::string& filter) {
  // Google Benchmark reads an empty filter as "all": a go-only claim (no C++ benchmarks) would
  // run all ~260 of them, 88% of a quick suite's time, for checks that never read them.
  if (filter.empty()) return {};
  Collector collector;
  std::stringstream names;
  collector.SetOutputStream(&names);
  set_benchmark_flags({"--benchmark_list_tests=true"});
  benchmark::RunSpecifiedBenchmarks(&collector, filter);
  set_benchmark_flags({"--benchmark_list_tests=false"});
  std::vector<std::string> out;
  for (std::string line; std::getline(names, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

int threads_of(const std::string& name) {
  const auto at = name.find("/threads:");
  return at == std::string::npos ? 1 : std::stoi(name.substr(at + 9));
}

std::optional<std::string> cannot_run(const Claim& claim, const Topology& topology) {
  if (static_cast<int>(topology.cores()) < claim.requires_cores) {
    return fmt::format("needs {} cores; this machine has {}", claim.requires_cores,
                       topology.cores());
  }
  if (claim.requires_smt && !topology.has_smt()) {
    return std::string("needs SMT siblings; no core on this machine has two PUs");
  }
  return std::nullopt;
}

ClaimRun run_claim(const Claim& claim, const Topology& topology, const Placement& placement,
                   const RunOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ClaimRun run;
  run.claim = &claim;
  run.placement = placement;
  if (auto reason = cannot_run(claim, topology)) {
    run.skipped = true;
    run.skip_reason = *reason;
    for (const auto& check : claim.checks)
      run.checks.push_back(skipped(check, *reason));
    return run;
  }
  const LoadWatch load(first_pus(placement, static_cast<int>(placement.pus.size())));

  int max_threads = 1;
  for (const auto& name : list_benchmarks(claim.benchmarks)) {
    VariantRun variant;
    variant.name = name;
    variant.threads = threads_of(name);
    if (auto reason = cannot_place(placement, variant.threads)) variant.skipped = *reason;
    if (variant.skipped.empty()) max_threads = std::max(max_threads, variant.threads);
    run.variants.push_back(std::move(variant));
  }
  // Benchmark threads take the first PUs; threads a benchmark starts itself (owners, pool
  // workers) may take the rest, so the config carries the whole placement.
  const int used = std::max(max_threads, claim.requires_cores);
  const auto pus = first_pus(placement, used);
  run.shared_cache = topology.shared_cache(pus);
  run.counters = plan_counters(options.events.value_or(claim.events));

  RunConfig config{&topology, first_pus(placement, static_cast<int>(placement.pus.size())),
                   run.counters.events, options.children};
  const bool contended = used >= 2 && pus.size() >= 2;
  if (contended) run.probe_before_ns = cache_line_transfer_ns(topology, pus[0], pus[1]);

  set_benchmark_flags({fmt::format("--benchmark_min_time={}", options.min_time_s),
                       "--benchmark_repetitions=1",
                       "--benchmark_enable_random_interleaving=false"});
  Collector collector;
  {
    ScopedRunConfig active(config);
    // ABBA over rounds (forward, reverse, reverse, forward): any two benchmarks alternate which
    // runs first, so a linear drift of the machine hits both sides of a pair equally.
    for (int round = 0; round < options.repetitions && !run.interrupted; ++round) {
      if (options.progress) {
        options.progress(fmt::format("{}: round {}/{}", claim.id, round + 1, options.repetitions));
      }
      const bool forward = round % 4 == 0 || round % 4 == 3;
      const std::size_t n = run.variants.size();
      for (std::size_t k = 0; k < n; ++k) {
        if (options.stop != nullptr && options.stop->load()) {
          run.interrupted = true;
          break;
        }
        VariantRun& variant = run.variants[forward ? k : n - 1 - k];
        if (!variant.skipped.empty()) continue;
        benchmark::RunSpecifiedBenchmarks(&collector, exact_filter(variant.name));
        for (const auto& reported : collector.take()) {
          if (reported.error_occurred) {
            variant.skipped = reported.error_message;
            continue;
          }
          variant.repetitions.push_back(to_repetition(reported, round));
        }
      }
    }
  }
  if (contended) run.probe_after_ns = cache_line_transfer_ns(topology, pus[0], pus[1]);
  for (auto& variant : run.variants) {
    if (!variant.repetitions.empty()) {
      variant.placement = thread_places(variant.repetitions.front(), variant.threads, topology);
    }
  }
  run.checks = judge_checks(claim, run);
  run.load = load.report();
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return run;
}

std::vector<CheckOutcome> judge_checks(const Claim& claim, const ClaimRun& run) {
  std::vector<CheckOutcome> out;
  const auto per_round = [&](const VariantRun* variant, const std::string& metric, int rounds) {
    std::vector<double> values(static_cast<std::size_t>(rounds), std::nan(""));
    if (variant == nullptr) return values;
    for (const auto& rep : variant->repetitions) {
      if (rep.round >= 0 && rep.round < rounds) {
        values[static_cast<std::size_t>(rep.round)] = variant->metric(rep, metric);
      }
    }
    return values;
  };
  int rounds = 0;
  for (const auto& variant : run.variants) {
    for (const auto& rep : variant.repetitions)
      rounds = std::max(rounds, rep.round + 1);
  }
  for (const auto& check : claim.checks) {
    if (run.skipped) {
      out.push_back(skipped(check, run.skip_reason));
      continue;
    }
    std::vector<const VariantRun*> sides = {run.find(check.numerator)};
    if (check.kind != CheckKind::absolute) sides.push_back(run.find(check.denominator));
    std::string why;
    for (std::size_t i = 0; i < sides.size() && why.empty(); ++i) {
      const std::string& name = i == 0 ? check.numerator : check.denominator;
      if (sides[i] == nullptr) {
        why = fmt::format("the claim names benchmark '{}', which is not built", name);
      } else if (!sides[i]->skipped.empty()) {
        why = fmt::format("{} did not run: {}", name, sides[i]->skipped);
      }
    }
    if (!why.empty()) {
      out.push_back(skipped(check, why));
      continue;
    }
    CheckSamples samples{
        per_round(sides[0], check.metric, rounds),
        sides.size() > 1 ? per_round(sides[1], check.metric, rounds) : std::vector<double>{}};
    MechanismSamples mechanism;
    if (!check.mechanism.empty()) {
      const auto& opened = run.counters.events;
      mechanism.available = std::any_of(opened.begin(), opened.end(), [&](const EventSpec& e) {
        return e.name == check.mechanism;
      });
      if (mechanism.available && sides.size() > 1) {
        mechanism.samples = {per_round(sides[0], check.mechanism, rounds),
                             per_round(sides[1], check.mechanism, rounds)};
      } else {
        mechanism.available = false;
      }
    }
    out.push_back(judge(check, samples, claim.noise_limit, &mechanism));
  }
  return out;
}

}  // namespace claimbench
