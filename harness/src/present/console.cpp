// Console output from the result model: what every user of `bench run` sees first.
#include "claimbench/present/console.hpp"

#include <fmt/color.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "claimbench/present/labels.hpp"

namespace claimbench {
namespace {

std::string number(double value) {
  if (!std::isfinite(value)) return "-";
  const double a = std::abs(value);
  if (a != 0 && (a < 0.001 || a >= 1e7)) return fmt::format("{:.2e}", value);
  if (a >= 100) return fmt::format("{:.0f}", value);
  if (a >= 10) return fmt::format("{:.1f}", value);
  return fmt::format("{:.3g}", value);
}

std::string bold(const std::string& text, const Style& style) {
  return style.color ? fmt::format(fmt::emphasis::bold, "{}", text) : text;
}

}  // namespace

Style style_for_stdout() {
  const char* no_color = std::getenv("NO_COLOR");
  return Style{isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || *no_color == '\0')};
}

std::string verdict_text(Verdict verdict, const Style& style) {
  const auto text = fmt::format("{:<12}", to_string(verdict));
  if (!style.color) return text;
  switch (verdict) {
    case Verdict::holds:
      return fmt::format(fg(fmt::terminal_color::green), "{}", text);
    case Verdict::refuted:
      return fmt::format(fg(fmt::terminal_color::red), "{}", text);
    case Verdict::inconclusive:
      return fmt::format(fg(fmt::terminal_color::yellow), "{}", text);
    case Verdict::skipped:
      return fmt::format(fg(fmt::terminal_color::bright_black), "{}", text);
  }
  return text;
}

std::string render_machine(const Machine& m, const Style& style) {
  return fmt::format("{} {}\n       {}, {} build, {}\n", bold("machine:", style), machine_line(m),
                     m.compiler, m.build_type, m.cxx_flags);
}

std::string render_topology(const Topology& topology, const Placement& placement) {
  std::string out =
      fmt::format("{} PUs, {} cores, {} packages, SMT {}\n", topology.pus().size(),
                  topology.cores(), topology.packages(), topology.has_smt() ? "yes" : "no");
  out += "PU  core  package  smt-rank\n";
  for (const auto& pu : topology.pus()) {
    out +=
        fmt::format("{:>2}  {:>4}  {:>7}  {:>8}\n", pu.os_index, pu.core, pu.package, pu.smt_rank);
  }
  out += fmt::format("\n{} placement: thread i runs on PU", to_string(placement.policy));
  for (std::size_t i = 0; i < placement.pus.size(); ++i) {
    out += fmt::format(" t{}->{}", i, placement.pus[i].os_index);
  }
  if (!placement.limit.empty()) out += fmt::format(" ({})", placement.limit);
  return out + "\n";
}

std::string render_claim(const ClaimResult& claim, const Style& style) {
  std::string out =
      fmt::format("\n{} — {} [{}]\n", bold(claim.id, style), claim.title, claim.fidelity);
  if (claim.status == ClaimStatus::interrupted)
    out += fmt::format("  interrupted: {}\n", claim.reason);
  if (claim.status == ClaimStatus::skipped) {
    out += fmt::format("  skipped: {}\n", claim.reason);
  } else if (claim.variants.empty()) {
    // An interrupted claim that kept nothing: no table to show.
  } else {
    // Placement: the widest variant that ran says where every thread went.
    const VariantResult* widest = nullptr;
    for (const auto& variant : claim.variants) {
      if (!variant.placement.empty() && (widest == nullptr || variant.threads > widest->threads)) {
        widest = &variant;
      }
    }
    out += fmt::format("  placement {}:", claim.placement.policy);
    if (widest != nullptr) {
      for (const auto& p : widest->placement) {
        out += fmt::format(" t{}->PU{} (core {}{})", p.thread, p.pu, p.core,
                           p.ran_on == p.pu ? "" : fmt::format(", last seen on PU{}", p.ran_on));
      }
    }
    out += fmt::format("; deepest shared cache: {}\n", claim.placement.shared_cache);
    if (claim.probe_before_ns || claim.probe_after_ns) {
      out += fmt::format("  core-to-core probe: {} ns one-way before, {} ns after\n",
                         number(claim.probe_before_ns.value_or(NAN)),
                         number(claim.probe_after_ns.value_or(NAN)));
    }
    if (!claim.counters.note.empty()) out += "  " + claim.counters.note + "\n";

    const std::vector<std::string>& columns = claim.counters.explaining;
    std::size_t width = 8;
    for (const auto& v : claim.variants)
      width = std::max(width, variant_label(claim, v.name).size());
    std::vector<std::size_t> widths;
    for (const auto& c : columns)
      widths.push_back(std::max<std::size_t>(10, c.size()));
    out += fmt::format("\n  {:<{}}  {:>9}  {:>19}  {:>6}", "variant", width, "ns/op", "95% CI",
                       "spread");
    for (std::size_t i = 0; i < columns.size(); ++i)
      out += fmt::format("  {:>{}}", columns[i], widths[i]);
    out += fmt::format("\n  {:<{}}  {:>9}  {:>19}  {:>6}", "", width, "", "", "");
    for (std::size_t i = 0; i < columns.size(); ++i)
      out += fmt::format("  {:>{}}", "per op", widths[i]);
    out += "\n";
    for (const auto& v : claim.variants) {
      out += fmt::format("  {:<{}}", variant_label(claim, v.name), width);
      if (!v.skipped.empty()) {
        out += fmt::format("  skipped: {}\n", v.skipped);
        continue;
      }
      const auto& ns = v.summary.ns_per_op;
      out += fmt::format("  {:>9}  {:>19}  {:>5.0f}%", number(ns.median.value_or(NAN)),
                         ns.ci ? fmt::format("{}–{}", number(ns.ci->lo), number(ns.ci->hi)) : "-",
                         ns.spread.value_or(NAN) * 100);
      for (std::size_t i = 0; i < columns.size(); ++i) {
        const auto it = v.summary.per_op.find(columns[i]);
        const double value = it == v.summary.per_op.end() ? NAN : it->second.value_or(NAN);
        out += fmt::format("  {:>{}}", number(value), widths[i]);
      }
      out += "\n";
    }
  }
  out += "\n";
  // A busy machine is said next to the verdicts it may have moved.
  if (claim.load && !claim.load->summary.empty()) out += fmt::format("  {}\n", claim.load->summary);
  for (const auto& check : claim.checks) {
    // What the check says (in the claim file's words, naming any known C++/Go difference), then
    // the numbers that decided it.
    out += fmt::format("  {} {:<24} {}\n{:>16}{}\n", verdict_text(check.verdict, style), check.id,
                       check.says, "", check.reason);
  }
  return out;
}

