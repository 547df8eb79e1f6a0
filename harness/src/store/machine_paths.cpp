// Messages without the file layout of the machine that wrote them.
#include "claimbench/store/machine_paths.hpp"

namespace claimbench {
namespace {

constexpr std::string_view kBefore = " \t\n('\"[=";  // what may precede a path
constexpr std::string_view kAfter = " \t\n'\")],;";  // what ends one

}  // namespace

std::string without_machine_paths(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const bool starts = text[i] == '/' && (i == 0 || kBefore.find(text[i - 1]) != kBefore.npos) &&
                        i + 1 < text.size() && kAfter.find(text[i + 1]) == kAfter.npos;
    if (!starts) {
      out += text[i++];
      continue;
    }
    std::size_t end = text.find_first_of(kAfter, i);
    if (end == text.npos) end = text.size();
    // A sentence's ':' or '.' after the path is not part of it.
    while (end > i + 1 && (text[end - 1] == ':' || text[end - 1] == '.'))
      --end;
    std::string_view path = text.substr(i, end - i);
    while (path.size() > 1 && path.back() == '/')
      path.remove_suffix(1);
    out += "…/";
    out += path.substr(path.rfind('/') + 1);
    i = end;
  }
  return out;
}

void strip_machine_paths(ClaimResult& claim) {
  claim.reason = without_machine_paths(claim.reason);
  for (auto& check : claim.checks) {
    check.reason = without_machine_paths(check.reason);
    if (check.go) check.go->reason = without_machine_paths(check.go->reason);
  }
  for (auto& variant : claim.variants)
    variant.skipped = without_machine_paths(variant.skipped);
  for (auto& unavailable : claim.counters.unavailable)
    unavailable.reason = without_machine_paths(unavailable.reason);
  claim.counters.note = without_machine_paths(claim.counters.note);
}

}  // namespace claimbench
