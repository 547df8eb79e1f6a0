/// Treiber lock-free stacks: a naive one that suffers ABA and a version-tagged one that does not.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>

namespace claimbench::go {

// Intrusive node: the caller owns nodes and recycles them (push a popped node back), which is
// exactly how ABA arises in C/C++ — a node leaves the stack and returns at the same address.
// Go's GC prevents the "freed and reused" half of that story for heap nodes, but not for nodes a
// program recycles itself (a free list, a sync.Pool), so the mechanism is the same in both.
struct StackNode {
  // Atomic because a popper reads `next` of a node that another thread may be pushing again at
  // that moment (the benign race of every Treiber stack); relaxed is enough, the head CAS orders.
  std::atomic<StackNode*> next{nullptr};
  std::int64_t value = 0;
};

// Mechanism: the head is one CAS-able word. pop() reads head (phase 1: top and top->next), then
// swings head from top to next with a CAS (phase 2). The CAS only asks "is head still `top`?";
// if meanwhile top was popped, its successor popped too, and top pushed back, head is `top`
// again but `next` is stale: the CAS succeeds and installs a node that is no longer in the stack.
// The two phases are public so a test can interleave another thread's operations between them
// deterministically, on one thread, without sleeps.
class NaiveStack {
 public:
  /// What phase 1 of a pop saw; `top == nullptr` means the stack looked empty.
  struct PopAttempt {
    StackNode* top = nullptr;
    StackNode* next = nullptr;
  };

  void push(StackNode* node) noexcept {
    StackNode* old = head_.load(std::memory_order_relaxed);
    do {
      node->next.store(old, std::memory_order_relaxed);
      // release: a popper that sees `node` as head also sees node->next and node->value.
    } while (!head_.compare_exchange_weak(old, node, std::memory_order_release,
                                          std::memory_order_relaxed));
  }

  /// Phase 1 of a pop: read head and its successor.
  PopAttempt begin_pop() const noexcept {
    StackNode* top = head_.load(std::memory_order_acquire);
    if (top == nullptr) return {};
    return {top, top->next.load(std::memory_order_relaxed)};
  }

  /// Phase 2: head := attempt.next if head is still attempt.top. True when it was.
  bool finish_pop(const PopAttempt& attempt) noexcept {
    StackNode* expected = attempt.top;
    return head_.compare_exchange_strong(expected, attempt.next, std::memory_order_acquire,
                                         std::memory_order_relaxed);
  }

  /// Both phases, retried until they succeed; nullptr when empty.
  StackNode* pop() noexcept {
    for (;;) {
      const PopAttempt attempt = begin_pop();
      if (attempt.top == nullptr) return nullptr;
      if (finish_pop(attempt)) return attempt.top;
    }
  }

  bool empty() const noexcept { return head_.load(std::memory_order_acquire) == nullptr; }

 private:
  std::atomic<StackNode*> head_{nullptr};
};

// The fix the seed names: a version counter next to the pointer, bumped by every successful
// change of head, so "head is still `top`" becomes "head is still `top` *and nothing happened*".
// The pointer and a 16-bit version share one 64-bit word (x86-64 user-space addresses fit in 48
// bits with 4-level paging; Linux hands out higher ones only to mmap callers that ask), so a plain
// 8-byte CAS suffices. The alternative is a 16-byte CAS (cmpxchg16b), which GCC routes through
// libatomic. A 16-bit version can wrap: a pop preempted across exactly 65536 changes of head
// would still be fooled; a 16-byte CAS with a 64-bit version closes that window for good.
class TaggedStack {
 public:
  struct PopAttempt {
    StackNode* top = nullptr;
    StackNode* next = nullptr;
    std::uint64_t word = 0;  ///< head as phase 1 saw it: pointer and version together
  };

  static constexpr int kPointerBits = 48;
  static constexpr std::uint64_t kPointerMask = (std::uint64_t{1} << kPointerBits) - 1;

  void push(StackNode* node) noexcept {
    const auto bits = reinterpret_cast<std::uintptr_t>(node);
    if ((bits & ~kPointerMask) != 0) std::abort();  // an address the tag would overwrite
    std::uint64_t old = head_.load(std::memory_order_relaxed);
    do {
      node->next.store(pointer(old), std::memory_order_relaxed);
    } while (!head_.compare_exchange_weak(old, pack(node, version(old) + 1),
                                          std::memory_order_release, std::memory_order_relaxed));
  }

  PopAttempt begin_pop() const noexcept {
    const std::uint64_t word = head_.load(std::memory_order_acquire);
    StackNode* top = pointer(word);
    if (top == nullptr) return {};
    return {top, top->next.load(std::memory_order_relaxed), word};
  }

  /// Fails when head changed in any way since begin_pop, even if it points at `top` again.
  bool finish_pop(const PopAttempt& attempt) noexcept {
    std::uint64_t expected = attempt.word;
    return head_.compare_exchange_strong(expected, pack(attempt.next, version(attempt.word) + 1),
                                         std::memory_order_acquire, std::memory_order_relaxed);
  }

  StackNode* pop() noexcept {
    for (;;) {
      const PopAttempt attempt = begin_pop();
      if (attempt.top == nullptr) return nullptr;
      if (finish_pop(attempt)) return attempt.top;
    }
  }

  bool empty() const noexcept { return pointer(head_.load(std::memory_order_acquire)) == nullptr; }

  /// How many times head has changed, modulo 2^16; for tests and diagnostics.
  std::uint64_t changes() const noexcept { return version(head_.load(std::memory_order_acquire)); }

 private:
  static StackNode* pointer(std::uint64_t word) noexcept {
    return reinterpret_cast<StackNode*>(static_cast<std::uintptr_t>(word & kPointerMask));
  }
  static std::uint64_t version(std::uint64_t word) noexcept { return word >> kPointerBits; }
  static std::uint64_t pack(StackNode* node, std::uint64_t version) noexcept {
    // The shift drops the version's bits above 16: it wraps (see the class comment).
    return (version << kPointerBits) | reinterpret_cast<std::uintptr_t>(node);
  }

  std::atomic<std::uint64_t> head_{0};
};

static_assert(sizeof(void*) == 8, "TaggedStack packs a 48-bit pointer and a 16-bit version");
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<StackNode*>::is_always_lock_free);

}  // namespace claimbench::go
