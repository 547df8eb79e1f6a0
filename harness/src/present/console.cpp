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
    if (widest == nullptr && !claim.placement.pus.empty()) {
      out += fmt::format(" PUs {}", fmt::join(claim.placement.pus, ","));
    } else if (widest != nullptr) {
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
    if (claim.load && !claim.load->summary.empty()) out += "  " + claim.load->summary + "\n";
    if (!claim.counters.note.empty()) out += "  " + claim.counters.note + "\n";

    const std::vector<std::string>& columns = claim.counters.explaining;
    std::size_t width = 8;
    for (const auto& v : claim.variants)
      width = std::max(width, variant_label(claim, v).size());
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
      out += fmt::format("  {:<{}}", variant_label(claim, v), width);
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
  for (const auto& check : claim.checks) {
    // What the check says (in the claim file's words, naming any known C++/Go difference), then
    // the numbers that decided it: the C++ analogue's, then its Go twin's. A go-only claim has
    // only the Go side, so its verdict line is Go's.
    const auto go = go_side(claim, check);
    const auto cpp = cpp_side(claim, check);
    const SideOutcome& first = cpp ? *cpp : *go;
    // The kind leads the line unless the reason already says it (the runner's reasons do).
    const bool said = first.reason.find(first.undecided + ":") != std::string::npos;
    const std::string kind = first.undecided.empty() || said ? "" : first.undecided + ": ";
    out += fmt::format("  {} {:<24} {}\n{:>16}{}{}{}\n", verdict_text(first.verdict, style),
                       check.id, check.says, "", cpp ? "" : "Go: ", kind, first.reason);
    if (cpp && go) {
      out += fmt::format("{:>16}Go: {}{}\n", "", bold(std::string(to_string(go->verdict)), style),
                         go->verdict == Verdict::skipped ? fmt::format(" ({})", go->reason)
                                                         : " " + side_numbers(check.kind, *go));
    }
  }
  return out;
}

