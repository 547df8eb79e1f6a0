// The study notes (index and one page per claim), written whole into a temporary folder.
#include "claimbench/present/notes.hpp"

#include <fcntl.h>  // AT_FDCWD
#include <fmt/format.h>
#include <stdio.h>     // renameat2, RENAME_EXCHANGE
#include <stdlib.h>    // mkdtemp
#include <sys/stat.h>  // chmod

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "claimbench/present/chart_specs.hpp"
#include "claimbench/present/charts.hpp"
#include "claimbench/present/labels.hpp"
#include "claimbench/store/result_json.hpp"

namespace claimbench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string num(const std::optional<double>& value) {
  return value ? fmt::format("{:.3g}", *value) : "–";
}

std::string ci_text(const std::optional<Interval>& ci) {
  return ci ? fmt::format("{:.3g}–{:.3g}", ci->lo, ci->hi) : "–";
}

std::string fidelity_text(const std::string& fidelity) {
  if (fidelity == "direct") {
    return "**direct** — the claim is about the hardware or the OS; C++ hits the same mechanism, "
           "so the result transfers to Go as it is.";
  }
  if (fidelity == "analogue") {
    return "**analogue** — Go's mechanism has a close C++ counterpart; the verdict transfers with "
           "the caveats below.";
  }
  return "**proxy** — there is no C++ counterpart, so a model of the mechanism is measured; read "
         "the verdict as evidence about the model, not about Go itself.";
}

Expected<void> write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  if (!out || !(out << text) || !out.flush()) {
    return fail(fmt::format("cannot write '{}': {}", file.string(), std::strerror(errno)));
  }
  return {};
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

std::string claim_section(const LoadedClaim& loaded, const MachineResults& m, bool rendered,
                          const std::string& note) {
  const ClaimResult& claim = loaded.result;
  std::string out = fmt::format("### {}\n\n{}\n\n", m.label, machine_summary(m.machine));
  out += fmt::format("Run: `{}` — {} rounds of ≥ {} s per benchmark, {} ({}).\n\n", loaded.command,
                     loaded.options.repetitions, loaded.options.min_time_s, loaded.created_utc,
                     loaded.file.filename().string());
  if (claim.status == ClaimStatus::skipped) {
    return out + fmt::format("**Skipped here:** {}\n\n", claim.reason);
  }
  if (claim.status == ClaimStatus::interrupted) {
    out += fmt::format("**Interrupted here:** {}\n\n", claim.reason);
    if (claim.variants.empty()) return out;
  }
  out += fmt::format("Placement: {}, PUs [{}]; deepest shared cache: {}.", claim.placement.policy,
                     fmt::join(claim.placement.pus, ","), claim.placement.shared_cache);
  if (claim.probe_before_ns) {
    out += fmt::format(" Core-to-core probe: {} ns one-way before, {} ns after.",
                       num(claim.probe_before_ns), num(claim.probe_after_ns));
  }
  out += fmt::format("\n\nCounters opened: {}.", fmt::join(claim.counters.opened, ", "));
  for (const auto& u : claim.counters.unavailable)
    out += fmt::format(" Not available: `{}` ({}).", u.event, u.reason);
  out += "\n\n" + chart_block(claim_chart_spec(claim, m), rendered, note);

  out += "| check | says | ratio | CI | thresholds | verdict |\n|---|---|---|---|---|---|\n";
  for (const auto& check : claim.checks) {
    out += fmt::format("| {} | {} | {} | {} | {} | **{}** |\n", check.id, check.says,
                       num(check.estimate), ci_text(check.ci),
                       threshold_text(check.kind, check.thresholds), to_string(check.verdict));
  }
  if (claim.load && !claim.load->summary.empty())
    out += fmt::format("\n**{}**\n", claim.load->summary);
  out += "\nWhy:\n\n";
  for (const auto& check : claim.checks)
    out += fmt::format("- `{}`: {}\n", check.id, check.reason);
  // The counters that explain the result, per op, next to time.
  std::vector<std::string> columns = claim.counters.explaining;
  if (columns.empty()) {  // results written before "explaining" was recorded
    columns = claim.counters.opened;
    columns.push_back("allocs");
  }
  out += "\n| variant | ns/op | 95% CI | spread |";
  for (const auto& c : columns)
    out += fmt::format(" {} /op |", c);
  out += "\n|---|---|---|---|";
  for (std::size_t i = 0; i < columns.size(); ++i)
    out += "---|";
  out += "\n";
  for (const auto& v : claim.variants) {
    if (!v.skipped.empty()) {
      out += fmt::format("| {} | skipped: {} |\n", variant_label(claim, v.name), v.skipped);
      continue;
    }
    const MetricSummary& ns = v.summary.ns_per_op;
    out += fmt::format("| {} | {} | {} | {} |", variant_label(claim, v.name), num(ns.median),
                       ci_text(ns.ci),
                       ns.spread ? fmt::format("{:.0f}%", *ns.spread * 100) : std::string("–"));
    for (const auto& c : columns) {
      const auto it = v.summary.per_op.find(c);
      out += fmt::format(" {} |", num(it == v.summary.per_op.end() ? std::nullopt : it->second));
    }
    out += "\n";
  }
  return out + "\n";
}

