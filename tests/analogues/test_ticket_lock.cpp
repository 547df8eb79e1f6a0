// Tests for claimbench::go::TicketLock (analogues/ticket_lock.hpp).
#include <catch2/catch.hpp>

#include "analogues/ticket_lock.hpp"

#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

using claimbench::go::TicketLock;

TEST_CASE("ticket_lock: try_lock and std lock adaptors", "[analogues][ticket_lock]") {
  TicketLock lk;
  CHECK(lk.queued() == 0);
  REQUIRE(lk.try_lock());
  CHECK(lk.queued() == 1);
  CHECK_FALSE(lk.try_lock());
  CHECK(lk.queued() == 1);  // a failed try_lock must not leave a ticket behind
  lk.unlock();
  CHECK(lk.queued() == 0);
  {
    std::unique_lock g(lk);
    CHECK(g.owns_lock());
    CHECK_FALSE(lk.try_lock());
  }
  {
    std::unique_lock g(lk, std::try_to_lock);
    CHECK(g.owns_lock());
  }
  TicketLock other;
  {
    std::scoped_lock g(lk, other);  // uses try_lock for deadlock avoidance
    CHECK_FALSE(lk.try_lock());
    CHECK_FALSE(other.try_lock());
  }
  CHECK(lk.try_lock());
  lk.unlock();
}

TEST_CASE("ticket_lock: counters live on separate cache lines", "[analogues][ticket_lock]") {
  CHECK(alignof(TicketLock) >= 64);
  CHECK(sizeof(TicketLock) >= 128);
}

TEST_CASE("ticket_lock: mutual exclusion under stress", "[analogues][ticket_lock][stress]") {
#if defined(__SANITIZE_THREAD__)
  constexpr int kIters = 5'000;
#else
  constexpr int kIters = 50'000;
#endif
  constexpr int kThreads = 4;
  TicketLock lk;
  std::int64_t counter = 0;  // deliberately non-atomic: lost updates expose a broken lock
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < kIters; ++i) {
        std::lock_guard g(lk);
        // Read-modify-write split across statements so overlapping holders lose increments.
        const std::int64_t v = counter;
        counter = v + 1;
      }
    });
  }
  for (auto& t : ts)
    t.join();
  CHECK(counter == std::int64_t{kThreads} * kIters);
  CHECK(lk.queued() == 0);
}

TEST_CASE("ticket_lock: hands off in FIFO arrival order", "[analogues][ticket_lock]") {
  constexpr int kWaiters = 6;
  TicketLock lk;
  std::vector<int> order;  // guarded by lk
  std::vector<std::thread> ts;

  lk.lock();
  for (int i = 0; i < kWaiters; ++i) {
    ts.emplace_back([&, i] {
      lk.lock();
      order.push_back(i);
      lk.unlock();
    });
    // Deterministic arrival order: do not start waiter i+1 until waiter i holds its ticket
    // (holder + i+1 waiters issued).
    while (lk.queued() != static_cast<std::uint32_t>(i + 2))
      std::this_thread::yield();
  }
  lk.unlock();
  for (auto& t : ts)
    t.join();

  REQUIRE(order.size() == kWaiters);
  for (int i = 0; i < kWaiters; ++i)
    CHECK(order[static_cast<std::size_t>(i)] == i);
}