std::string render_summary(const std::vector<ClaimResult>& claims, const Style& style) {
  std::size_t claim_width = 5;
  std::size_t check_width = 5;
  bool any_go = false;
  for (const auto& claim : claims) {
    claim_width = std::max(claim_width, claim.id.size());
    for (const auto& check : claim.checks) {
      check_width = std::max(check_width, check.id.size());
      any_go = any_go || go_side(claim, check).has_value();
    }
  }
  const auto side = [&](const std::optional<SideOutcome>& s) {
    if (!s) return fmt::format("{:<12} {:>9}", "-", "");
    return fmt::format("{} {:>9}", verdict_text(s->verdict, style),
                       s->verdict == Verdict::skipped ? "-" : number(s->estimate.value_or(NAN)));
  };
  std::string out = fmt::format("\n{}\n", bold("summary", style));
  out += fmt::format("  {:<{}}  {:<{}}  {:<12} {:>9}", "claim", claim_width, "check", check_width,
                     any_go ? "C++ verdict" : "verdict", "ratio");
  out += any_go ? fmt::format("  {:<12} {:>9}  agree\n", "Go verdict", "ratio") : "\n";
  for (const auto& claim : claims) {
    for (const auto& check : claim.checks) {
      const auto go = go_side(claim, check);
      const auto cpp = cpp_side(claim, check);
      out += fmt::format("  {:<{}}  {:<{}}  {}", claim.id, claim_width, check.id, check_width,
                         side(cpp));
      if (any_go) {
        const bool compared =
            cpp && go && cpp->verdict != Verdict::skipped && go->verdict != Verdict::skipped;
        out += fmt::format("  {}  {}", side(go),
                           compared ? (cpp->verdict == go->verdict ? "yes" : "NO") : "-");
      }
      out += "\n";
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
  if (!claim.go_file.empty()) out += fmt::format("go twins: benchmarks/go/{}\n", claim.go_file);
  if (!claim.go_none.empty()) out += fmt::format("no Go counterpart: {}\n", claim.go_none);
  out += "\nchecks:\n";
  for (const auto& check : claim.checks) {
    out += fmt::format("  {} ({}): {}\n", check.id, to_string(check.kind), check.says);
    const bool absolute = check.kind == CheckKind::absolute;
    const auto pair = [&](const std::string& numerator, const std::string& denominator) {
      return absolute ? numerator : fmt::format("{} / {}", numerator, denominator);
    };
    const std::string bounds = threshold_text(check.kind, thresholds_of(check));
    if (!check.numerator.empty()) {
      out += fmt::format("      {} of {}: {}\n", check.metric,
                         pair(check.numerator, check.denominator), bounds);
    }
    if (check.go) {
      // Beside a C++ check a twin runs at GOMAXPROCS = the thread count of the C++ variant.
      out += fmt::format("      Go twin{}: {} of {}{}\n", absolute ? "" : "s", check.metric,
                         pair(check.go->numerator, check.go->denominator),
                         check.numerator.empty()
                             ? fmt::format(" at GOMAXPROCS={}: {}", check.threads, bounds)
                             : std::string());
    }
    if (!check.go_none.empty()) out += fmt::format("      no Go side: {}\n", check.go_none);
    if (!check.mechanism.empty())
      out += fmt::format("      mechanism counter: {}\n", check.mechanism);
  }
  return out;
}

std::string render_list(const Catalog& catalog) {
  return render_list(catalog, {});
}

std::string render_list(const Catalog& catalog, const std::vector<MachineResults>& machines) {
  // Per machine: the claim's measured agreement with its Go twins ("4/5 (80%)"), "go only",
  // "–" (not measured there or nothing compared), and "FIDELITY FAILURE" for a direct claim
  // whose twin gives the opposite verdict.
  const auto cell = [](const LoadedClaim* loaded) -> std::string {
    if (loaded == nullptr) return "–";
    const ClaimResult& c = loaded->result;
    if (is_go_only(c)) return "go only";
    const std::string figure = agreement_figure(agreement(c));
    return fidelity_failure(c) ? figure + " FIDELITY FAILURE" : figure;
  };
  std::vector<std::size_t> widths;
  for (const auto& m : machines) {
    std::size_t w = m.id.size();
    for (const auto& entry : catalog.index)
      w = std::max(w, cell(m.claim(entry.id)).size());
    widths.push_back(w);
  }
  const auto agreement_columns = [&](const auto& text_of) {
    std::string out;
    for (std::size_t i = 0; i < machines.size(); ++i)
      out += fmt::format(" {:<{}}", text_of(i), widths[i]);
    return out;
  };
  std::string out = fmt::format("{:<26} {:<3} {:<9} {:<8} {}", "id", "sec", "fidelity", "encoded",
                                machines.empty() ? "title" : "");
  if (!machines.empty()) {
    out.pop_back();
    out += agreement_columns([&](std::size_t i) { return machines[i].id; }) + "  title";
  }
  out += "\n";
  for (const auto& entry : catalog.index) {
    out += fmt::format("{:<26} {:<3} {:<9} {:<8}", entry.id, entry.section, entry.fidelity,
                       entry.encoded ? "yes" : "no");
    if (!machines.empty()) {
      out += agreement_columns([&](std::size_t i) { return cell(machines[i].claim(entry.id)); });
      out += " ";
    }
    out += fmt::format(" {}\n", entry.title);
  }
  if (!machines.empty()) {
    out += "\nagreement with Go (C++ verdict = Go verdict, of the checks both sides judged):\n";
    for (const auto& m : machines) {
      Agreement total;
      for (const auto& c : m.claims)
        total += agreement(c.result);
      out += fmt::format("  {}: {} overall — {}\n", m.id, agreement_figure(total), m.label);
    }
  }
  if (!catalog.not_encoded.empty()) {
    out += "\nnot encoded (no measurable performance content here):\n";
    for (const auto& n : catalog.not_encoded)
      out += fmt::format("  {}: {}\n", n.topic, n.reason);
  }
  return out;
}

}  // namespace claimbench