std::string index_page(const std::vector<MachineResults>& machines, const ChartRun& charts) {
  std::string index =
      "# claimbench study notes\n\nWhat Go interview claims do on real CPUs. Each "
      "row is one check of a claim, judged from paired rounds against thresholds "
      "fixed in the claim file before measuring; the number is the measured ratio "
      "(numerator / denominator).\n\n## Machines\n\n";
  for (const auto& m : machines) {
    index += fmt::format("- **{}**: {} ({} result file{})\n", m.label, machine_summary(m.machine),
                         m.files.size(), m.files.size() == 1 ? "" : "s");
  }
  index += "\n## Verdicts\n\n| claim | check |";
  for (const auto& m : machines)
    index += fmt::format(" {} |", m.label);
  index += "\n|---|---|";
  for (std::size_t i = 0; i < machines.size(); ++i)
    index += "---|";
  index += "\n";
  for (const auto& id : all_claim_ids(machines)) {
    for (const auto& check_id : check_ids(machines, id)) {
      index += fmt::format("| [{}]({}.md) | {} |", id, id, check_id);
      for (const auto& m : machines) {
        const CheckResult* check = find_check(m, id, check_id);
        index += fmt::format(" {} |", check != nullptr ? verdict_cell(*check) : "–");
      }
      index += "\n";
    }
  }
  if (!charts.rendered) index += fmt::format("\n_{}_\n", charts.note);
  return index;
}

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
  page += fmt::format("## The analogue\n\n{}\n\n", first->analogue);
  if (!first->caveats.empty()) page += fmt::format("**Caveats.** {}\n\n", first->caveats);
  page += "## Results\n\n";
  for (const auto& m : machines) {
    if (const LoadedClaim* c = m.claim(id))
      page += claim_section(*c, m, charts.rendered, charts.note);
  }
  page += "## What this means in Go\n\n";
  for (const auto& m : machines) {
    if (const LoadedClaim* c = m.claim(id)) {
      std::map<std::string, int> tally;
      for (const auto& check : c->result.checks)
        ++tally[std::string(to_string(check.verdict))];
      std::vector<std::string> parts;
      for (const auto& [verdict, count] : tally)
        parts.push_back(fmt::format("{} {}", count, verdict));
      page += fmt::format("- On {}: {} of {} checks ({}).\n", m.label, tally["HOLDS"],
                          c->result.checks.size(), fmt::join(parts, ", "));
    }
  }
  if (!first->go_meaning.empty()) page += fmt::format("\n{}\n", first->go_meaning);
  return page;
}

// Whether OUT may be replaced by a report: absent, empty, or an earlier report (index.md).
// Anything else that holds Markdown or img/ could be someone's documents.
Expected<void> replaceable(const fs::path& out) {
  std::error_code ec;
  if (!fs::exists(out, ec)) return {};
  if (!fs::is_directory(out, ec)) {
    return fail(fmt::format("-o '{}' exists and is not a folder", out.string()));
  }
  if (fs::exists(out / "index.md", ec)) return {};
  for (const auto& entry : fs::directory_iterator(out, ec)) {
    if (entry.path().extension() == ".md" || entry.path().filename() == "img") {
      return fail(fmt::format(
          "-o '{}' holds {} but no index.md, so it is not an earlier report; the report replaces "
          "its folder, so give a new or empty folder",
          out.string(), entry.path().filename().string()));
    }
  }
  if (ec) return fail(fmt::format("-o '{}': cannot list it: {}", out.string(), ec.message()));
  return {};
}

