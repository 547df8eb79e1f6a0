// Tests for the model of Go's panic and recover (analogues/go_panic.hpp).
#include <catch2/catch.hpp>

#include "analogues/go_panic.hpp"
#include "codegen.hpp"

#include <csetjmp>
#include <cstdint>

namespace go = claimbench::go;

namespace {

// Frames between the panic and the boundary: ints only (longjmp runs no destructors).
int g_after_leaf = 0;  // counts returns through mid: a skipped frame must not count

CB_NOIPA int leaf(std::int64_t x) {
  if (x < 0) go::go_panic(-x);  // panics with the positive value
  return static_cast<int>(x);
}
CB_NOIPA int mid(std::int64_t x) {
  const int v = leaf(x);
  ++g_after_leaf;
  return v + 1;
}

struct Seen {
  int calls = 0;
  std::int64_t value = 0;  // what recover returned, 0 for nil
};

// func() { if e := recover(); e != nil { seen = e } }
CB_NOIPA void recovering(go::Defer& d) {
  auto* seen = static_cast<volatile Seen*>(d.env);
  seen->calls = seen->calls + 1;
  const go::GoAny e = go::go_recover();
  std::int64_t v = 0;
  if (e.as(v)) seen->value = v;
}
// func() { seen.calls++ } (a deferred call that does not recover)
CB_NOIPA void not_recovering(go::Defer& d) {
  auto* seen = static_cast<volatile Seen*>(d.env);
  seen->calls = seen->calls + 1;
}

// A protected call: result -1 when a panic was recovered here.
CB_NOIPA int protect(std::int64_t x, go::Defer::Fn fn, volatile Seen& seen) {
  volatile int r = -1;
  go::Defer d;
  go::defer_push(d, fn, &seen, __builtin_dwarf_cfa());
  if (setjmp(d.resume) == 0) {
    r = mid(x);
    go::deferreturn(d);
  }
  return r;
}

// An outer boundary around an inner one whose deferred call does not recover.
CB_NOIPA int protect_nested(std::int64_t x, volatile Seen& outer, volatile Seen& inner) {
  volatile int r = -1;
  go::Defer d;
  go::defer_push(d, &recovering, &outer, __builtin_dwarf_cfa());
  if (setjmp(d.resume) == 0) {
    r = protect(x, &not_recovering, inner) + 100;
    go::deferreturn(d);
  }
  return r;
}

}  // namespace

TEST_CASE("go_panic: the happy path runs the deferred call once, recover returns nil",
          "[analogues][go_panic]") {
  volatile Seen seen;
  g_after_leaf = 0;
  CHECK(protect(5, &recovering, seen) == 6);
  CHECK(std::int64_t{seen.calls} == 1);
  CHECK(std::int64_t{seen.value} == 0);
  CHECK(g_after_leaf == 1);
  CHECK(go::current_g().defer == nullptr);
  CHECK(go::current_g().panic == nullptr);
}

TEST_CASE(
    "go_panic: a recovered panic resumes in the protecting frame, skipping the frames "
    "between",
    "[analogues][go_panic]") {
  const std::uint32_t running = go::running_panic_defers.load();
  volatile Seen seen;
  g_after_leaf = 0;
  CHECK(protect(-22, &recovering, seen) == -1);  // r as the panic left it
  CHECK(std::int64_t{seen.calls} == 1);          // the deferred call ran once, not again
  CHECK(std::int64_t{seen.value} == 22);         // recover returned the panic's value
  CHECK(g_after_leaf == 0);                      // mid never got control back
  CHECK(go::current_g().defer == nullptr);
  CHECK(go::current_g().panic == nullptr);
  CHECK(go::running_panic_defers.load() == running);
  // The state is clean: the next protected calls work both ways.
  CHECK(protect(7, &recovering, seen) == 8);
  CHECK(protect(-9, &recovering, seen) == -1);
  CHECK(std::int64_t{seen.value} == 9);
}

TEST_CASE("go_panic: a value that Go boxes on the heap is boxed and freed",
          "[analogues][go_panic]") {
  // 1000 >= 256: convT64 allocates; under ASan/LSan a leaked box fails the run.
  volatile Seen seen;
  CHECK(protect(-1000, &recovering, seen) == -1);
  CHECK(std::int64_t{seen.value} == 1000);
  CHECK(go::GoAny::word_for(std::int64_t{1000}) == go::GoAny::Word::heap);
  CHECK(go::GoAny::word_for(std::int64_t{22}) == go::GoAny::Word::static_table);
}