std::string render_summary(const std::vector<ClaimResult>& claims, const Style& style) {
  std::size_t claim_width = 5;
  std::size_t check_width = 5;
  for (const auto& claim : claims) {
    claim_width = std::max(claim_width, claim.id.size());
    for (const auto& check : claim.checks)
      check_width = std::max(check_width, check.id.size());
  }
  std::string out = fmt::format("\n{}\n", bold("summary", style));
  out += fmt::format("  {:<{}}  {:<{}}  {:<12} {:>9}\n", "claim", claim_width, "check", check_width,
                     "verdict", "ratio");
  for (const auto& claim : claims) {
    for (const auto& check : claim.checks) {
      out += fmt::format(
          "  {:<{}}  {:<{}}  {} {:>9}\n", claim.id, claim_width, check.id, check_width,
          verdict_text(check.verdict, style),
          check.verdict == Verdict::skipped ? "-" : number(check.estimate.value_or(NAN)));
    }
  }
  return out;
}

std::string render_claim_text(const Claim& claim) {
  std::string out = fmt::format("{} — {}\nfidelity: {}\n\nclaim: {}\n\nanalogue: {}\n", claim.id,
                                claim.title, claim.fidelity, claim.statement, claim.analogue);
  if (!claim.caveats.empty()) out += fmt::format("\ncaveats: {}\n", claim.caveats);
  out += "\nsources:\n";
  for (const auto& s : claim.sources)
    out += fmt::format("  {} ({})\n", s.seed, s.where);
  out += fmt::format("\nbenchmarks: {}\nevents: {}\n", claim.benchmarks,
                     fmt::join(claim.events, ", "));
  if (claim.requires_cores > 1 || claim.requires_smt) {
    out += fmt::format("requires: {} cores{}\n", claim.requires_cores,
                       claim.requires_smt ? ", SMT" : "");
  }
  out += "\nchecks:\n";
  for (const auto& check : claim.checks) {
    out += fmt::format("  {} ({}): {}\n", check.id, to_string(check.kind), check.says);
    std::string what =
        check.kind == CheckKind::absolute
            ? fmt::format("{} of {}", check.metric, check.numerator)
            : fmt::format("{} of {} / {}", check.metric, check.numerator, check.denominator);
    const std::string bounds = threshold_text(check.kind, thresholds_of(check));
    out += fmt::format("      {}: {}\n", what, bounds);
    if (!check.mechanism.empty())
      out += fmt::format("      mechanism counter: {}\n", check.mechanism);
  }
  return out;
}

std::string render_list(const Catalog& catalog) {
  std::string out =
      fmt::format("{:<26} {:<3} {:<9} {:<8} {}\n", "id", "sec", "fidelity", "encoded", "title");
  for (const auto& entry : catalog.index) {
    out += fmt::format("{:<26} {:<3} {:<9} {:<8} {}\n", entry.id, entry.section, entry.fidelity,
                       entry.encoded ? "yes" : "no", entry.title);
  }
  if (!catalog.not_encoded.empty()) {
    out += "\nnot encoded (no measurable performance content here):\n";
    for (const auto& n : catalog.not_encoded)
      out += fmt::format("  {}: {}\n", n.topic, n.reason);
  }
  return out;
}

}  // namespace claimbench
