#include "claimbench/measure/bench.hpp"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <array>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace claimbench {

int allowed_pus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return CPU_COUNT(&set);
}

std::size_t placement_pus(const RunConfig& config) {
  if (!config.pus.empty()) return config.pus.size();
  return static_cast<std::size_t>(allowed_pus());
}

int workers_for_cores(const RunConfig& config) {
  if (config.pus.empty()) return allowed_pus();
  int n = static_cast<int>(config.pus.size());
  if (config.topology != nullptr) n = std::min(n, static_cast<int>(config.topology->cores()));
  return std::max(n, 1);
}

std::size_t placement_pus() {
  const RunConfig* config = active_run_config();
  return config != nullptr ? placement_pus(*config) : static_cast<std::size_t>(allowed_pus());
}

int workers_for_cores() {
  const RunConfig* config = active_run_config();
  return config != nullptr ? workers_for_cores(*config) : allowed_pus();
}

int pin_extra_thread(std::size_t index) {
  const RunConfig* config = active_run_config();
  if (config == nullptr || config->topology == nullptr || config->pus.empty()) return -1;
  const unsigned pu = config->pus[index % config->pus.size()];
  return config->topology->bind_this_thread(pu) ? static_cast<int>(pu) : -1;
}

namespace {

// Family -> declared counters. Written only by static initialisers (declare_counters), read
// after main() starts: the same discipline as Google Benchmark's registry it sits beside.
std::map<std::string, std::vector<std::string>>& declared_counters() {
  static std::map<std::string, std::vector<std::string>> counters;
  return counters;
}

// Prints nothing; Google Benchmark's --benchmark_list_tests writes names to its output stream.
class ListReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

void set_list_flag(bool on) {
  std::string program = "bench";
  std::string flag = fmt::format("--benchmark_list_tests={}", on);
  std::array<char*, 3> argv = {program.data(), flag.data(), nullptr};
  int argc = 2;
  benchmark::Initialize(&argc, argv.data());
}

}  // namespace

bool register_variants(std::string_view family, std::initializer_list<Variant> variants,
                       void (*configure)(benchmark::internal::Benchmark*)) {
  for (const auto& variant : variants) {
    const std::string name = fmt::format("{}/{}", family, variant.name);
    auto* benchmark = benchmark::RegisterBenchmark(name.c_str(), variant.run);
    if (configure != nullptr) configure(benchmark);
  }
  return true;
}

bool declare_counters(std::string_view family, std::initializer_list<std::string_view> counters) {
  auto& list = declared_counters()[std::string(family)];
  for (auto counter : counters)
    list.emplace_back(counter);
  return true;
}

Registry built_registry() {
  Registry registry;
  ListReporter reporter;
  std::stringstream names;
  reporter.SetOutputStream(&names);
  set_list_flag(true);
  benchmark::RunSpecifiedBenchmarks(&reporter, ".");
  set_list_flag(false);
  for (std::string line; std::getline(names, line);) {
    if (!line.empty()) registry.benchmarks.push_back(line);
  }
  registry.counters = declared_counters();
  return registry;
}

Expected<Catalog> load_catalog(const std::filesystem::path& directory) {
  Registry registry = built_registry();
  // In the source tree the Go twins sit beside claims/; an install without them checks syntax.
  const auto go_dir = directory / ".." / "benchmarks" / "go";
  std::error_code ec;
  if (std::filesystem::is_directory(go_dir, ec)) registry.go_dir = go_dir;
  return load_catalog(directory, registry);
}

void sweep_threads(benchmark::internal::Benchmark* benchmark) {
  const int pus = allowed_pus();
  for (int threads = 1; threads < pus; threads *= 2)
    benchmark->Threads(threads);
  benchmark->Threads(pus);
  benchmark->UseRealTime();
}

BenchThread::BenchThread(benchmark::State& state, double ops_per_iteration)
    : state_(state), ops_per_iteration_(ops_per_iteration) {
  const RunConfig* config = active_run_config();
  if (config == nullptr) return;
  const auto index = static_cast<std::size_t>(state.thread_index());
  if (index >= config->pus.size()) {
    state.SkipWithError(
        fmt::format("thread {} has no PU: the placement has {}", index, config->pus.size())
            .c_str());
    return;
  }
  // Pin before anything else touches memory: first-touch puts pages on this PU's node.
  if (config->topology != nullptr) {
    auto bound = config->topology->bind_this_thread(config->pus[index]);
    if (!bound) {
      state.SkipWithError(bound.error().message.c_str());
      return;
    }
    pu_ = static_cast<int>(config->pus[index]);
  }
  auto group = CounterGroup::open_for_this_thread(config->events);
  if (!group) {
    state.SkipWithError(group.error().message.c_str());
    return;
  }
  group_ = std::move(*group);
}

BenchThread::Iterator BenchThread::end() {
  auto inner = state_.end();  // Google Benchmark's start barrier happens in here
  allocs_at_start_ = thread_alloc_count();
  group_.start();
  counting_ = true;
  return Iterator(inner, this);
}

void BenchThread::stop_counting() {
  if (!counting_) return;
  group_.stop();
  allocs_at_stop_ = thread_alloc_count();
  counting_ = false;
  totals_ = group_.read();
}

BenchThread::~BenchThread() {
  stop_counting();
  if (state_.error_occurred()) return;
  const auto iterations = static_cast<double>(state_.iterations());
  if (iterations <= 0) return;
  const int index = state_.thread_index();
  auto publish = [&](const std::string& name, double total) {
    // Summed over threads and divided by all threads' iterations: per iteration.
    state_.counters[name] = benchmark::Counter(total, benchmark::Counter::kAvgIterations);
    // One thread's own count per iteration; unique name, so the sum over threads is this value.
    state_.counters[fmt::format("t{}/{}", index, name)] = benchmark::Counter(total / iterations);
  };
  const RunConfig* config = active_run_config();
  if (config != nullptr) {
    for (std::size_t i = 0; i < totals_.size() && i < config->events.size(); ++i) {
      publish(config->events[i].name, totals_[i]);
    }
  }
  publish("allocs",
          static_cast<double>(allocs_at_stop_.allocations - allocs_at_start_.allocations));
  publish("alloc_bytes", static_cast<double>(allocs_at_stop_.bytes - allocs_at_start_.bytes));
  state_.counters[fmt::format("t{}/pu", index)] = benchmark::Counter(pu_);
  if (config != nullptr && config->topology != nullptr) {
    const auto seen = config->topology->this_thread_location();
    state_.counters[fmt::format("t{}/ran_on", index)] =
        benchmark::Counter(seen ? static_cast<double>(*seen) : -1.0);
  }
  state_.counters["ops_per_iter"] =
      benchmark::Counter(ops_per_iteration_, benchmark::Counter::kAvgThreads);
  state_.SetItemsProcessed(static_cast<int64_t>(iterations * ops_per_iteration_));
}

}  // namespace claimbench
