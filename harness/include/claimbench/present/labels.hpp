#pragma once
/// How results are named in every output: variant labels, threshold sentences, verdict cells,
/// machine lines and safe file names. Console, notes, compare and charts all call these.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "claimbench/store/machine.hpp"
#include "claimbench/store/result_model.hpp"

namespace claimbench {

/// A variant's label within its claim: "BM_FalseSharing/packed/real_time/threads:2" is
/// "packed @2" when every variant of the claim has the family BM_FalseSharing, and
/// "Spawn/thread @2" when the claim mixes families (BM_Spawn, BM_IdleMemory), so two rows never
/// read the same. Without threads ("packed") it names a thread sweep's line.
/// A Go twin's name ("BenchmarkFalseSharing/packed") is labelled "go: packed" the same way,
/// its families compared with the claim's other Go twins only.
std::string variant_label(const ClaimResult& claim, const std::string& benchmark_name,
                          bool with_threads = true);

/// A variant row's label: as above, and a Go twin (whose name has no thread count) gets its
/// GOMAXPROCS: "go: packed @2".
std::string variant_label(const ClaimResult& claim, const VariantResult& variant,
                          bool with_threads = true);

/// Whether a claim is measured in Go only (fidelity class "go-only"): it has no C++ side.
bool is_go_only(const ClaimResult& claim);

/// A check's Go side: check.go; for a go-only claim that recorded its Go outcome in the check's
/// own fields, those. nullopt when no Go run was made for it.
std::optional<SideOutcome> go_side(const ClaimResult& claim, const CheckResult& check);

/// A check's C++ side as a SideOutcome (nullopt for go-only claims), so both sides render alike.
std::optional<SideOutcome> cpp_side(const ClaimResult& claim, const CheckResult& check);

/// "HOLDS 3.08×" / "HOLDS 512" / "SKIPPED" / "INCONCLUSIVE 1.07× (borderline)" for one side.
std::string side_cell(CheckKind kind, const SideOutcome& side);

/// "ratio 3.1× (95% CI 2.9–3.3) at 8 rounds", "1.02 (95% CI 1–1.04)", "SKIPPED: reason".
std::string side_numbers(CheckKind kind, const SideOutcome& side);

/// How far the analogue agrees with its Go twins on one claim. A check is compared where both
/// sides reached a verdict other than SKIPPED; it agrees when the verdicts are equal (an
/// INCONCLUSIVE against a HOLDS does not: Go's numbers do not support the analogue's answer).
struct Agreement {
  int agree = 0;
  int compared = 0;
  std::vector<std::string> differ;    ///< ids of compared checks whose verdicts differ
  std::vector<std::string> opposite;  ///< the subset where one side HOLDS and the other REFUTED
};
Agreement agreement(const ClaimResult& claim);
/// Sums claims' agreements (for a machine's overall figure).
Agreement& operator+=(Agreement& total, const Agreement& more);

/// "the analogue agrees with Go on 4 of 5 checks"; "no check has both sides" when none compared.
std::string agreement_text(const Agreement& agreement);
/// "4/5 (80%)" or "–".
std::string agreement_figure(const Agreement& agreement);

/// A claim marked direct whose Go side gives the opposite verdict on a check: its class is
/// asserted, and the measurement contradicts it.
bool fidelity_failure(const ClaimResult& claim);

/// "holds at >= 1.5, refuted below 1.1", "holds at <= 2, refuted above 3", "holds within ±10%".
std::string threshold_text(CheckKind kind, const Thresholds& thresholds);

/// "HOLDS 3.08×", "HOLDS 512" (absolute), "SKIPPED": a check's verdict and estimate for tables.
std::string verdict_cell(const CheckResult& check);

/// One line: PUs/cores/packages, caches, virtualisation, kernel, governor, compiler and build.
std::string machine_summary(const Machine& machine);

/// `text` as a file name stem of [a-z0-9-] only: upper case is lowered, anything else is '-'.
std::string safe_file_stem(std::string_view text);

}  // namespace claimbench
