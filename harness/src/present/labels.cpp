// The one writer of each label and sentence that more than one output shows.
#include "claimbench/present/labels.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>

namespace claimbench {
namespace {

std::string family_of(const std::string& name) {
  return name.substr(0, name.find('/'));
}

// Go twins are named "BenchmarkX/sub"; C++ variants "BM_X/sub/...".
bool is_go_name(const std::string& name) {
  return name.rfind("Benchmark", 0) == 0;
}

// Whether the variants of the same side as `name` (C++ or Go) come from more than one family.
bool several_families(const ClaimResult& claim, const std::string& name) {
  const VariantResult* first = nullptr;
  for (const auto& v : claim.variants) {
    if (is_go_name(v.name) != is_go_name(name)) continue;
    if (first == nullptr) first = &v;
    if (family_of(v.name) != family_of(first->name)) return true;
  }
  return false;
}

std::string estimate_text(CheckKind kind, double estimate) {
  return kind == CheckKind::absolute ? fmt::format("{:.3g}", estimate)
                                     : fmt::format("{:.3g}×", estimate);
}

}  // namespace

std::string variant_label(const ClaimResult& claim, const std::string& name, bool with_threads) {
  static const std::regex timing("/(real_time|manual_time|process_time)");
  static const std::regex threads("/threads:(\\d+)$");
  std::string family = family_of(name);
  const bool go = is_go_name(name);
  if (family.rfind("BM_", 0) == 0) family = family.substr(3);
  if (go) family = family.substr(9);
  std::string rest = name.size() > family_of(name).size() ? name.substr(family_of(name).size() + 1)
                                                          : std::string();
  rest = std::regex_replace(rest, timing, "");
  std::smatch match;
  std::string count;
  if (std::regex_search(rest, match, threads)) {
    count = match[1];
    rest = match.prefix();
  } else if (rest.rfind("threads:", 0) == 0) {
    count = rest.substr(8);
    rest.clear();
  }
  std::string label = rest.empty() || several_families(claim, name)
                          ? (rest.empty() ? family : fmt::format("{}/{}", family, rest))
                          : rest;
  if (with_threads && !count.empty()) label += fmt::format(" @{}", count);
  return go ? "go: " + label : label;
}

std::string variant_label(const ClaimResult& claim, const VariantResult& variant,
                          bool with_threads) {
  std::string label = variant_label(claim, variant.name, with_threads);
  // A Go twin's Ps: GOMAXPROCS, or, for a twin that sizes it from its PUs (a claim's go_pus),
  // the PUs it was pinned to, which its placement lists (one per P).
  const auto procs =
      std::max<std::size_t>(static_cast<std::size_t>(variant.threads), variant.placement.size());
  if (variant.go && with_threads) label += fmt::format(" @{}", procs);
  return variant.go && !is_go_name(variant.name) ? "go: " + label : label;
}

bool is_go_only(const ClaimResult& claim) {
  return claim.fidelity == "go-only";
}

std::optional<SideOutcome> go_side(const ClaimResult& claim, const CheckResult& check) {
  if (check.go) return check.go;
  if (!is_go_only(claim)) return std::nullopt;
  return SideOutcome{check.numerator,  check.denominator, check.estimate, check.ci,
                     check.confidence, check.pairs,       check.rounds,   check.verdict,
                     check.undecided,  check.reason};
}

std::optional<SideOutcome> cpp_side(const ClaimResult& claim, const CheckResult& check) {
  if (is_go_only(claim)) return std::nullopt;
  return SideOutcome{check.numerator,  check.denominator, check.estimate, check.ci,
                     check.confidence, check.pairs,       check.rounds,   check.verdict,
                     check.undecided,  check.reason};
}

std::string side_cell(CheckKind kind, const SideOutcome& side) {
  std::string cell(to_string(side.verdict));
  if (side.verdict == Verdict::skipped || !side.estimate) return cell;
  cell += " " + estimate_text(kind, *side.estimate);
  if (!side.undecided.empty()) cell += fmt::format(" ({})", side.undecided);
  return cell;
}

namespace {

// "95%", or "99.6%" where rounding to a whole percent would overstate the coverage.
std::string coverage_text(double confidence) {
  const double percent = confidence * 100;
  return std::abs(percent - std::round(percent)) < 0.05 ? fmt::format("{:.0f}%", percent)
                                                        : fmt::format("{:.1f}%", percent);
}

}  // namespace

std::string side_numbers(CheckKind kind, const SideOutcome& side) {
  if (side.verdict == Verdict::skipped) return fmt::format("SKIPPED: {}", side.reason);
  if (!side.estimate) return side.reason;
  std::string out = kind == CheckKind::absolute ? estimate_text(kind, *side.estimate)
                                                : "ratio " + estimate_text(kind, *side.estimate);
  if (side.ci) {
    out += fmt::format(" ({} CI {:.3g}–{:.3g})", coverage_text(side.confidence), side.ci->lo,
                       side.ci->hi);
  }
  if (side.rounds > 0) out += fmt::format(" at {} rounds", side.rounds);
  if (!side.undecided.empty()) out += fmt::format("; {}", side.undecided);
  return out;
}

Agreement agreement(const ClaimResult& claim) {
  Agreement a;
  if (is_go_only(claim)) return a;
  for (const auto& check : claim.checks) {
    if (!check.go || check.verdict == Verdict::skipped || check.go->verdict == Verdict::skipped) {
      continue;
    }
    ++a.compared;
    if (check.verdict == check.go->verdict) {
      ++a.agree;
      continue;
    }
    a.differ.push_back(check.id);
    const auto decided = [](Verdict v) { return v == Verdict::holds || v == Verdict::refuted; };
    if (decided(check.verdict) && decided(check.go->verdict)) a.opposite.push_back(check.id);
  }
  return a;
}

Agreement& operator+=(Agreement& total, const Agreement& more) {
  total.agree += more.agree;
  total.compared += more.compared;
  total.differ.insert(total.differ.end(), more.differ.begin(), more.differ.end());
  total.opposite.insert(total.opposite.end(), more.opposite.begin(), more.opposite.end());
  return total;
}

std::string agreement_text(const Agreement& a) {
  if (a.compared == 0) return "no check has a verdict on both sides";
  return fmt::format("the analogue agrees with Go on {} of {} check{}", a.agree, a.compared,
                     a.compared == 1 ? "" : "s");
}

std::string agreement_figure(const Agreement& a) {
  if (a.compared == 0) return "–";
  return fmt::format("{}/{} ({:.0f}%)", a.agree, a.compared, 100.0 * a.agree / a.compared);
}

bool fidelity_failure(const ClaimResult& claim) {
  return claim.fidelity == "direct" && !agreement(claim).opposite.empty();
}

std::string threshold_text(CheckKind kind, const Thresholds& t) {
  if (kind == CheckKind::equivalent) {
    return t.within ? fmt::format("holds within ±{:g}%", *t.within * 100) : "–";
  }
  if (t.at_least) {
    return fmt::format("holds at >= {:g}, refuted below {:g}", *t.at_least,
                       t.refuted_below.value_or(*t.at_least));
  }
  if (t.at_most) {
    return fmt::format("holds at <= {:g}, refuted above {:g}", *t.at_most,
                       t.refuted_above.value_or(*t.at_most));
  }
  return "–";
}

std::string verdict_cell(const CheckResult& check) {
  const auto verdict = to_string(check.verdict);
  if (check.verdict == Verdict::skipped || !check.estimate) return std::string(verdict);
  return check.kind == CheckKind::absolute ? fmt::format("{} {:.3g}", verdict, *check.estimate)
                                           : fmt::format("{} {:.3g}×", verdict, *check.estimate);
}

std::string machine_summary(const Machine& m) {
  std::string caches;
  for (const auto& c : m.caches) {
    if (c.name == "L1i") continue;
    caches += fmt::format(", {} {}", c.name,
                          c.size_bytes >= (1ull << 20) ? fmt::format("{} MiB", c.size_bytes >> 20)
                                                       : fmt::format("{} KiB", c.size_bytes >> 10));
  }
  return fmt::format("{} PUs / {} cores / {} package(s){}; {}; {}; governor {}; {}, {} build",
                     m.pus, m.cores, m.packages, caches,
                     m.virtualised ? "virtualised " + m.hypervisor_vendor : "bare metal", m.kernel,
                     m.governor, m.compiler, m.build_type);
}

std::string safe_file_stem(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out += (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '-';
  }
  return out.empty() ? "-" : out;
}

}  // namespace claimbench
