/// Tells ASan and TSan about user-space stack switches between a thread's g0 and its fibers.
#pragma once

#include <cstddef>

// Sanitizers must be told when the stack changes under them, or a fiber switch looks like a
// corrupt stack (ASan) or unbalanced function entries and races (TSan).
#if defined(__SANITIZE_ADDRESS__)
#define CLAIMBENCH_ASAN_FIBERS 1
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__SANITIZE_THREAD__)
#define CLAIMBENCH_TSAN_FIBERS 1
#include <sanitizer/tsan_interface.h>
#endif

namespace claimbench::go {

/// One fiber's side of the bookkeeping (a goroutine's): its TSan fiber, and ASan's fake stack
/// while it is parked.
struct FiberSanitizerState {
  void* tsan_fiber = nullptr;
  void* asan_fake_stack = nullptr;
};

/// The scheduler thread's (g0's) side; every call compiles to nothing in a normal build.
class FiberSanitizer {
 public:
  void create(FiberSanitizerState& fiber) {
#ifdef CLAIMBENCH_TSAN_FIBERS
    fiber.tsan_fiber = __tsan_create_fiber(0);
#endif
    (void)fiber;
  }
  void destroy(FiberSanitizerState& fiber) {
#ifdef CLAIMBENCH_TSAN_FIBERS
    if (fiber.tsan_fiber != nullptr) __tsan_destroy_fiber(fiber.tsan_fiber);
    fiber.tsan_fiber = nullptr;
#endif
    (void)fiber;
  }
  // On g0, before resuming a fiber whose stack is [stack_bottom, stack_bottom + stack_size).
  void switching_to(FiberSanitizerState& fiber, const void* stack_bottom, std::size_t stack_size) {
#ifdef CLAIMBENCH_ASAN_FIBERS
    __sanitizer_start_switch_fiber(&asan_fake_stack_, stack_bottom, stack_size);
#endif
#ifdef CLAIMBENCH_TSAN_FIBERS
    if (tsan_g0_ == nullptr) tsan_g0_ = __tsan_get_current_fiber();
    __tsan_switch_to_fiber(fiber.tsan_fiber, 0);
#endif
    (void)fiber;
    (void)stack_bottom;
    (void)stack_size;
  }
  // On the fiber, before switching back to g0 (for good when `dying`).
  void leaving_to_g0(FiberSanitizerState& fiber, bool dying) {
#ifdef CLAIMBENCH_ASAN_FIBERS
    __sanitizer_start_switch_fiber(dying ? nullptr : &fiber.asan_fake_stack, g0_bottom_, g0_size_);
#endif
#ifdef CLAIMBENCH_TSAN_FIBERS
    __tsan_switch_to_fiber(tsan_g0_, 0);
#endif
    (void)fiber;
    (void)dying;
  }
  // On the fiber's stack, after a switch from g0: learns g0's stack (the thread's) from it.
  void entered_fiber(FiberSanitizerState& fiber) {
#ifdef CLAIMBENCH_ASAN_FIBERS
    __sanitizer_finish_switch_fiber(fiber.asan_fake_stack, &g0_bottom_, &g0_size_);
#endif
    (void)fiber;
  }
  void entered_g0() {
#ifdef CLAIMBENCH_ASAN_FIBERS
    __sanitizer_finish_switch_fiber(asan_fake_stack_, nullptr, nullptr);
#endif
  }

 private:
  [[maybe_unused]] void* asan_fake_stack_ = nullptr;  // g0's, while a fiber runs
  [[maybe_unused]] const void* g0_bottom_ = nullptr;
  [[maybe_unused]] std::size_t g0_size_ = 0;
  [[maybe_unused]] void* tsan_g0_ = nullptr;
};

}  // namespace claimbench::go
