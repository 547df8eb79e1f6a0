#pragma once
/// Console output, rendered from the result model: the machine, a table per claim, verdict
/// lines, a summary.

#include <string>
#include <vector>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/measure/placement.hpp"
#include "claimbench/measure/topology.hpp"
#include "claimbench/store/machine.hpp"
#include "claimbench/store/result_model.hpp"
#include "claimbench/store/result_set.hpp"

namespace claimbench {

struct Style {
  bool color = false;
};

/// Colour on when stdout is a terminal and NO_COLOR is unset or empty.
Style style_for_stdout();

std::string render_machine(const Machine& machine, const Style& style);
std::string render_topology(const Topology& topology, const Placement& placement);
/// Placement, probe, counters, the variant table and the verdict lines of one claim.
std::string render_claim(const ClaimResult& claim, const Style& style);
/// One row per check: claim, check, verdict, ratio.
std::string render_summary(const std::vector<ClaimResult>& claims, const Style& style);
std::string render_claim_text(const Claim& claim);
std::string render_list(const Catalog& catalog);
/// The list with, per machine of `machines`, each claim's measured agreement with its Go twins
/// and fidelity failures flagged (bench list --results); with none, the plain list.
std::string render_list(const Catalog& catalog, const std::vector<MachineResults>& machines);
std::string verdict_text(Verdict verdict, const Style& style);

}  // namespace claimbench
