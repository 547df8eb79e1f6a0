#pragma once
/// Where bench's data files are, found from the executable's own location, never a path baked
/// in at build time: an installed tree can be moved, a build tree finds its sources.

#include <filesystem>
#include <string>

namespace claimbench {

/// The folder holding the running executable (from /proc/self/exe); empty when unreadable.
std::filesystem::path executable_dir();

/// The claims folder: $CLAIMBENCH_CLAIMS when set; else <exe>/<rel>/claims in an installed tree
/// (<rel> = the data directory relative to the binary, "../share/claimbench" by default); else
/// <source>/claims for a build tree (the source directory read from the CMakeCache.txt next to
/// or above the executable); else "claims" in the working directory.
std::filesystem::path default_claims_dir();

/// scripts/charts.py, found the same way ($CLAIMBENCH_CHARTS overrides).
std::filesystem::path charts_script();

/// The Go twins' module (benchmarks/go), found the same way ($CLAIMBENCH_GO_MODULE overrides).
std::filesystem::path go_module_dir();

/// Where the twins' test binary is built and cached: next to the executable (<exe>/go/...) when
/// that folder is writable (a build tree), else $XDG_CACHE_HOME/claimbench (~/.cache/claimbench).
std::filesystem::path go_build_dir();

/// Reduces an absolute path the user typed to "…/<last component>", so a result never records
/// the layout of the machine that ran it; anything else is returned unchanged.
std::string redact_path(const std::string& argument);

}  // namespace claimbench
