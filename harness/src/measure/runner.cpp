#include "claimbench/measure/runner.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <regex>
#include <set>
#include <sstream>

#include "claimbench/judge/sequential.hpp"
#include "claimbench/measure/bench.hpp"
#include "claimbench/measure/probe.hpp"
#include "claimbench/measure/rounds.hpp"
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

// One metric of a variant per round (index = round), NaN where it did not run.
std::vector<double> per_round(const VariantRun* variant, const std::string& metric, int rounds) {
  std::vector<double> values(static_cast<std::size_t>(std::max(rounds, 0)), std::nan(""));
  if (variant == nullptr) return values;
  for (const auto& rep : variant->repetitions) {
    if (rep.round >= 0 && rep.round < rounds) {
      values[static_cast<std::size_t>(rep.round)] = variant->metric(rep, metric);
    }
  }
  return values;
}

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// One side (C++ or Go) of one check: its variants, its plan, its latest judgement.
struct Side {
  std::size_t check = 0;
  bool go = false;
  std::size_t numerator = kNone;
  std::size_t denominator = kNone;  // kNone for absolute checks
  SequentialPlan plan;
  std::optional<CheckOutcome> outcome;  // set when skipped up front, then at each look
};

std::string variant_label(const VariantRun& variant) {
  return variant.go ? fmt::format("Go twin {} (GOMAXPROCS={})", variant.name, variant.threads)
                    : variant.name;
}

// Judges one side at one look; a side whose variant failed is SKIPPED with that variant's words.
CheckOutcome judge_side(const Claim& claim, const ClaimRun& run, const Side& side,
                        const Look& look) {
  const Check& check = claim.checks[side.check];
  const VariantRun* num = &run.variants[side.numerator];
  const VariantRun* den = side.denominator == kNone ? nullptr : &run.variants[side.denominator];
  for (const VariantRun* v : {num, den}) {
    if (v != nullptr && !v->skipped.empty()) {
      return skipped(check, fmt::format("{} did not run: {}", variant_label(*v), v->skipped));
    }
  }
  CheckSamples samples{
      per_round(num, check.metric, look.rounds),
      den != nullptr ? per_round(den, check.metric, look.rounds) : std::vector<double>{}};
  MechanismSamples mechanism;
  if (!check.mechanism.empty() && !side.go) {
    const auto& opened = run.counters.events;
    mechanism.available =
        den != nullptr && std::any_of(opened.begin(), opened.end(), [&](const EventSpec& e) {
          return e.name == check.mechanism;
        });
    if (mechanism.available) {
      mechanism.samples = {per_round(num, check.mechanism, look.rounds),
                           per_round(den, check.mechanism, look.rounds)};
    }
  }
  return judge(check, samples, claim.noise_limit, side.go ? nullptr : &mechanism, look);
}

bool settled(const CheckOutcome& outcome) {
  return outcome.verdict == Verdict::holds || outcome.verdict == Verdict::refuted ||
         outcome.verdict == Verdict::skipped;
}

// Measures one Go twin once, as its own process with GOMAXPROCS = its threads, pinned to the
// PUs the claim's C++ benchmarks use (`pus`): a C++ variant's extra threads (a channel's peer,
// pool workers) run on those PUs too, so a twin that sizes itself from its pinned PUs sees the
// same machine, while GOMAXPROCS bounds its Ps as the C++ thread count bounds its threads.
void measure_go(VariantRun& variant, const std::filesystem::path& binary,
                const std::vector<unsigned>& pus, const RunOptions& options, int round) {
  TwinRun twin;
  twin.bench = variant.name;
  for (unsigned pu : pus)
    twin.pus.push_back(static_cast<int>(pu));
  twin.gomaxprocs = variant.threads;
  twin.benchtime_s = options.min_time_s;
  twin.count = 1;
  twin.timeout = std::chrono::seconds(120);
  twin.stop = options.stop;
  auto result = run_twin(binary, twin);
  if (!result) {
    variant.skipped = result.error().message;
    return;
  }
  if (!result->skip_reason.empty()) {
    variant.skipped = fmt::format("the twin skipped itself: {}", result->skip_reason);
    return;
  }
  for (const auto& line : result->lines) {
    if (line.name == variant.name && line.procs == variant.threads) {
      variant.repetitions.push_back(go_repetition(line, round));
      return;
    }
  }
  variant.skipped = "no result line for it in the twin's output";
}

}  // namespace

double VariantRun::ops_per_iteration() const {
  if (repetitions.empty()) return 1.0;
  auto it = repetitions.front().counters.find("ops_per_iter");
  return it == repetitions.front().counters.end() || it->second <= 0 ? 1.0 : it->second;
}

double VariantRun::metric(const Repetition& rep, const std::string& metric_name) const {
  if (go) {
    auto it = rep.counters.find(go_unit(metric_name));
    return it == rep.counters.end() ? std::nan("") : it->second;
  }
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
    if (!variant.go && variant.name == name) return &variant;
  }
  return nullptr;
}

