#include "claimbench/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace claimbench {

void check_failed(const char* expression, const char* file, int line, const char* message) {
  std::fprintf(stderr, "claimbench: internal error at %s:%d: %s (%s)\n", file, line, message,
               expression);
  std::abort();
}

}  // namespace claimbench
