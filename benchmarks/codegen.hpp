#pragma once
/// Attributes that decide how one benchmark function is compiled (GCC; the nearest elsewhere).

// CB_SCALAR_BUILD: noinline keeps a loop in a function of its own, so the optimize attribute
// decides how it is compiled — without the vectoriser, as Go's compiler compiles every loop.
// GCC only: clang has no per-function vectoriser switch, so variants that need the scalar form
// skip where kHaveScalarBuild is false.
// CB_NOIPA: a call GCC may not inline, clone for constant arguments, or analyse as pure. Clang
// has no such attribute; noinline is the nearest.
// CB_ALIGN_LABELS: every jump target of the function starts a 64-byte line, so two arms that
// run the same instructions cannot differ by where they happen to sit (GCC only; clang has no
// per-function alignment switch).
#if defined(__GNUC__) && !defined(__clang__)
#define CB_SCALAR_BUILD [[gnu::noinline, gnu::optimize("no-tree-vectorize")]]
#define CB_NOIPA [[gnu::noipa]]
#define CB_ALIGN_LABELS [[gnu::optimize("align-labels=64")]]
#else
#define CB_SCALAR_BUILD [[gnu::noinline]]
#define CB_NOIPA [[gnu::noinline]]
#define CB_ALIGN_LABELS
#endif

namespace claimbench {
#if defined(__GNUC__) && !defined(__clang__)
inline constexpr bool kHaveScalarBuild = true;
#else
inline constexpr bool kHaveScalarBuild = false;
#endif
}  // namespace claimbench
