/// Models of Go's context package: a cancellation flag (ctx.Done()) and a context.WithValue chain.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

namespace claimbench::go {

// Like ctx.Done()/cancel(): a one-way, idempotent flag that workers poll in their loops.
class CancelFlag {
 public:
  // Idempotent like Go's CancelFunc. release: everything written before cancel() (e.g. the
  // reason, partial results) is visible to a thread that then observes cancelled() == true,
  // matching Go where close(done) happens-before a receive that sees it closed.
  void cancel() noexcept {
    if (!flag_.exchange(true, std::memory_order_acq_rel)) flag_.notify_all();
  }

  // acquire rather than relaxed: relaxed would be enough to merely *stop* a loop, but callers
  // typically read state published by the canceller after seeing the flag, and that needs the
  // acquire. On x86 an acquire load is the same plain MOV as relaxed, so polling costs nothing
  // extra there (on ARM it is LDAR vs LDR).
  bool cancelled() const noexcept { return flag_.load(std::memory_order_acquire); }

  // Blocks until cancelled, like `<-ctx.Done()`.
  void wait() const noexcept { flag_.wait(false, std::memory_order_acquire); }

 private:
  std::atomic<bool> flag_{false};
};

// Go compares context keys with ==; the idiomatic key is the address of an unexported variable,
// so identity of a `const void*` is the faithful model. Small ints can be encoded with
// reinterpret_cast<const void*>(std::uintptr_t{n}).
using ContextKey = const void*;

// Like context.WithValue: every WithValue allocates an immutable node pointing at its parent, and
// Value(key) walks towards the root comparing keys. The trap: lookup is O(depth) with a dependent
// pointer chase per level, so contexts decorated by many middleware layers make every lookup a
// cache-miss chain. Immutability is what makes sharing a context across goroutines safe without
// locks; the only synchronisation cost is the shared_ptr refcount on copy.
class ValueContext {
 public:
  // context.Background(): empty chain.
  ValueContext() = default;

  // Returns the value of the nearest node with `key` (children shadow ancestors), or nullopt.
  std::optional<std::int64_t> lookup(ContextKey key) const noexcept {
    for (const Node* n = node_.get(); n != nullptr; n = n->parent.get()) {
      if (n->key == key) return n->value;
    }
    return std::nullopt;
  }

  // Number of WithValue layers between this context and Background.
  std::size_t depth() const noexcept { return node_ ? node_->depth : 0; }

  friend ValueContext with_value(const ValueContext& parent, ContextKey key, std::int64_t value);

 private:
  struct Node {
    ContextKey key;
    std::int64_t value;
    std::size_t depth;
    std::shared_ptr<const Node> parent;
    // Destruction is recursive through `parent`; fine for realistic depths (hundreds), but a
    // chain of ~1e5 nodes dropped at once could overflow the stack.
  };

  explicit ValueContext(std::shared_ptr<const Node> n) noexcept : node_(std::move(n)) {}

  std::shared_ptr<const Node> node_;
};

// context.WithValue(parent, key, value): returns a new child; `parent` is unchanged.
inline ValueContext with_value(const ValueContext& parent, ContextKey key, std::int64_t value) {
  return ValueContext(std::make_shared<const ValueContext::Node>(
      ValueContext::Node{key, value, parent.depth() + 1, parent.node_}));
}

}  // namespace claimbench::go
