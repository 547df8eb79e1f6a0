/// A shared stress test for the mutex models: N threads increment a plain counter under the lock.
#pragma once

#include <catch2/catch.hpp>

#include <atomic>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

namespace claimbench::test {

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
