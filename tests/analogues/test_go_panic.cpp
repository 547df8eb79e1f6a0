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
