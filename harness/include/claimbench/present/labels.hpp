#pragma once
/// How results are named in every output: variant labels, threshold sentences, verdict cells,
/// machine lines and safe file names. Console, notes, compare and charts all call these.

#include <string>
#include <string_view>

#include "claimbench/store/machine.hpp"
#include "claimbench/store/result_model.hpp"

namespace claimbench {

/// A variant's label within its claim: "BM_FalseSharing/packed/real_time/threads:2" is
/// "packed @2" when every variant of the claim has the family BM_FalseSharing, and
/// "Spawn/thread @2" when the claim mixes families (BM_Spawn, BM_IdleMemory), so two rows never
/// read the same. Without threads ("packed") it names a thread sweep's line.
std::string variant_label(const ClaimResult& claim, const std::string& benchmark_name,
                          bool with_threads = true);

/// "holds at >= 1.5, refuted below 1.1", "holds at <= 2, refuted above 3", "holds within ±10%".
std::string threshold_text(CheckKind kind, const Thresholds& thresholds);

/// "HOLDS 3.08×", "HOLDS 512" (absolute), "SKIPPED": a check's verdict and estimate for tables.
std::string verdict_cell(const CheckResult& check);

/// One line: PUs/cores/packages, caches, virtualisation, kernel, governor, compiler and build.
std::string machine_summary(const Machine& machine);

/// `text` as a file name stem of [a-z0-9-] only: upper case is lowered, anything else is '-'.
std::string safe_file_stem(std::string_view text);

}  // namespace claimbench
