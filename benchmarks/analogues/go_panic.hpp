#pragma once
/// A model of Go's panic and recover (runtime/panic.go, go1.19): a defer record per recover
/// boundary, a boxed panic value, a stack walk to the deferring frame, the deferred call that
/// recovers, and a jump back into that frame, in place of C++'s two-phase exception unwinding.
///
/// Go's mechanism, and what each part of the model stands for:
///  - `defer func() { if e := recover(); ... }()` in a function f: go1.19 open-codes it. f's
///    frame holds the closure and a deferBits byte (set on entry); at each return f clears the
///    bit and calls the closure, which calls runtime.gorecover (nil: not panicking). Model: a
///    Defer record in the protecting frame (closure, bits, the frame's CFA as Go's d.sp) and a
///    resume point, recorded by setjmp (below); deferreturn() is the return's deferred call.
///  - panic(v): the value is boxed into an interface (convT*: a small integer-shaped value
///    points into staticuint64s, anything else is mallocgc'd; GoAny models that rule), gopanic
///    puts a _panic record on its own stack, links it into gp._panic and bumps the global
///    runningPanicDefers (a locked add), then addOneOpenDeferFrame walks the stack with the
///    runtime's table-driven unwinder (gentraceback: per frame findfunc(pc), then pcvalue to
///    decode the frame's sp delta from the pcsp table) until the first frame whose funcdata has
///    open-coded defers. Model: the box (GoAny), the record, the atomic add, and a walk from
///    the panicking function's frame doing the same two steps per frame (frame_walk.hpp: the
///    FDE found by pc, its CFA program decoded up to that pc) up to the frame whose CFA is the
///    record's; libgcc's _Unwind_Backtrace, ~4x dearer per frame, only where a frame is not
///    rsp-based (the debug and sanitizer builds keep frame pointers). The record is also
///    linked into a per-thread chain when the boundary is entered (g.defer, as go1.19 links
///    the defers it cannot open-code): one load and two stores on the
///    happy path that Go's open-coded defer does not pay; the walk still decides which frames
///    the panic reaches (a record whose frame the walk does not reach is a broken chain).
///  - The deferred call runs with the panic marked as running it; gorecover marks the panic
///    recovered and returns its value. Then gopanic unlinks the record, subtracts from
///    runningPanicDefers and calls recovery(), which resumes at f's deferreturn with f's sp
///    restored (gogo): the frames in between are discarded without running anything, and f
///    returns normally with the results the closure set. Model: longjmp to the record's resume
///    point. Go's recovery restores only sp and pc because Go's ABI has no callee-saved
///    registers; setjmp/longjmp also save and restore the C++ ABI's six callee-saved registers
///    (~3 ns of setjmp per protected call, measured on the happy path).
///
/// What the jump skips, and the rule that makes it safe: longjmp runs no destructors. C++ says
/// the jump is undefined if a throw to the same place would run a non-trivial destructor, so
/// every frame between go_panic and the protecting frame must hold only trivially destructible
/// objects (Go has no destructors; it runs the skipped frames' defers, which the model's
/// frames do not have). go_panic itself destroys its box and its record before it jumps.
/// Objects of the protecting frame that the closure changes must be volatile (setjmp's rule).
/// Under ASan, glibc's longjmp is intercepted (__asan_handle_no_return unpoisons the skipped
/// stack), and TSan intercepts setjmp/longjmp to unwind its shadow stack; GCC's
/// __builtin_setjmp (cheaper: it saves only fp, sp and pc, as Go does) is seen by neither.
///
/// Not modelled: nested panics (a panic while a deferred call runs), Goexit, the printing of an
/// unrecovered panic (here: a message and abort, where Go prints the value and exits 2).

#include <unwind.h>

#include <atomic>
#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "analogues/frame_walk.hpp"
#include "analogues/go_any.hpp"
#include "codegen.hpp"

