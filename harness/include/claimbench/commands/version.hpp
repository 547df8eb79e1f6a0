#pragma once
/// claimbench's own version, from CMake's project(VERSION ...): printed by --version, recorded in
/// every result.

#include <string_view>

namespace claimbench {

/// "0.1.0": the project version this binary was built from.
std::string_view version();

}  // namespace claimbench
