#pragma once
/// The Go side of a run: the twin binary prepared once, a check's twins as variants, Go units.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "claimbench/catalog/claims.hpp"
#include "claimbench/measure/go_twins.hpp"
#include "claimbench/store/result_model.hpp"

namespace claimbench {

/// Whether this run measures Go twins, and with which binary; prepared once per `bench run`.
struct GoSetup {
  bool enabled = false;
  std::string skip_reason = "Go twins were not requested";  ///< why not, when !enabled
  std::filesystem::path binary;                             ///< the module root's test binary
  std::string version;                                      ///< "go1.19.8"
  /// Twins in a sub-package (go_file "cgocall/cgocall_test.go": cgo needs its own package so
  /// the rest builds without it): package directory -> its test binary, or why it did not build.
  std::map<std::string, std::filesystem::path> packages;
  std::map<std::string, std::string> package_errors;
  /// The binary for a claim's go_file, or nullptr with the reason in `why`.
  const std::filesystem::path* binary_for(const std::string& go_file, std::string& why) const;
};

/// Finds go and builds the twins of `module_dir` into `build_dir` (cached: build_twins).
/// Never fails: a missing toolchain or a failed build comes back as a disabled setup whose
/// reason carries the install command or the compiler's own message.
GoSetup prepare_go(const std::filesystem::path& module_dir, const std::filesystem::path& build_dir,
                   const std::vector<std::string>& sub_packages = {});

/// The package directory of a claim's go_file: "" for the module root, "cgocall" for
/// "cgocall/cgocall_test.go".
std::string go_package_of(const std::string& go_file);

/// The Go unit that stands for a check's C++ metric: ns_per_op -> "ns/op", allocs ->
/// "allocs/op", alloc_bytes -> "B/op"; any other name is a b.ReportMetric unit, used as is.
std::string go_unit(const std::string& metric);

/// GOMAXPROCS (and PUs) for one side of a check's Go twins: the C++ reference's threads on that
/// side, or the check's own `threads` in a go-only claim.
int go_procs(const Check& check, bool numerator);

/// Twin names ending in "@race" ask for a -race build, which the runner does not make yet.
bool wants_race_build(const std::string& twin);

/// One result line as a repetition: iterations, wall time, and every unit as a counter
/// ("ns/op", "B/op", "allocs/op" and each reported metric), read back through go_unit.
Repetition go_repetition(const GoBenchLine& line, int round);

}  // namespace claimbench
