// ClaimRun -> ClaimResult: medians, intervals and spreads are computed here and nowhere else.
#include "claimbench/judge/summarise.hpp"

#include <cmath>

#include "claimbench/judge/stats.hpp"

namespace claimbench {
namespace {

std::optional<double> finite_value(double value) {
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

VariantResult summarise_variant(const VariantRun& variant,
                                const std::vector<std::string>& counter_names) {
  VariantResult out;
  out.name = variant.name;
  out.threads = variant.threads;
  out.go = variant.go;
  out.skipped = variant.skipped;
  out.ops_per_iteration = variant.ops_per_iteration();
  out.placement = variant.placement;
  std::vector<double> ns;
  for (const auto& rep : variant.repetitions) {
    const double ns_per_op = variant.metric(rep, "ns_per_op");
    ns.push_back(ns_per_op);
    out.repetitions.push_back({rep, finite_value(ns_per_op)});
  }
  if (!ns.empty()) {
    out.summary.ns_per_op = {finite_value(median(ns)), median_interval(ns, 0.95),
                             finite_value(relative_spread(ns))};
    for (const auto& name : counter_names) {
      std::vector<double> values;
      for (const auto& rep : variant.repetitions)
        values.push_back(variant.metric(rep, name));
      out.summary.per_op[name] = finite_value(median(values));
    }
  }
  return out;
}

CheckResult check_result(const Check& check, const CheckOutcome& outcome) {
  CheckResult out;
  out.id = check.id;
  out.says = check.says;
  out.kind = check.kind;
  out.numerator = check.numerator;
  out.denominator = check.denominator;
  out.metric = check.metric;
  out.thresholds = thresholds_of(check);
  out.mechanism = check.mechanism;
  out.go_none = check.go_none;
  out.verdict = outcome.verdict;
  out.estimate = finite_value(outcome.estimate);
  out.ci = outcome.ci;
  out.confidence = outcome.confidence;
  out.pairs = outcome.pairs;
  out.spread_numerator = finite_value(outcome.spread_numerator);
  out.spread_denominator = finite_value(outcome.spread_denominator);
  out.mechanism_ratio = outcome.mechanism_ratio;
  out.reason = outcome.reason;
  out.rounds = outcome.rounds;
  out.undecided = outcome.undecided;
  return out;
}

SideOutcome side_outcome(const GoCheckRun& go) {
  const CheckOutcome& outcome = go.outcome;
  SideOutcome out;
  out.numerator = go.numerator;
  out.denominator = go.denominator;
  out.estimate = finite_value(outcome.estimate);
  out.ci = outcome.ci;
  out.confidence = outcome.confidence;
  out.pairs = outcome.pairs;
  out.rounds = outcome.rounds;
  out.verdict = outcome.verdict;
  out.undecided = outcome.undecided;
  out.reason = outcome.reason;
  return out;
}

LoadRecord load_record(const LoadReport& report) {
  LoadRecord out{
      report.load_before, report.load_after, report.steal_fraction, {}, report.summary()};
  for (const auto& c : report.competitors)
    out.competitors.push_back({c.pid, c.command, c.pu});
  return out;
}

}  // namespace

ClaimResult summarise(const ClaimRun& run) {
  const Claim& claim = *run.claim;
  ClaimResult out = claim_text(claim);
  out.status = run.skipped       ? ClaimStatus::skipped
               : run.interrupted ? ClaimStatus::interrupted
                                 : ClaimStatus::ran;
  out.reason = run.skip_reason;
  out.seconds = run.seconds;
  out.placement.policy = std::string(to_string(run.placement.policy));
  for (const auto& pu : run.placement.pus)
    out.placement.pus.push_back(static_cast<int>(pu.os_index));
  out.placement.shared_cache = run.shared_cache;
  out.counters.requested = run.counters.requested;
  out.counters.opened = run.counters.opened_names();
  for (const auto& u : run.counters.unavailable)
    out.counters.unavailable.push_back({u.event, u.reason});
  out.counters.fell_back = run.counters.fell_back;
  out.counters.perf_event_paranoid = run.counters.perf_event_paranoid;
  out.counters.hypervisor = run.counters.hypervisor;
  out.counters.explaining = explaining_counters(run);
  out.counters.note = run.counters.summary();
  out.probe_before_ns = run.probe_before_ns;
  out.probe_after_ns = run.probe_after_ns;
  if (run.load) out.load = load_record(*run.load);
  // The columns, plus bytes allocated, which the notes do not show but compare.py users ask for.
  std::vector<std::string> counter_names = out.counters.explaining;
  counter_names.push_back("alloc_bytes");
  for (const auto& variant : run.variants)
    out.variants.push_back(summarise_variant(variant, counter_names));
  const bool go_only = claim.benchmarks.empty();
  for (std::size_t i = 0; i < claim.checks.size() && i < run.checks.size(); ++i) {
    CheckResult check = check_result(claim.checks[i], run.checks[i]);
    if (i < run.go_checks.size() && run.go_checks[i]) {
      check.go = side_outcome(*run.go_checks[i]);
      // A go-only check's main fields are its Go side (see run_claim): name the twins there.
      if (go_only) {
        check.numerator = run.go_checks[i]->numerator;
        check.denominator = run.go_checks[i]->denominator;
      }
    }
    out.checks.push_back(std::move(check));
  }
  return out;
}

}  // namespace claimbench
