// Tests for claimbench::go::GoOnce (analogues/once.hpp).
#include <catch2/catch.hpp>

#include "analogues/once.hpp"

#include <atomic>
#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

using claimbench::go::GoOnce;

TEST_CASE("once: runs the function on the first call only", "[analogues][once]") {
  GoOnce once;
  int runs = 0;
  CHECK_FALSE(once.done());
  once.do_once([&] { ++runs; });
  CHECK(once.done());
  CHECK(runs == 1);
  once.do_once([&] { ++runs; });
  once.do_once([&] { runs += 100; });  // a different function does not run either
  CHECK(runs == 1);
}

TEST_CASE("once: concurrent callers run it once and all see its writes", "[analogues][once]") {
  constexpr int kThreads = 8;
  GoOnce once;
  std::atomic<int> runs{0};
  int payload = 0;  // plain int: only the once's happens-before edge makes reading it safe
  std::latch start(kThreads);
  std::vector<int> seen(kThreads, -1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();  // maximise the overlap of the first calls
      once.do_once([&] {
        runs.fetch_add(1);
        payload = 42;
      });
      seen[static_cast<std::size_t>(t)] = payload;
    });
  }
  for (auto& thread : threads)
    thread.join();
  CHECK(runs.load() == 1);
  for (int value : seen)
    CHECK(value == 42);
}

TEST_CASE("once: a caller arriving while the function runs waits for it", "[analogues][once]") {
  GoOnce once;
  std::atomic<bool> inside{false};
  std::atomic<bool> second_started{false};
  bool finished = false;  // plain bool: a caller returning early would read it racily and false
  std::thread first([&] {
    once.do_once([&] {
      inside.store(true);
      while (!second_started.load())
        std::this_thread::yield();
      // Give the second caller ample chance to (wrongly) return while we are still inside.
      for (int i = 0; i < 1000; ++i)
        std::this_thread::yield();
      finished = true;
    });
  });
  while (!inside.load())
    std::this_thread::yield();
  bool seen = false;
  std::thread second([&] {
    second_started.store(true);
    once.do_once([] { FAIL("the function ran twice"); });
    seen = finished;
  });
  second.join();
  first.join();
  CHECK(seen);
}

TEST_CASE("once: an exception still marks it done, as a panic does in Go", "[analogues][once]") {
  // std::call_once differs here: it leaves the flag unset and the next caller retries.
  GoOnce once;
  int runs = 0;
  CHECK_THROWS_AS(once.do_once([&] {
    ++runs;
    throw std::runtime_error("init failed");
  }),
                  std::runtime_error);
  CHECK(once.done());
  once.do_once([&] { ++runs; });
  CHECK(runs == 1);  // never retried: the half-initialised state the seed warns about stays
}
