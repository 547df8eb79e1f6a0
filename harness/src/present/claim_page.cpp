// One claim's page of the study notes: the claim, both sides' results per machine, what it means.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "claimbench/present/chart_specs.hpp"
#include "claimbench/present/labels.hpp"
#include "note_pages.hpp"

namespace claimbench::notes {
namespace {

using nlohmann::json;

std::string fidelity_text(const std::string& fidelity) {
  if (fidelity == "direct") {
    return "**direct** — the claim is about the hardware or the OS; C++ hits the same mechanism, "
           "so the result transfers to Go as it is.";
  }
  if (fidelity == "analogue") {
    return "**analogue** — Go's mechanism has a close C++ counterpart; the verdict transfers with "
           "the caveats below.";
  }
  if (fidelity == "go-only") {
    return "**go-only** — measured in Go only: C++ has nothing to model this with, so the Go "
           "benchmark's verdict is the answer.";
  }
  if (fidelity == "calibration") {
    return "**calibration** — a check of the harness itself, not of a claim about Go.";
  }
  return "**proxy** — there is no C++ counterpart, so a model of the mechanism is measured; read "
         "the verdict as evidence about the model, not about Go itself.";
}

std::string chart_block(const json& spec, bool rendered, const std::string& note) {
  std::string out;
  for (const auto& chart : spec["charts"]) {
    const std::string file = chart["file"];
    if (rendered) {
      out += fmt::format("![{}](img/{}.png)\n\n", chart["title"].get<std::string>(), file);
    } else {
      out += fmt::format("_Chart img/{}.png (and .svg) would be here: {}._\n\n", file, note);
    }
  }
  return out;
}

bool has_go(const ClaimResult& claim) {
  for (const auto& check : claim.checks) {
    if (go_side(claim, check)) return true;
  }
  return false;
}

// "| 3.08 | 3.02–3.2 | **HOLDS** |" for one side; dashes where the side was not measured.
std::string side_columns(const std::optional<SideOutcome>& side) {
  if (!side) return " – | – | – |";
  const std::string verdict =
      side->undecided.empty()
          ? fmt::format("**{}**", to_string(side->verdict))
          : fmt::format("**{}** ({})", to_string(side->verdict), side->undecided);
  return fmt::format(" {} | {} | {} |", num(side->estimate), ci_text(side->ci), verdict);
}

std::string checks_table(const ClaimResult& claim) {
  std::string out;
  if (is_go_only(claim)) {
    out +=
        "| check | says | thresholds | Go ratio | Go CI | Go verdict "
        "|\n|---|---|---|---|---|---|\n";
  } else if (has_go(claim)) {
    out +=
        "| check | says | thresholds | C++ ratio | C++ CI | C++ verdict | Go ratio | Go CI | "
        "Go verdict | agree? |\n|---|---|---|---|---|---|---|---|---|---|\n";
  } else {
    out += "| check | says | thresholds | ratio | CI | verdict |\n|---|---|---|---|---|---|\n";
  }
  for (const auto& check : claim.checks) {
    const auto cpp = cpp_side(claim, check);
    const auto go = go_side(claim, check);
    out += fmt::format("| {} | {} | {} |", check.id, check.says,
                       threshold_text(check.kind, check.thresholds));
    out += side_columns(cpp ? cpp : go);
    if (cpp && has_go(claim)) {
      out += !go && !check.go_none.empty() ? " – | – | C++ only |" : side_columns(go);
      const bool compared =
          go && cpp->verdict != Verdict::skipped && go->verdict != Verdict::skipped;
      out += compared ? (cpp->verdict == go->verdict ? " yes |" : " **no** |") : " – |";
    }
    out += "\n";
  }
  out += "\nWhy:\n\n";
  for (const auto& check : claim.checks) {
    const auto cpp = cpp_side(claim, check);
    const auto go = go_side(claim, check);
    if (cpp && go) {
      out += fmt::format("- `{}`: C++: {} — Go: {}\n", check.id, cpp->reason,
                         side_numbers(check.kind, *go));
    } else {
      out += fmt::format("- `{}`: {}{}{}\n", check.id, cpp ? "" : "Go: ", (cpp ? cpp : go)->reason,
                         check.go_none.empty() ? "" : " — no Go side: " + check.go_none);
    }
  }
  return out;
}

std::string variants_table(const ClaimResult& claim) {
  // The counters that explain the result, per op, next to time.
  std::vector<std::string> columns = claim.counters.explaining;
  if (columns.empty()) {  // results written before "explaining" was recorded
    columns = claim.counters.opened;
    columns.push_back("allocs");
  }
  std::string out = "\n| variant | ns/op | 95% CI | spread |";
  for (const auto& c : columns)
    out += fmt::format(" {} /op |", c);
  out += "\n|---|---|---|---|";
  for (std::size_t i = 0; i < columns.size(); ++i)
    out += "---|";
  out += "\n";
  for (const auto& v : claim.variants) {
    if (!v.skipped.empty()) {
      out += fmt::format("| {} | skipped: {} |\n", variant_label(claim, v), v.skipped);
      continue;
    }
    const MetricSummary& ns = v.summary.ns_per_op;
    out += fmt::format("| {} | {} | {} | {} |", variant_label(claim, v), num(ns.median),
                       ci_text(ns.ci),
                       ns.spread ? fmt::format("{:.0f}%", *ns.spread * 100) : std::string("–"));
    for (const auto& c : columns) {
      const auto it = v.summary.per_op.find(c);
      out += fmt::format(" {} |", num(it == v.summary.per_op.end() ? std::nullopt : it->second));
    }
    out += "\n";
  }
  return out;
}

// The command as a reader can type it: results from before the run command recorded it that
// way hold absolute paths of the machine that ran them (/work/.../bench, --out /tmp/...); a
// path becomes its last part ("bench", "…/out"), so no note shows where a machine keeps files.
std::string command_without_paths(const std::string& command) {
  std::string out;
  std::size_t start = 0;
  bool first = true;
  while (start <= command.size()) {
    const std::size_t end = std::min(command.find(' ', start), command.size());
    std::string token = command.substr(start, end - start);
    const std::size_t eq = token.find("=/");  // --out=/tmp/x
    const std::size_t at = token.starts_with("/")    ? 0
                           : eq != std::string::npos ? eq + 1
                                                     : token.npos;
    if (at != token.npos) {
      const std::string base = std::filesystem::path(token.substr(at)).filename().string();
      token = token.substr(0, at) + (first ? base : "…/" + base);
    }
    out += (first ? "" : " ") + token;
    first = false;
    start = end + 1;
  }
  return out;
}

std::string claim_section(const LoadedClaim& loaded, const MachineResults& m, bool rendered,
                          const std::string& note) {
  const ClaimResult& claim = loaded.result;
  std::string out = fmt::format("### {}\n\n{} ([machine page]({}))\n\n", m.label,
                                machine_summary(m.machine), machine_page_name(m));
  out += fmt::format("Run: `{}` — {} rounds of ≥ {} s per benchmark",
                     command_without_paths(loaded.command), loaded.options.repetitions,
                     loaded.options.min_time_s);
  if (loaded.options.max_rounds > loaded.options.repetitions) {
    out += fmt::format(" (up to {} while a check is undecided)", loaded.options.max_rounds);
  }
  out += fmt::format(", {} ({}).", loaded.created_utc, loaded.file.filename().string());
  if (loaded.go_version) out += fmt::format(" Go side measured with {}.", *loaded.go_version);
  out += "\n\n";
  if (claim.status == ClaimStatus::skipped) {
    return out + fmt::format("**Skipped here:** {}\n\n", claim.reason);
  }
  if (claim.status == ClaimStatus::interrupted) {
    // The run was stopped (Ctrl-C, SIGTERM): say so before any number it left.
    out += fmt::format("**Interrupted here:** {}\n\n", claim.reason);
    if (claim.variants.empty()) return out;
  }
  out += fmt::format("Placement: {}, PUs [{}]; deepest shared cache: {}.", claim.placement.policy,
                     fmt::join(claim.placement.pus, ","), claim.placement.shared_cache);
  if (claim.probe_before_ns) {
    out += fmt::format(" Core-to-core probe: {} ns one-way before, {} ns after.",
                       num(claim.probe_before_ns), num(claim.probe_after_ns));
  }
  if (claim.load && !claim.load->summary.empty()) {
    out += fmt::format("\n\nMachine load: {}", claim.load->summary);
  }
  if (!claim.counters.opened.empty() || !claim.counters.unavailable.empty()) {
    out += fmt::format("\n\nCounters opened: {}.", fmt::join(claim.counters.opened, ", "));
  }
  for (const auto& u : claim.counters.unavailable)
    out += fmt::format(" Not available: `{}` ({}).", u.event, u.reason);
  out += "\n\n" + chart_block(claim_chart_spec(claim, m), rendered, note);
  if (!is_go_only(claim) && has_go(claim)) {
    const Agreement a = agreement(claim);
    out += fmt::format("**Agreement:** {} on this machine.", agreement_text(a));
    if (fidelity_failure(claim)) {
      out += fmt::format(
          " **Fidelity failure:** the claim is marked direct, yet Go gives the opposite verdict "
          "on `{}`.",
          fmt::join(a.opposite, "`, `"));
    }
    out += "\n\n";
  }
  out += checks_table(claim);
  out += variants_table(claim);
  return out + "\n";
}

// One machine's part of "What this means in Go", written from what the Go side measured.
std::string meaning_on(const LoadedClaim& loaded, const MachineResults& m,
                       const std::string& caveats) {
  const ClaimResult& claim = loaded.result;
  std::map<std::string, int> tally;
  bool any_go = false;
  for (const auto& check : claim.checks) {
    const auto go = go_side(claim, check);
    any_go = any_go || go.has_value();
    if (go) ++tally[std::string(to_string(go->verdict))];
  }
  if (claim.status == ClaimStatus::skipped) {
    return fmt::format("- On {}: not measured ({}).\n", m.label, claim.reason);
  }
  if (!any_go) {
    for (const auto& check : claim.checks)
      ++tally[std::string(to_string(check.verdict))];
    std::vector<std::string> parts;
    for (const auto& [verdict, count] : tally)
      parts.push_back(fmt::format("{} {}", count, verdict));
    return fmt::format("- On {}: the C++ side only, {} of {} checks hold ({}){}.\n", m.label,
                       tally["HOLDS"], claim.checks.size(), fmt::join(parts, ", "),
                       claim.go_none.empty() ? "; no Go side was run" : "; no Go counterpart");
  }
  std::vector<std::string> measured;
  for (const auto& check : claim.checks) {
    if (const auto go = go_side(claim, check)) {
      measured.push_back(go->verdict == Verdict::skipped
                             ? fmt::format("`{}` SKIPPED ({})", check.id, go->reason)
                             : fmt::format("`{}` {} ({})", check.id, side_numbers(check.kind, *go),
                                           to_string(go->verdict)));
    }
  }
  std::string out = fmt::format("- On {}{}, Go measured {} of {} checks holding: {}.", m.label,
                                loaded.go_version ? " with " + *loaded.go_version : "",
                                tally["HOLDS"], measured.size(), fmt::join(measured, "; "));
  if (is_go_only(claim)) return out + " Measured in Go only.\n";
  const Agreement a = agreement(claim);
  out += fmt::format(" In C++, {}.\n", agreement_text(a));
  if (a.differ.empty()) return out;
  out += fmt::format("\n  **Where the analogue and Go part ways on {}.**", m.label);
  for (const auto& id : a.differ) {
    for (const auto& check : claim.checks) {
      if (check.id != id) continue;
      out +=
          fmt::format(" `{}`: the C++ analogue measured {} ({}), the Go twin {} ({}).", id,
                      side_numbers(check.kind, *cpp_side(claim, check)), to_string(check.verdict),
                      side_numbers(check.kind, *check.go), to_string(check.go->verdict));
    }
  }
  out += " Go's number is the one that describes Go.";
  if (!caveats.empty()) {
    std::string flat = caveats;  // one paragraph inside the list item
    std::replace(flat.begin(), flat.end(), '\n', ' ');
    out += fmt::format(" Why they differ (from the caveats): {}", flat);
  }
  return out + "\n";
}

}  // namespace

std::string claim_page(const std::vector<MachineResults>& machines, const std::string& id,
                       const ChartRun& charts) {
  const ClaimResult* first = nullptr;
  for (const auto& m : machines) {
    if (const LoadedClaim* c = m.claim(id); c != nullptr && first == nullptr) first = &c->result;
  }
  std::string page = fmt::format("# {} — {}\n\n[← all claims](index.md)\n\n", id, first->title);
  page += fmt::format("**The claim, in our words.** {}\n\n", first->statement);
  page += "**Sources.** ";
  std::vector<std::string> sources;
  for (const auto& s : first->sources)
    sources.push_back(fmt::format("`{}` ({})", s.seed, s.where));
  page += fmt::format("{}\n\n**Fidelity.** {}\n\n", fmt::join(sources, "; "),
                      fidelity_text(first->fidelity));
  page += fmt::format("## {}\n\n{}\n\n",
                      is_go_only(*first) ? "What is measured (in Go only)" : "The analogue",
                      first->analogue);
  if (!first->caveats.empty()) page += fmt::format("**Caveats.** {}\n\n", first->caveats);
  if (!first->go_file.empty()) {
    page += fmt::format("**Go {}.** `benchmarks/go/{}`\n\n",
                        is_go_only(*first) ? "benchmarks" : "twins", first->go_file);
  }
  if (!first->go_none.empty()) page += fmt::format("**No Go counterpart.** {}\n\n", first->go_none);
  page += "## Results\n\n";
  // First the checks at a glance: each check's ratio per machine, C++ and Go side by side.
  page += chart_block(claim_across_machines_spec(machines, id), charts.rendered, charts.note);
  for (const auto& m : machines) {
    if (const LoadedClaim* c = m.claim(id))
      page += claim_section(*c, m, charts.rendered, charts.note);
  }
  page += "## What this means in Go\n\n";
  for (const auto& m : machines) {
    if (const LoadedClaim* c = m.claim(id)) page += meaning_on(*c, m, first->caveats);
  }
  if (!first->go_meaning.empty()) page += fmt::format("\n{}\n", first->go_meaning);
  return page;
}

}  // namespace claimbench::notes
