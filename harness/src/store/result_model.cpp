// Small conversions of the result model's enums and bounds.
#include "claimbench/store/result_model.hpp"

namespace claimbench {

std::string_view to_string(ClaimStatus status) {
  switch (status) {
    case ClaimStatus::ran:
      return "ran";
    case ClaimStatus::skipped:
      return "skipped";
    case ClaimStatus::interrupted:
      return "interrupted";
  }
  return "?";
}

ClaimResult claim_text(const Claim& claim) {
  ClaimResult out;
  out.id = claim.id;
  out.title = claim.title;
  out.fidelity = claim.fidelity;
  out.statement = claim.statement;
  out.analogue = claim.analogue;
  out.caveats = claim.caveats;
  out.go_meaning = claim.go_meaning;
  out.sources = claim.sources;
  out.go_file = claim.go_file;
  out.go_none = claim.go_none;
  return out;
}

Thresholds thresholds_of(const Check& check) {
  return {check.at_least, check.refuted_below, check.at_most, check.refuted_above, check.within};
}

}  // namespace claimbench
