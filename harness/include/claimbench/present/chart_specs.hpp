#pragma once
/// Chart specs (JSON for scripts/charts.py) from the result model: one claim on one machine, and
/// one claim's checks across machines.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "claimbench/store/result_set.hpp"

namespace claimbench {

/// 24 mid-luminance colours, colour-blind-aware first (Okabe-Ito, then Paul Tol's), readable on
/// light and dark backgrounds; a claim's variants take them in order.
const std::vector<std::string>& chart_palette();

/// A claim's variant -> colour map, stable across the claim's charts and across machines that
/// ran the same variants. Keys are colour keys: the variant label without threads and without
/// the size sweep's key:value ("packed", "naive"); Go twins are "go: <label>". Keys take palette
/// colours in the order the claim lists its variants, so no two keys share a colour while the
/// claim has at most chart_palette().size() of them.
std::map<std::string, std::string> claim_colours(const ClaimResult& claim);

/// Variant bars (median ns/op with 95% CI); for thread sweeps, throughput lines against
/// threads; for size sweeps (variants differing in one key:value), ns/op lines against the key,
/// on linear axes when the claim is about linear growth. Every bar and series carries its colour
/// key ("key") and colour ("colour"); line charts with more than 8 series are split into panels
/// ("panel"). The spec's "colours" holds the claim's map. File names are
/// "<claim>-<machine>-<kind>", of [a-z0-9-] only.
nlohmann::json claim_chart_spec(const ClaimResult& claim, const MachineResults& machine);

/// One chart of a claim's checks across machines: a panel per check, a mark per machine and side
/// (C++, and Go where the check has a Go outcome) at its ratio (or value, for absolute checks)
/// with its CI, coloured by verdict; the holds and refuted regions drawn as bands. File
/// "<claim>-across-cpus". {"charts": []} when no machine has the claim.
nlohmann::json claim_across_machines_spec(const std::vector<MachineResults>& machines,
                                          const std::string& claim_id);

}  // namespace claimbench
