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

Thresholds thresholds_of(const Check& check) {
  return {check.at_least, check.refuted_below, check.at_most, check.refuted_above, check.within};
}

}  // namespace claimbench