const VariantRun* ClaimRun::find_go(const std::string& twin, int procs) const {
  for (const auto& variant : variants) {
    if (variant.go && variant.name == twin && variant.threads == procs) return &variant;
  }
  return nullptr;
}

std::vector<std::string> explaining_counters(const ClaimRun& run) {
  std::vector<std::string> out = run.counters.opened_names();
  out.push_back("allocs");
  std::set<std::string> own;
  for (const auto& variant : run.variants) {
    if (variant.go) continue;  // Go units (ns/op, B/op, ...) are not the C++ table's columns
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
  const bool has_go = std::any_of(claim.checks.begin(), claim.checks.end(),
                                  [](const Check& c) { return c.go.has_value(); });
  const bool go_only = claim.benchmarks.empty();
  run.go_checks.resize(claim.checks.size());
  if (auto reason = cannot_run(claim, topology)) {
    run.skipped = true;
    run.skip_reason = *reason;
    for (std::size_t i = 0; i < claim.checks.size(); ++i) {
      const Check& check = claim.checks[i];
      run.checks.push_back(skipped(check, *reason));
      if (check.go)
        run.go_checks[i] =
            GoCheckRun{check.go->numerator, check.go->denominator, skipped(check, *reason)};
    }
    return run;
  }
  const LoadWatch load(first_pus(placement, static_cast<int>(placement.pus.size())));

  // One list of variants, C++ then Go, in the order every round walks (forward or reversed).
  if (!go_only) {
    for (const auto& name : list_benchmarks(claim.benchmarks)) {
      VariantRun variant;
      variant.name = name;
      variant.threads = threads_of(name);
      if (auto reason = cannot_place(placement, variant.threads)) variant.skipped = *reason;
      run.variants.push_back(std::move(variant));
    }
  }
  const bool go_on = has_go && options.go.enabled;
  const auto go_variant = [&](const std::string& twin, int procs) {
    for (std::size_t i = 0; i < run.variants.size(); ++i) {
      if (run.variants[i].go && run.variants[i].name == twin && run.variants[i].threads == procs)
        return i;
    }
    VariantRun variant;
    variant.name = twin;
    variant.threads = procs;
    variant.go = true;
    std::string no_binary;
    if (wants_race_build(twin)) {
      variant.skipped = "a -race build of the twins is not made by this runner yet";
    } else if (go_on && options.go.binary_for(claim.go_file, no_binary) == nullptr) {
      variant.skipped = no_binary;
    } else if (auto reason = cannot_place(placement, procs)) {
      variant.skipped = *reason;
    }
    run.variants.push_back(std::move(variant));
    return run.variants.size() - 1;
  };
  const auto cpp_variant = [&](const std::string& name) {
    for (std::size_t i = 0; i < run.variants.size(); ++i) {
      if (!run.variants[i].go && run.variants[i].name == name) return i;
    }
    return kNone;
  };

  const int base = std::max(options.repetitions, 1);
  const int max_rounds = std::max(options.max_rounds, base);
  std::vector<Side> sides;
  for (std::size_t i = 0; i < claim.checks.size(); ++i) {
    const Check& check = claim.checks[i];
    const bool absolute = check.kind == CheckKind::absolute;
    const auto plan = make_plan(base, max_rounds, plan_alpha_side(check));
    if (!go_only) {
      Side side{i,
                false,
                cpp_variant(check.numerator),
                absolute ? kNone : cpp_variant(check.denominator),
                plan,
                std::nullopt};
      if (side.numerator == kNone || (!absolute && side.denominator == kNone)) {
        const std::string& name = side.numerator == kNone ? check.numerator : check.denominator;
        side.outcome =
            skipped(check, fmt::format("the claim names benchmark '{}', which is not built", name));
        if (side.numerator == kNone) side.numerator = 0;  // never read: the side is settled
      }
      sides.push_back(std::move(side));
    }
    if (!check.go) continue;
    run.go_checks[i] = GoCheckRun{check.go->numerator, check.go->denominator, {}};
    if (!go_on) {
      run.go_checks[i]->outcome = skipped(check, options.go.skip_reason);
      continue;
    }
    sides.push_back(
        Side{i, true, go_variant(check.go->numerator, go_procs(check, true)),
             absolute ? kNone : go_variant(check.go->denominator, go_procs(check, false)), plan,
             std::nullopt});
  }

  int max_threads = 1;
  for (const auto& variant : run.variants) {
    if (variant.skipped.empty()) max_threads = std::max(max_threads, variant.threads);
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
  std::vector<SideTrack> tracks;
  for (const auto& side : sides) {
    SideTrack track;
    track.variants.push_back(side.numerator);
    if (side.denominator != kNone) track.variants.push_back(side.denominator);
    for (const auto& look : side.plan.looks)
      track.looks.push_back(look.rounds);
    track.decided = side.outcome.has_value();
    tracks.push_back(std::move(track));
  }
  // A twin runs on at least its own Ps' PUs and every PU of the claim's benchmark threads; with
  // `go_pus`, also on as many PUs as the C++ side's pools use (workers_for_cores, placement_pus
  // of this run's config), since such a twin sizes GOMAXPROCS from its PUs.
  const int pool_pus = claim.go_pus == Claim::GoPus::placement
                           ? static_cast<int>(placement_pus(config))
                       : claim.go_pus == Claim::GoPus::cores ? workers_for_cores(config)
                                                             : 0;
  const auto twin_pus = [&](const VariantRun& variant) {
    return first_pus(placement, std::max({used, variant.threads, pool_pus}));
  };
  const RoundsBudget budget{base, max_rounds, options.extra_time};
  RoundsHooks hooks;
  hooks.measure = [&](std::size_t v, int round) {
    VariantRun& variant = run.variants[v];
    if (!variant.skipped.empty()) return;
    if (variant.go) {
      std::string why;
      const auto* binary = options.go.binary_for(claim.go_file, why);
      if (binary == nullptr) {
        variant.skipped = why;
        return;
      }
      measure_go(variant, *binary, twin_pus(variant), options, round);
      run.go_ran = true;
      return;
    }
    benchmark::RunSpecifiedBenchmarks(&collector, exact_filter(variant.name));
    for (const auto& reported : collector.take()) {
      if (reported.error_occurred) {
        variant.skipped = reported.error_message;
        continue;
      }
      variant.repetitions.push_back(to_repetition(reported, round));
    }
  };
  hooks.look = [&](std::size_t s, int rounds) {
    const Look* look = sides[s].plan.at(rounds);
    if (look == nullptr) return false;
    sides[s].outcome = judge_side(claim, run, sides[s], *look);
    auto& outcome = *sides[s].outcome;
    if (settled(outcome)) return true;
    // Futility: an interval wholly between the bounds does not move out of the band as more
    // rounds narrow it, so the side stops here (INCONCLUSIVE, borderline) and its rounds go to
    // sides that can still be decided.
    if (outcome.futile && look != &sides[s].plan.looks.back()) {
      outcome.reason += "; stopped at this look: the whole interval lies between the bounds";
      return true;
    }
    return false;
  };
  hooks.stop = [&] { return options.stop != nullptr && options.stop->load(); };
  hooks.now = [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  hooks.progress = [&](int round, std::size_t count) {
    if (!options.progress) return;
    options.progress(round < base
                         ? fmt::format("{}: round {}/{}", claim.id, round + 1, base)
                         : fmt::format("{}: round {} (sequential, {} variants, at most {})",
                                       claim.id, round + 1, count, max_rounds));
  };
  RoundsOutcome rounds;
  {
    ScopedRunConfig active(config);
    rounds = run_rounds(run.variants.size(), tracks, budget, hooks);
  }
  run.interrupted = rounds.interrupted;
  run.rounds = rounds.rounds;
  if (contended) run.probe_after_ns = cache_line_transfer_ns(topology, pus[0], pus[1]);
  for (auto& variant : run.variants) {
    if (variant.repetitions.empty()) continue;
    if (variant.go) {
      int t = 0;
      // A twin that sizes itself from its PUs (go_pus) has a P on each.
      const auto places = pool_pus > 0 ? twin_pus(variant) : first_pus(placement, variant.threads);
      for (unsigned pu : places) {
        ThreadPlace place;
        place.thread = t++;
        place.pu = static_cast<int>(pu);
        // The process's affinity mask holds its threads to these PUs; which Go thread ran on
        // which of them is not observable from here, so the pinned PU stands for it.
        place.ran_on = place.pu;
        if (const Pu* p = topology.find_pu(pu)) {
          place.core = static_cast<int>(p->core);
          place.package = static_cast<int>(p->package);
        }
        variant.placement.push_back(place);
      }
    } else {
      variant.placement = thread_places(variant.repetitions.front(), variant.threads, topology);
    }
  }
  // A side no look reached (interrupted in the base rounds) is judged at the first look on
  // whatever rounds finished; look_interval keeps its error within that look's.
  for (auto& side : sides) {
    if (!side.outcome && !side.plan.looks.empty()) {
      side.outcome = judge_side(claim, run, side, side.plan.looks.front());
    }
  }
  run.checks.resize(claim.checks.size());
  for (const auto& side : sides) {
    const CheckOutcome outcome =
        side.outcome.value_or(skipped(claim.checks[side.check], "not run"));
    if (side.go) run.go_checks[side.check]->outcome = outcome;
    if (!side.go) run.checks[side.check] = outcome;
  }
  // A go-only claim's verdict is its Go side's (there is no C++ side); so is a skipped one's.
  if (go_only) {
    for (std::size_t i = 0; i < claim.checks.size(); ++i) {
      run.checks[i] = run.go_checks[i] ? run.go_checks[i]->outcome
                                       : skipped(claim.checks[i], "the check names no Go twin");
    }
  }
  run.load = load.report();
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return run;
}

std::vector<CheckOutcome> judge_checks(const Claim& claim, const ClaimRun& run) {
  std::vector<CheckOutcome> out;
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
