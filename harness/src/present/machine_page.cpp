// A machine's page of the study notes: what the CPU is, what could be counted, how its cores
// talked during the run.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "claimbench/present/labels.hpp"
#include "note_pages.hpp"

namespace claimbench::notes {
namespace {

std::string size_text(unsigned long long bytes) {
  return bytes >= (1ull << 20) ? fmt::format("{} MiB", bytes >> 20)
                               : fmt::format("{} KiB", bytes >> 10);
}

// Min and max of the claims' probe readings (one-way core-to-core ns), before or after.
std::string probe_range(const std::vector<double>& values) {
  if (values.empty()) return "–";
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return fmt::format("{} – {} ns (over {} claim{})", num(*lo), num(*hi), values.size(),
                     values.size() == 1 ? "" : "s");
}

}  // namespace

std::string machine_page_name(const MachineResults& machine) {
  return fmt::format("machine-{}.md", safe_file_stem(machine.id));
}

std::vector<std::string> bench_versions(const MachineResults& machine) {
  std::set<std::string> versions;
  for (const auto& loaded : machine.claims)
    versions.insert(loaded.claimbench_version.empty() ? "before 0.1" : loaded.claimbench_version);
  return {versions.begin(), versions.end()};
}

std::string machine_page(const MachineResults& m) {
  const Machine& c = m.machine;
  std::string page = fmt::format("# {}\n\n[← all claims](index.md)\n\n| | |\n|---|---|\n", m.label);
  page +=
      fmt::format("| CPU | {} ({}, family {} model {} stepping {}) |\n", c.cpu_model, c.cpu_vendor,
                  c.cpu_family, c.cpu_model_number, c.cpu_stepping.empty() ? "?" : c.cpu_stepping);
  page += fmt::format("| microarchitecture | {}{} |\n",
                      c.microarchitecture.empty() ? "unknown" : c.microarchitecture,
                      c.pmu.empty() ? "" : fmt::format(" (core PMU `{}`)", c.pmu));
  page += fmt::format("| topology | {} PUs / {} cores / {} package(s), SMT {} ({}) |\n", c.pus,
                      c.cores, c.packages, c.smt ? "yes" : "no", c.architecture);
  std::vector<std::string> caches;
  for (const auto& cache : c.caches) {
    caches.push_back(fmt::format("{} {} × {} ({} B lines)", cache.name, size_text(cache.size_bytes),
                                 cache.count, cache.line_bytes));
  }
  page += fmt::format("| caches | {} |\n",
                      caches.empty() ? "–" : fmt::format("{}", fmt::join(caches, "; ")));
  page += fmt::format("| virtualisation | {} |\n",
                      c.virtualised ? fmt::format("virtual machine {}", c.hypervisor_vendor)
                                    : std::string("bare metal"));
  page += fmt::format("| kernel, governor | {}, {} |\n", c.kernel, c.governor);
  page += fmt::format("| build | {}, {} build, `{}` |\n", c.compiler, c.build_type, c.cxx_flags);
  std::set<std::string> go_versions;
  for (const auto& loaded : m.claims) {
    if (loaded.go_version) go_versions.insert(*loaded.go_version);
  }
  page += fmt::format("| Go | {} |\n", go_versions.empty()
                                           ? "no Go side run"
                                           : fmt::format("{}", fmt::join(go_versions, ", ")));
  page += fmt::format("| claimbench | {} |\n", fmt::join(bench_versions(m), ", "));
  page += fmt::format("| claims measured | {} from {} result file{} |\n", m.claims.size(),
                      m.files.size(), m.files.size() == 1 ? "" : "s");

  // Counters: which events opened in every claim that asked, which never did and why.
  std::map<std::string, int> opened;
  std::map<std::string, std::string> unavailable;
  for (const auto& loaded : m.claims) {
    for (const auto& e : loaded.result.counters.opened)
      ++opened[e];
    for (const auto& u : loaded.result.counters.unavailable)
      unavailable.emplace(u.event, u.reason);
  }
  page += "\n## Counters available\n\n";
  if (opened.empty() && unavailable.empty()) page += "No claim asked for counters.\n";
  std::vector<std::string> names;
  for (const auto& [name, count] : opened)
    names.push_back(fmt::format("`{}`", name));
  if (!names.empty()) page += fmt::format("Opened: {}.\n", fmt::join(names, ", "));
  for (const auto& [event, reason] : unavailable) {
    if (opened.count(event) == 0) page += fmt::format("\n- `{}` not available: {}", event, reason);
  }
  if (!unavailable.empty()) page += "\n";

  // The core-to-core probe before and after each claim says whether the host moved the vCPUs
  // or the cores changed state during the run.
  std::vector<double> before;
  std::vector<double> after;
  for (const auto& loaded : m.claims) {
    if (loaded.result.probe_before_ns) before.push_back(*loaded.result.probe_before_ns);
    if (loaded.result.probe_after_ns) after.push_back(*loaded.result.probe_after_ns);
  }
  page += "\n## Core-to-core probe during the run\n\n";
  if (before.empty() && after.empty()) {
    page += "Not measured (every claim ran on one PU).\n";
  } else {
    page += fmt::format("One-way latency before a claim: {}; after: {}.\n", probe_range(before),
                        probe_range(after));
  }

  if (m.latency && !m.latency->pus.empty()) {
    const LatencyRecord& l = *m.latency;
    page += "\n## Core-to-core latency (CAS round trip, ns)\n\n| from \\ to |";
    for (int pu : l.pus)
      page += fmt::format(" PU{} |", pu);
    page += "\n|---|";
    for (std::size_t i = 0; i < l.pus.size(); ++i)
      page += "---|";
    page += "\n";
    for (std::size_t i = 0; i < l.pus.size() && i < l.round_trip_ns.size(); ++i) {
      page += fmt::format("| PU{} |", l.pus[i]);
      for (std::size_t j = 0; j < l.pus.size(); ++j) {
        const bool have = j < l.round_trip_ns[i].size();
        page += fmt::format(" {} |", have ? num(l.round_trip_ns[i][j]) : std::string("–"));
      }
      page += "\n";
    }
  }
  return page;
}

}  // namespace claimbench::notes
