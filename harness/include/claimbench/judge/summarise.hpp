#pragma once
/// The runner's raw output turned into the result model: the one place summaries are computed.

#include "claimbench/measure/runner.hpp"
#include "claimbench/store/result_model.hpp"

namespace claimbench {

/// Per-variant median, CI and spread of ns/op and the counters per op, the counter columns, and
/// the claim's text and checks, copied from the claim the run measured.
ClaimResult summarise(const ClaimRun& run);

}  // namespace claimbench