namespace claimbench::go {

struct Panic;

/// One recover boundary's defer record (Go's _defer for an open-coded frame).
struct Defer {
  using Fn = void (*)(Defer&);  // the deferred closure; its captures are reached through env
  Fn fn = nullptr;
  volatile void* env = nullptr;  // the closure's captured variables (volatile: setjmp's rule)
  std::uint8_t bits = 0;         // deferBits: 1 while the deferred call is still to run
  void* sp = nullptr;            // the protecting frame's CFA (Go: d.sp), where the walk stops
  Panic* panic = nullptr;        // the panic running this defer (Go: d._panic)
  Defer* link = nullptr;         // the next record out (Go: d.link)
  std::jmp_buf resume;           // where recovery() resumes (Go: the frame's deferreturn)
};

/// gopanic's record (Go's _panic), on go_panic's stack.
struct Panic {
  GoAny arg;
  Panic* link = nullptr;
  bool running_defer = false;  // a deferred call of this panic is running (Go: p.argp set)
  bool recovered = false;
};

/// The goroutine's view of its defers and panics (Go's g._defer and g._panic).
struct G {
  Defer* defer = nullptr;
  Panic* panic = nullptr;
};

inline G& current_g() {
  thread_local G g;
  return g;
}

/// runtime.runningPanicDefers: a global count that gopanic adds to and recovery subtracts from.
inline std::atomic<std::uint32_t> running_panic_defers{0};

/// Entering a recover boundary: the deferBits byte set, the record linked. The caller records
/// the resume point with setjmp(d.resume) in its own frame right after this (a helper cannot:
/// the frame that called setjmp must still be live when longjmp jumps to it).
inline void defer_push(Defer& d, Defer::Fn fn, volatile void* env, void* frame_cfa) {
  d.fn = fn;
  d.env = env;
  d.bits = 1;
  d.sp = frame_cfa;
  G& g = current_g();
  d.link = g.defer;
  g.defer = &d;
}

/// The return path of the protecting frame (Go's open-coded deferreturn): if the deferred call
/// has not run (no panic reached it), clear the bit and run it; the record leaves the chain.
inline void deferreturn(Defer& d) {
  current_g().defer = d.link;
  if (d.bits != 0) {
    d.bits = 0;
    d.fn(d);
  }
}

/// runtime.gorecover: the panic's value if called from a deferred call that a panic is running
/// and nothing has recovered it yet; otherwise nil (an empty GoAny). The panic then stops.
CB_NOIPA inline GoAny go_recover() {
  Panic* p = current_g().panic;
  if (p != nullptr && p->running_defer && !p->recovered) {
    p->recovered = true;
    return std::move(p->arg);
  }
  return GoAny{};
}

namespace detail {

struct Walk {
  void* target;  // the CFA of the frame to reach
  int frames = 0;
  bool reached = false;
};

inline _Unwind_Reason_Code walk_frame(_Unwind_Context* ctx, void* arg) {
  auto& walk = *static_cast<Walk*>(arg);
  ++walk.frames;
  if (reinterpret_cast<void*>(_Unwind_GetCFA(ctx)) == walk.target) {
    walk.reached = true;
    return _URC_END_OF_STACK;  // stop here, as Go stops at the first frame with defers
  }
  return _URC_NO_REASON;
}

/// addOneOpenDeferFrame's stack walk to the deferring frame: Go's two steps per frame
/// (frame_walk.hpp: the function's table entry by pc, its sp-delta table decoded up to pc), or
/// libgcc's _Unwind_Backtrace where a frame is not rsp-based (no shortcut: every frame decoded).
inline bool walk_to_frame(frame_walk::Start start, void* target) {
  int frames = 0;
  switch (frame_walk::walk_to(start, target, frames)) {
    case frame_walk::Result::reached:
      return true;
    case frame_walk::Result::not_found:
      return false;
    case frame_walk::Result::unsupported:
      break;
  }
  Walk walk{target};
  _Unwind_Backtrace(&walk_frame, &walk);
  return walk.reached;
}

[[noreturn]] inline void fatal(const char* what) {
  std::fprintf(stderr, "go_panic: %s\n", what);
  std::abort();
}

/// gopanic's loop, up to the recovery: returns the resume point of the frame that recovered.
/// Everything with a destructor (the box, the record) is destroyed before go_panic jumps.
CB_NOIPA inline std::jmp_buf* run_defers(GoAny&& value, frame_walk::Start from) {
  G& g = current_g();
  Panic p{std::move(value), g.panic};
  g.panic = &p;
  running_panic_defers.fetch_add(1, std::memory_order_relaxed);  // Go: atomic.Xadd
  while (Defer* d = g.defer) {
    if (!walk_to_frame(from, d->sp)) fatal("a defer record's frame is not on the stack");
    d->panic = &p;
    d->bits = 0;
    p.running_defer = true;
    d->fn(*d);  // the deferred closure, which may call go_recover
    p.running_defer = false;
    d->panic = nullptr;
    g.defer = d->link;  // the record is done either way (freedefer)
    if (p.recovered) {
      g.panic = p.link;
      running_panic_defers.fetch_sub(1, std::memory_order_relaxed);
      return &d->resume;
    }
  }
  fatal("panic not recovered (Go prints the value and exits 2)");
}

}  // namespace detail

/// panic(value): boxes the value (GoAny: Go's convT rule), runs the deferred calls out to the
/// first that recovers, and resumes in that call's frame. Never returns.
template <class T>
[[noreturn, gnu::noinline]] void go_panic(const T& value) {
  // The walk starts at the panicking function's frame, as gopanic's starts at its caller's
  // (getcallerpc, getcallersp): go_panic and run_defers are the runtime's frames, not walked.
  const frame_walk::Start from{reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)),
                               reinterpret_cast<std::uintptr_t>(__builtin_dwarf_cfa())};
  std::jmp_buf* resume = nullptr;
  {
    GoAny boxed(value);
    resume = detail::run_defers(std::move(boxed), from);
  }                          // the box is destroyed here (empty: recover took the value)
  std::longjmp(*resume, 1);  // recovery(): gogo to the deferring frame's deferreturn
}

}  // namespace claimbench::go
