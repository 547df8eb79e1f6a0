// The notes' index: machines, the verdict matrix (C++ / Go per machine), measured fidelity and
// the cross-CPU findings.
#include <fmt/format.h>

#include <algorithm>

#include "claimbench/present/labels.hpp"
#include "note_pages.hpp"

namespace claimbench::notes {
namespace {

// "HOLDS 3.08× / HOLDS 3.1×": C++ then Go; one side alone where only one was measured.
std::string matrix_cell(const ClaimResult& claim, const CheckResult& check) {
  const auto cpp = cpp_side(claim, check);
  const auto go = go_side(claim, check);
  if (cpp && go)
    return fmt::format("{} / {}", side_cell(check.kind, *cpp), side_cell(check.kind, *go));
  if (go) return "Go: " + side_cell(check.kind, *go);
  return side_cell(check.kind, *cpp);
}

struct Side {
  const char* name;
  std::optional<SideOutcome> (*of)(const ClaimResult&, const CheckResult&);
};
constexpr Side kSides[] = {{"C++", cpp_side}, {"Go", go_side}};

// One side of one check on every machine that judged it (SKIPPED left out).
struct Seen {
  const MachineResults* machine;
  SideOutcome outcome;
  CheckKind kind;
};

std::vector<Seen> seen_on(const std::vector<MachineResults>& machines, const std::string& claim_id,
                          const std::string& check_id, const Side& side) {
  std::vector<Seen> out;
  for (const auto& m : machines) {
    const LoadedClaim* loaded = m.claim(claim_id);
    const CheckResult* check = find_check(m, claim_id, check_id);
    if (loaded == nullptr || check == nullptr) continue;
    const auto outcome = side.of(loaded->result, *check);
    if (outcome && outcome->verdict != Verdict::skipped) out.push_back({&m, *outcome, check->kind});
  }
  return out;
}

std::string seen_text(const Seen& s) {
  return fmt::format("{} ({}) on {}", side_cell(s.kind, s.outcome), ci_text(s.outcome.ci),
                     s.machine->id);
}

// Checks whose verdict differs between machines, and those whose intervals do not all overlap
// (the lowest upper bound lies below the highest lower bound: the two machines named).
std::string cross_cpu_findings(const std::vector<MachineResults>& machines) {
  std::vector<std::string> verdicts;
  std::vector<std::string> intervals;
  for (const auto& id : all_claim_ids(machines)) {
    for (const auto& check_id : check_ids(machines, id)) {
      for (const auto& side : kSides) {
        const auto seen = seen_on(machines, id, check_id, side);
        if (seen.size() < 2) continue;
        const std::string what =
            fmt::format("[{}]({}.md) / `{}` ({})", id, id, check_id, side.name);
        if (std::any_of(seen.begin(), seen.end(), [&](const Seen& s) {
              return s.outcome.verdict != seen.front().outcome.verdict;
            })) {
          std::vector<std::string> parts;
          for (const auto& s : seen)
            parts.push_back(seen_text(s));
          verdicts.push_back(fmt::format("- {}: {}\n", what, fmt::join(parts, "; ")));
        }
        const Seen* low = nullptr;   // the interval with the lowest upper bound
        const Seen* high = nullptr;  // the interval with the highest lower bound
        for (const auto& s : seen) {
          if (!s.outcome.ci) continue;
          if (low == nullptr || s.outcome.ci->hi < low->outcome.ci->hi) low = &s;
          if (high == nullptr || s.outcome.ci->lo > high->outcome.ci->lo) high = &s;
        }
        if (low != nullptr && high != nullptr && low->outcome.ci->hi < high->outcome.ci->lo) {
          intervals.push_back(
              fmt::format("- {}: {} vs {}\n", what, seen_text(*low), seen_text(*high)));
        }
      }
    }
  }
  std::string out = "\n## Cross-CPU findings\n\n";
  if (machines.size() < 2) return out + "_One machine only: nothing to compare yet._\n";
  out += "Verdicts that differ between machines:\n\n";
  out += verdicts.empty() ? "- none\n" : fmt::format("{}", fmt::join(verdicts, ""));
  out += "\nRatios whose intervals do not overlap (lowest vs highest):\n\n";
  out += intervals.empty() ? "- none\n" : fmt::format("{}", fmt::join(intervals, ""));
  return out;
}

// Per claim, its class and the measured agreement with Go on each machine.
std::string fidelity_table(const std::vector<MachineResults>& machines) {
  std::string out =
      "\n## Fidelity, measured\n\nEach claim's class, and on each machine how many checks the "
      "analogue's verdict matches its Go twin's (of those both sides judged). A claim marked "
      "direct whose twin gives the opposite verdict is a **fidelity failure**.\n\n| claim | class "
      "|";
  for (const auto& m : machines)
    out += fmt::format(" [{}]({}) |", m.id, machine_page_name(m));
  out += "\n|---|---|";
  for (std::size_t i = 0; i < machines.size(); ++i)
    out += "---|";
  out += "\n";
  for (const auto& id : all_claim_ids(machines)) {
    std::string fidelity;
    std::string cells;
    for (const auto& m : machines) {
      const LoadedClaim* loaded = m.claim(id);
      if (loaded == nullptr) {
        cells += " – |";
        continue;
      }
      const ClaimResult& claim = loaded->result;
      if (fidelity.empty()) fidelity = claim.fidelity;
      if (is_go_only(claim)) {
        cells += " Go only |";
      } else if (fidelity_failure(claim)) {
        cells +=
            fmt::format(" {} **FIDELITY FAILURE** (`{}`) |", agreement_figure(agreement(claim)),
                        fmt::join(agreement(claim).opposite, "`, `"));
      } else {
        cells += fmt::format(" {} |", agreement_figure(agreement(claim)));
      }
    }
    out += fmt::format("| [{}]({}.md) | {} |{}\n", id, id, fidelity, cells);
  }
  return out;
}

}  // namespace

std::string index_page(const std::vector<MachineResults>& machines, const ChartRun& charts) {
  std::string index =
      "# claimbench study notes\n\nWhat Go interview claims do on real CPUs. Each "
      "row is one check of a claim, judged from paired rounds against thresholds "
      "fixed in the claim file before measuring; the number is the measured ratio "
      "(numerator / denominator).\n\n## Machines\n\n";
  for (const auto& m : machines) {
    index += fmt::format("- **[{}]({})** {}: {} (claimbench {}; {} result file{})\n", m.id,
                         machine_page_name(m), m.label, machine_summary(m.machine),
                         fmt::join(bench_versions(m), ", "), m.files.size(),
                         m.files.size() == 1 ? "" : "s");
  }
  index +=
      "\n## Verdicts\n\nA cell is `C++ / Go`: the analogue's verdict and ratio, then its Go "
      "twin's; one side alone where only one was measured (`Go:` for claims measured in Go "
      "only).\n\n| claim | class | check |";
  for (const auto& m : machines)
    index += fmt::format(" [{}]({}) |", m.id, machine_page_name(m));
  index += "\n|---|---|---|";
  for (std::size_t i = 0; i < machines.size(); ++i)
    index += "---|";
  index += "\n";
  for (const auto& id : all_claim_ids(machines)) {
    std::string fidelity;
    for (const auto& m : machines) {
      if (const LoadedClaim* c = m.claim(id); c != nullptr && fidelity.empty())
        fidelity = c->result.fidelity;
    }
    for (const auto& check_id : check_ids(machines, id)) {
      index += fmt::format("| [{}]({}.md) | {} | {} |", id, id, fidelity, check_id);
      for (const auto& m : machines) {
        const CheckResult* check = find_check(m, id, check_id);
        index += fmt::format(" {} |", check != nullptr ? matrix_cell(m.claim(id)->result, *check)
                                                       : std::string("–"));
      }
      index += "\n";
    }
  }
  index += "| **agreement with Go** | | |";
  for (const auto& m : machines) {
    Agreement total;
    for (const auto& c : m.claims)
      total += agreement(c.result);
    index += fmt::format(" **{}** |", agreement_figure(total));
  }
  index += "\n";
  index += fidelity_table(machines);
  index += cross_cpu_findings(machines);
  index += method_section();
  if (!charts.rendered) index += fmt::format("\n_{}_\n", charts.note);
  return index;
}

}  // namespace claimbench::notes