// Files of an earlier OUT that are not report output (result.json beside its notes) move on.
Expected<void> carry_over(const fs::path& old_dir, const fs::path& new_dir) {
  std::error_code ec;
  if (!fs::exists(old_dir, ec)) return {};
  for (const auto& entry : fs::directory_iterator(old_dir, ec)) {
    const auto name = entry.path().filename();
    if (entry.path().extension() == ".md" || name == "img") continue;
    fs::copy(entry.path(), new_dir / name,
             fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) {
      return fail(fmt::format("cannot copy '{}' into the new report: {}", entry.path().string(),
                              ec.message()));
    }
  }
  if (ec) return fail(fmt::format("cannot list '{}': {}", old_dir.string(), ec.message()));
  return {};
}

// Puts the finished folder in place of OUT. RENAME_EXCHANGE swaps the two atomically, so there
// is no moment without notes; where the file system lacks it, two renames.
Expected<void> swap_into_place(const fs::path& built, const fs::path& out) {
  std::error_code ec;
  if (!fs::exists(out, ec)) {
    fs::rename(built, out, ec);
    if (ec)
      return fail(fmt::format("cannot move the report to '{}': {}", out.string(), ec.message()));
    return {};
  }
  if (::renameat2(AT_FDCWD, built.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(built, ec);  // now the old report
    return {};
  }
  const fs::path old = built.string() + ".old";
  fs::rename(out, old, ec);
  if (!ec) fs::rename(built, out, ec);
  if (ec) return fail(fmt::format("cannot replace '{}': {}", out.string(), ec.message()));
  fs::remove_all(old, ec);
  return {};
}

Expected<ReportOutcome> write_into(const std::vector<MachineResults>& machines, const fs::path& dir,
                                   const fs::path& out) {
  ReportOutcome outcome;
  json spec = {{"charts", json::array()}};
  for (const auto& m : machines) {
    for (const auto& claim : m.claims) {
      const json claim_spec = claim_chart_spec(claim.result, m);  // named: a temporary would dangle
      for (const auto& chart : claim_spec["charts"])
        spec["charts"].push_back(chart);
    }
  }
  const ChartRun charts = render_charts(spec, dir / "img");
  outcome.charts_rendered = charts.rendered;
  outcome.charts_note = charts.note;
  if (auto ok = write_text(dir / "index.md", index_page(machines, charts)); !ok) {
    return std::unexpected(ok.error());
  }
  outcome.pages.push_back(out / "index.md");
  for (const auto& id : all_claim_ids(machines)) {
    // Ids passed is_safe_id in from_json; checked again because this is where it matters.
    if (!is_safe_id(id)) return fail(fmt::format("claim id '{}' is not a safe file name", id));
    const std::string name = fmt::format("{}.md", id);
    if (auto ok = write_text(dir / name, claim_page(machines, id, charts)); !ok) {
      return std::unexpected(ok.error());
    }
    outcome.pages.push_back(out / name);
  }
  return outcome;
}

}  // namespace

Expected<ReportOutcome> write_report(const std::vector<MachineResults>& machines,
                                     const fs::path& out_dir) {
  std::error_code ec;
  fs::path out = fs::absolute(out_dir, ec).lexically_normal();
  if (!out.has_filename()) out = out.parent_path();  // "notes/" -> "notes"
  if (ec || !out.has_filename() || out == out.root_path()) {
    return fail(fmt::format("-o '{}' cannot be a report folder", out_dir.string()));
  }
  if (auto ok = replaceable(out); !ok) return std::unexpected(ok.error());
  fs::create_directories(out.parent_path(), ec);
  if (ec) {
    return fail(fmt::format("cannot create '{}': {}", out.parent_path().string(), ec.message()));
  }
  std::string pattern =
      (out.parent_path() / fmt::format(".{}.new-XXXXXX", out.filename().string())).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return fail(fmt::format("cannot create a folder beside '{}': {}", out_dir.string(),
                            std::strerror(errno)));
  }
  const fs::path built = pattern;
  ::chmod(built.c_str(), 0755);  // mkdtemp makes it 0700; notes are for reading
  auto outcome = write_into(machines, built, out_dir);
  Expected<void> ok = outcome ? carry_over(out, built) : Expected<void>{};
  if (outcome && ok) ok = swap_into_place(built, out);
  if (!outcome || !ok) {
    fs::remove_all(built, ec);
    return std::unexpected(outcome ? ok.error() : outcome.error());
  }
  return outcome;
}

}  // namespace claimbench
