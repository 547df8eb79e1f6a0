#pragma once
/// Chart specs (JSON for scripts/charts.py) of one claim on one machine, from the result model.

#include <nlohmann/json.hpp>

#include "claimbench/store/result_set.hpp"

namespace claimbench {

/// Variant bars (median ns/op with 95% CI); for thread sweeps, throughput lines against
/// threads; for size sweeps (variants differing in one key:value), ns/op lines against the key.
/// File names are "<claim>-<machine>-<kind>", of [a-z0-9-] only.
nlohmann::json claim_chart_spec(const ClaimResult& claim, const MachineResults& machine);

}  // namespace claimbench
