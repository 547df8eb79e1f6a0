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

/// Propagates an error: `CB_TRY(claim, load_claim(path));` declares `claim` holding the value of
/// an Expected<T>, or returns its error from the enclosing function (which returns Expected<U>).
#define CB_TRY(var, expr)                                          \
  auto var##_result = (expr);                                      \
  if (!var##_result) return std::unexpected(var##_result.error()); \
  auto var = std::move(*var##_result)

/// The same for an Expected<void> (or a value not needed): `CB_TRY_VOID(writer.write(doc));`.
#define CB_TRY_VOID(expr)                                        \
  do {                                                           \
    if (auto cb_try_result_ = (expr); !cb_try_result_)           \
      return std::unexpected(std::move(cb_try_result_).error()); \
  } while (false)

/// Aborts with a message when an internal invariant is broken (active in every build type,
/// unlike assert, which NDEBUG removes from the release build that measures).
#define CB_CHECK(cond, message) \
  ((cond) ? (void)0 : ::claimbench::check_failed(#cond, __FILE__, __LINE__, (message)))
