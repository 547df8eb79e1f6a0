// The Go side of a run: toolchain and build once, procs per side, Go units, result lines.
#include "claimbench/measure/go_side.hpp"

#include <fmt/format.h>

namespace claimbench {

std::string go_package_of(const std::string& go_file) {
  return std::filesystem::path(go_file).parent_path().generic_string();
}

const std::filesystem::path* GoSetup::binary_for(const std::string& go_file,
                                                 std::string& why) const {
  const std::string package = go_package_of(go_file);
  if (package.empty()) return &binary;
  if (auto it = packages.find(package); it != packages.end()) return &it->second;
  auto error = package_errors.find(package);
  why = error != package_errors.end()
            ? error->second
            : fmt::format("the Go package '{}' was not built for this run", package);
  return nullptr;
}

GoSetup prepare_go(const std::filesystem::path& module_dir, const std::filesystem::path& build_dir,
                   const std::vector<std::string>& sub_packages) {
  GoSetup out;
  auto go = find_go();
  if (!go) {
    out.skip_reason = go.error().message;  // names the install command
    return out;
  }
  out.version = go->version;
  auto binary = build_twins(*go, module_dir, build_dir);
  if (!binary) {
    out.skip_reason = fmt::format("the Go twins did not build: {}", binary.error().message);
    return out;
  }
  out.enabled = true;
  out.skip_reason.clear();
  out.binary = *binary;
  for (const auto& package : sub_packages) {
    if (package.empty() || out.packages.contains(package)) continue;
    // A failed sub-package (no C compiler for cgo) skips only its claims' Go side.
    auto built = build_twins(*go, module_dir, build_dir, package);
    if (built) {
      out.packages[package] = *built;
    } else {
      out.package_errors[package] =
          fmt::format("the Go twins in '{}' did not build: {}", package, built.error().message);
    }
  }
  return out;
}

std::string go_unit(const std::string& metric) {
  if (metric == "ns_per_op") return "ns/op";
  if (metric == "allocs") return "allocs/op";
  if (metric == "alloc_bytes") return "B/op";
  return metric;
}

int go_procs(const Check& check, bool numerator) {
  const auto& ref = numerator ? check.numerator_ref : check.denominator_ref;
  if (ref) return ref->threads;
  // An absolute check has no denominator reference: its one side is the numerator's.
  if (!numerator && check.numerator_ref) return check.numerator_ref->threads;
  return check.threads;
}

bool wants_race_build(const std::string& twin) {
  return twin.ends_with("@race");
}

Repetition go_repetition(const GoBenchLine& line, int round) {
  Repetition rep;
  rep.round = round;
  rep.iterations = line.iterations;
  rep.real_time_s = line.ns_per_op * static_cast<double>(line.iterations) * 1e-9;
  rep.counters["ns/op"] = line.ns_per_op;
  if (line.bytes_per_op) rep.counters["B/op"] = *line.bytes_per_op;
  if (line.allocs_per_op) rep.counters["allocs/op"] = *line.allocs_per_op;
  for (const auto& [unit, value] : line.metrics)
    rep.counters[unit] = value;
  return rep;
}

}  // namespace claimbench
