/// Checks every mutex model must pass: its state word alone, and mutual exclusion under stress.
#pragma once

#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

namespace claimbench::test {

// One thread: lock, try_lock on the held lock, unlock, try_lock, lock_guard; `locked` is the
// model's state word when held without waiters.
template <class Mutex>
void check_single_thread_states(Mutex& mu, int locked) {
  CHECK(mu.state() == 0);
  mu.lock();
  CHECK(mu.state() == locked);
  CHECK_FALSE(mu.try_lock());
  mu.unlock();
  CHECK(mu.state() == 0);
  REQUIRE(mu.try_lock());
  mu.unlock();
  {
    std::lock_guard lock(mu);
    CHECK(mu.state() == locked);
  }
  CHECK(mu.state() == 0);
}

// A plain counter: a lock that lets two holders in loses increments (and TSan reports a race);
// `inside` catches two holders at once even when no increment is lost.
template <class Mutex>
void check_mutual_exclusion(Mutex& mu, int threads = 4, int increments = 20000) {
  long counter = 0;
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  std::latch start(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < increments; ++i) {
        std::lock_guard lock(mu);
        if (inside.fetch_add(1) != 0) overlapped.store(true);
        counter = counter + 1;
        inside.fetch_sub(1);
      }
    });
  }
  for (auto& worker : workers)
    worker.join();
  CHECK_FALSE(overlapped.load());
  CHECK(counter == long{threads} * increments);
}

}  // namespace claimbench::test