TEST_CASE("go_panic: a deferred call that does not recover passes the panic outwards",
          "[analogues][go_panic]") {
  volatile Seen outer;
  volatile Seen inner;
  CHECK(protect_nested(-3, outer, inner) == -1);  // the outer frame recovered
  CHECK(std::int64_t{inner.calls} == 1);          // the inner deferred call ran first
  CHECK(std::int64_t{outer.calls} == 1);
  CHECK(std::int64_t{outer.value} == 3);
  CHECK(go::current_g().defer == nullptr);
  CHECK(go::current_g().panic == nullptr);

  volatile Seen outer2;
  volatile Seen inner2;
  CHECK(protect_nested(4, outer2, inner2) == 105);  // no panic: both run on the way out
  CHECK(std::int64_t{inner2.calls} == 1);
  CHECK(std::int64_t{outer2.calls} == 1);
  CHECK(std::int64_t{outer2.value} == 0);
}

TEST_CASE("go_panic: recover outside a panicking deferred call returns nil",
          "[analogues][go_panic]") {
  const go::GoAny e = go::go_recover();
  CHECK(e.type() == nullptr);
}

// The table-driven walk (analogues/frame_walk.hpp) on frames built without a frame pointer, as
// GCC builds the benchmark's at -O3: the debug and sanitizer presets keep rbp frames elsewhere,
// where the walk reports `unsupported` and go_panic falls back to _Unwind_Backtrace.
namespace {

namespace fw = go::frame_walk;

#if defined(__GNUC__) && !defined(__clang__)
#define CB_WALKED \
  [[gnu::noinline, gnu::optimize("omit-frame-pointer", "no-optimize-sibling-calls")]]
inline constexpr bool kWalkedFramesRspBased = fw::kSupported;
#else
#define CB_WALKED [[gnu::noinline]]
inline constexpr bool kWalkedFramesRspBased = false;
#endif

struct WalkSeen {
  fw::Result result = fw::Result::unsupported;
  int frames = -1;
};

volatile int g_walk_sink = 0;  // work after each call, so none of them is a tail call

// Starts at its caller's frame, as go_panic starts at the panicking function's.
CB_WALKED WalkSeen walk_from_caller(const void* target) {
  const fw::Start from{reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)),
                       reinterpret_cast<std::uintptr_t>(__builtin_dwarf_cfa())};
  WalkSeen seen;
  seen.result = fw::walk_to(from, target, seen.frames);
  g_walk_sink = g_walk_sink + 1;
  return seen;
}
CB_WALKED WalkSeen walk_inner(const void* target) {
  const WalkSeen seen = walk_from_caller(target);
  g_walk_sink = g_walk_sink + 1;
  return seen;
}
CB_WALKED WalkSeen walk_middle(const void* target) {
  const WalkSeen seen = walk_inner(target);
  g_walk_sink = g_walk_sink + 1;
  return seen;
}
// The boundary: its own CFA is the target (passed != 0), or the CFA minus `miss` (a place no
// frame's CFA is, so the walk must pass it and say so).
CB_WALKED WalkSeen walk_outer(std::uintptr_t miss) {
  const auto cfa = reinterpret_cast<std::uintptr_t>(__builtin_dwarf_cfa());
  const WalkSeen seen = walk_middle(reinterpret_cast<const void*>(cfa - miss));
  g_walk_sink = g_walk_sink + 1;
  return seen;
}

}  // namespace

TEST_CASE("frame_walk: the walk reaches the boundary's frame, decoding each frame once",
          "[analogues][go_panic]") {
  const WalkSeen seen = walk_outer(0);
  if constexpr (kWalkedFramesRspBased) {
    CHECK(seen.result == fw::Result::reached);
    CHECK(seen.frames == 3);  // walk_inner, walk_middle, walk_outer
  } else {
    CHECK(seen.result == fw::Result::unsupported);
  }
}

TEST_CASE("frame_walk: a target that is no frame's CFA is reported as not found",
          "[analogues][go_panic]") {
  const WalkSeen seen = walk_outer(8);
  if constexpr (kWalkedFramesRspBased) {
    CHECK(seen.result == fw::Result::not_found);
    CHECK(seen.frames == 3);  // it stops at the first frame whose CFA is past the target
  } else {
    CHECK(seen.result == fw::Result::unsupported);
  }
}
