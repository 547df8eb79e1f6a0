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

// What `select { case <-ctx.Done(): default: }` runs per poll in Go 1.19 (context.go, chan.go,
// select.go), the form the seeds poll with, in three steps:
//  1. ctx.Done() is an interface method call (itab load, indirect CALL) into cancelCtx.Done,
//     which loads the lazily created channel from an atomic.Value (and type-asserts it);
//  2. the select with a default compiles to runtime.selectnbrecv -> chanrecv(c, nil, false), a
//     call whose non-blocking fast path loads c.qcount and, when empty, c.closed (atomics);
//  3. neither call is inlined, so the loop around the poll cannot keep its sum in a vector.
// Go's twin measures ~8 ns per poll here (13x a 0.4 ns/element scalar sum); one inlined byte
// load (CancelFlag) is ~0.3 ns. ChanHeader holds the two words the fast path reads.
struct ChanHeader {
  std::atomic<std::uint32_t> qcount{0};  // buffered elements (always 0 for Done's channel)
  std::atomic<std::uint32_t> closed{0};
};

// The Context interface's Done method.
class DoneSource {
 public:
  virtual ~DoneSource() = default;
  virtual const ChanHeader* done() const noexcept = 0;

 protected:
  DoneSource() = default;
  DoneSource(const DoneSource&) = default;
  DoneSource& operator=(const DoneSource&) = default;
};

// chanrecv(c, nil, block=false)'s fast path: true when a receive would not block (a value is
// buffered, or the channel is closed). A nil channel never receives (false), as in Go.
[[gnu::noinline]] inline bool select_nb_recv(const ChanHeader* c) noexcept {
  if (c == nullptr) return false;
  if (c->qcount.load(std::memory_order_acquire) > 0) return true;
  return c->closed.load(std::memory_order_acquire) != 0;
}

// A cancelCtx whose Done channel exists (the first Done() call made it); cancel() closes it.
class CancelCtx final : public DoneSource {
 public:
  CancelCtx() noexcept { done_.store(&chan_, std::memory_order_release); }
  [[gnu::noinline]] const ChanHeader* done() const noexcept override {
    return done_.load(std::memory_order_acquire);  // atomic.Value.Load
  }
  void cancel() noexcept { chan_.closed.store(1, std::memory_order_release); }

 private:
  ChanHeader chan_;
  std::atomic<const ChanHeader*> done_{nullptr};
};

// The poll a benchmark loop calls: cancelled() is `select { case <-ctx.Done(): return; default: }`
// through the interface. The DoneSource pointer is laundered through an empty asm so the
// compiler cannot see the dynamic type and devirtualise the call, as Go's compiler cannot.
class SelectDoneFlag {
 public:
  SelectDoneFlag() noexcept : source_(&ctx_) { asm volatile("" : "+r"(source_)); }
  SelectDoneFlag(const SelectDoneFlag&) = delete;
  SelectDoneFlag& operator=(const SelectDoneFlag&) = delete;

  void cancel() noexcept { ctx_.cancel(); }
  bool cancelled() const noexcept { return select_nb_recv(source_->done()); }

 private:
  CancelCtx ctx_;
  const DoneSource* source_;
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
