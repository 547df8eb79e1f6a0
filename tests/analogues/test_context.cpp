// Tests for claimbench::go::CancelFlag and ValueContext (analogues/context.hpp).
#include <catch2/catch.hpp>

#include "analogues/context.hpp"

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

using claimbench::go::CancelFlag;
using claimbench::go::ContextKey;
using claimbench::go::ValueContext;
using claimbench::go::with_value;

namespace {
// Go-style keys: identity of distinct objects.
const int kUserKey = 0;
const int kTraceKey = 0;
const int kMissingKey = 0;
ContextKey user() {
  return &kUserKey;
}
ContextKey trace() {
  return &kTraceKey;
}
ContextKey missing() {
  return &kMissingKey;
}
}  // namespace

TEST_CASE("context: background has no values", "[analogues][context]") {
  const ValueContext bg;
  CHECK(bg.depth() == 0);
  CHECK_FALSE(bg.lookup(user()).has_value());
}

TEST_CASE("context: lookup finds the nearest value and shadows ancestors", "[analogues][context]") {
  const ValueContext bg;
  const ValueContext c1 = with_value(bg, user(), 1);
  const ValueContext c2 = with_value(c1, trace(), 2);
  const ValueContext c3 = with_value(c2, user(), 3);  // shadows c1's user

  CHECK(c3.depth() == 3);
  CHECK(c3.lookup(user()) == 3);
  CHECK(c3.lookup(trace()) == 2);
  CHECK(c2.lookup(user()) == 1);  // parents are immutable: the child did not change them
  CHECK(c1.lookup(user()) == 1);
  CHECK_FALSE(c1.lookup(trace()).has_value());
  CHECK_FALSE(c3.lookup(missing()).has_value());
  CHECK_FALSE(bg.lookup(user()).has_value());
}

TEST_CASE("context: keys compare by identity, not by pointee value", "[analogues][context]") {
  // kUserKey and kTraceKey both hold 0; Go compares key identity, so they must not alias.
  const ValueContext c = with_value(ValueContext{}, user(), 10);
  CHECK_FALSE(c.lookup(trace()).has_value());
  // Small-int keys.
  const auto k7 = reinterpret_cast<ContextKey>(std::uintptr_t{7});
  const auto k8 = reinterpret_cast<ContextKey>(std::uintptr_t{8});
  const ValueContext d = with_value(c, k7, 70);
  CHECK(d.lookup(k7) == 70);
  CHECK_FALSE(d.lookup(k8).has_value());
  CHECK(d.lookup(user()) == 10);
}

TEST_CASE("context: depth-64 chain", "[analogues][context]") {
  constexpr int kDepth = 64;
  std::vector<int> keys(kDepth);  // distinct addresses
  ValueContext ctx;
  for (int i = 0; i < kDepth; ++i)
    ctx = with_value(ctx, &keys[static_cast<std::size_t>(i)], i);
  CHECK(ctx.depth() == kDepth);
  for (int i = 0; i < kDepth; ++i) {
    CHECK(ctx.lookup(&keys[static_cast<std::size_t>(i)]) == i);  // root-most needs 64 hops
  }
  CHECK_FALSE(ctx.lookup(missing()).has_value());
  // Shadow the deepest (root-most) key at the leaf.
  const ValueContext leaf = with_value(ctx, &keys[0], -1);
  CHECK(leaf.lookup(&keys[0]) == -1);
  CHECK(ctx.lookup(&keys[0]) == 0);
}

TEST_CASE("context: chain outlives the handles that built it and is shareable across threads",
          "[analogues][context]") {
  ValueContext leaf;
  {
    ValueContext root = with_value(ValueContext{}, user(), 5);
    leaf = with_value(root, trace(), 6);
  }  // root handle gone; the node is kept alive by the child's parent pointer
  std::atomic<int> mismatches{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&, t] {
      // Concurrent readers and concurrent derivation from the same immutable parent.
      const ValueContext mine = with_value(leaf, missing(), t);
      for (int i = 0; i < 1000; ++i) {
        if (mine.lookup(user()) != 5 || mine.lookup(trace()) != 6 || mine.lookup(missing()) != t) {
          mismatches.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : ts)
    th.join();
  CHECK(mismatches.load() == 0);
  CHECK_FALSE(leaf.lookup(missing()).has_value());
}

TEST_CASE("context: CancelFlag is idempotent and visible across threads",
          "[analogues][context][cancel]") {
  CancelFlag flag;
  CHECK_FALSE(flag.cancelled());

  // Data published before cancel() must be visible after observing cancelled() (acquire).
  int reason = 0;  // non-atomic on purpose: TSan would flag missing synchronisation
  std::atomic<bool> worker_started{false};
  int seen_reason = -1;
  std::thread poller([&] {
    worker_started.store(true, std::memory_order_release);
    while (!flag.cancelled())
      std::this_thread::yield();
    seen_reason = reason;
  });
  int waited_reason = -1;
  std::thread waiter([&] {
    flag.wait();  // like <-ctx.Done()
    waited_reason = reason;
  });

  while (!worker_started.load(std::memory_order_acquire))
    std::this_thread::yield();
  reason = 42;
  flag.cancel();
  flag.cancel();  // idempotent, no error
  poller.join();
  waiter.join();

  CHECK(flag.cancelled());
  CHECK(seen_reason == 42);
  CHECK(waited_reason == 42);
  flag.wait();  // already cancelled: returns immediately
}

TEST_CASE("context: select-default poll on Done reports closed, buffered, and nil channels",
          "[analogues][context]") {
  using claimbench::go::ChanHeader;
  using claimbench::go::select_nb_recv;
  claimbench::go::SelectDoneFlag flag;
  CHECK_FALSE(flag.cancelled());  // open, empty: the default case runs
  CHECK_FALSE(flag.cancelled());  // polling does not consume anything
  flag.cancel();
  CHECK(flag.cancelled());  // closed: the receive case is ready
  CHECK(flag.cancelled());  // and stays ready (a closed channel receives forever)

  CHECK_FALSE(select_nb_recv(nullptr));  // a nil channel is never ready
  ChanHeader ch;
  CHECK_FALSE(select_nb_recv(&ch));
  ch.qcount.store(1);
  CHECK(select_nb_recv(&ch));  // a buffered value is ready though the channel is open
}

TEST_CASE("context: SelectDoneFlag cancel is seen by a polling thread", "[analogues][context]") {
  claimbench::go::SelectDoneFlag flag;
  std::atomic<bool> saw{false};
  std::thread poller([&] {
    while (!flag.cancelled()) {
    }
    saw = true;
  });
  flag.cancel();
  poller.join();
  CHECK(saw);
}
