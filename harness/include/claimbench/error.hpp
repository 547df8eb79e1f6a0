#pragma once
/// Value-or-error returns for input the user controls, and one abort macro for broken invariants.

#include <expected>
#include <string>
#include <utility>

namespace claimbench {

/// What went wrong with an input, already phrased for the user (names the file, line, field).
struct Error {
  std::string message;
};

template <class T>
using Expected = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected(Error{std::move(message)});
}

[[noreturn]] void check_failed(const char* expression, const char* file, int line,
                               const char* message);

}  // namespace claimbench

/// Aborts with a message when an internal invariant is broken (active in every build type,
/// unlike assert, which NDEBUG removes from the release build that measures).
#define CB_CHECK(cond, message) \
  ((cond) ? (void)0 : ::claimbench::check_failed(#cond, __FILE__, __LINE__, (message)))
