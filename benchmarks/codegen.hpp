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
// CB_LOOP / CB_SCALAR_LOOP: a loop function of its own (noinline; the second without the
// vectoriser) that starts on a 64-byte line, so every instruction sits at the same offset in
// its line in every build and its speed does not depend on where the linker happened to put it:
// a sub-ns loop with a branch in its body ran at 0.40 or 0.77 ns per element in two builds that
// differed only in other files (context-check's scalar modulo poll). Not align-loops: GCC 12
// aligns only some loop heads with it (the modulo loop's top kept `.p2align 4,,10`).
// CB_GO_LOOP, before a loop statement: the loop is not unrolled, as Go's gc compiler unrolls
// none (a Go runtime loop modelled in C++, e.g. the 8-slot scan of a map bucket, would
// otherwise run as straight-line code with one branch per slot that Go does not have).
#if defined(__GNUC__) && !defined(__clang__)
#define CB_GO_LOOP _Pragma("GCC unroll 1")
#define CB_SCALAR_BUILD [[gnu::noinline, gnu::optimize("no-tree-vectorize")]]
#define CB_NOIPA [[gnu::noipa]]
#define CB_ALIGN_LABELS [[gnu::optimize("align-labels=64")]]
#define CB_LOOP [[gnu::noinline, gnu::aligned(64)]]
#define CB_SCALAR_LOOP [[gnu::noinline, gnu::aligned(64), gnu::optimize("no-tree-vectorize")]]
#else
#define CB_GO_LOOP _Pragma("clang loop unroll(disable)")
#define CB_SCALAR_BUILD [[gnu::noinline]]
#define CB_NOIPA [[gnu::noinline]]
#define CB_ALIGN_LABELS
#define CB_LOOP [[gnu::noinline, gnu::aligned(64)]]
#define CB_SCALAR_LOOP [[gnu::noinline, gnu::aligned(64)]]
#endif

namespace claimbench {
#if defined(__GNUC__) && !defined(__clang__)
inline constexpr bool kHaveScalarBuild = true;
#else
inline constexpr bool kHaveScalarBuild = false;
#endif
}  // namespace claimbench
