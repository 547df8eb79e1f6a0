// claimbench's version string, passed in by CMake from project(VERSION ...).
#include "claimbench/commands/version.hpp"

#ifndef CLAIMBENCH_VERSION
#error "CLAIMBENCH_VERSION must come from CMake's project(VERSION ...)"
#endif

namespace claimbench {

std::string_view version() {
  return CLAIMBENCH_VERSION;
}

}  // namespace claimbench
