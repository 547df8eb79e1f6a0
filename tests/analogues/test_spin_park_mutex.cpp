// Tests for claimbench::go::SpinParkMutex (analogues/spin_park_mutex.hpp).
#include <catch2/catch.hpp>

#include "analogues/spin_park_mutex.hpp"
#include "mutex_checks.hpp"

#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

using claimbench::go::SpinParkMutex;

TEST_CASE("spin-park mutex: single-thread state transitions", "[analogues][spin_park_mutex]") {
  SpinParkMutex mu;
  claimbench::test::check_single_thread_states(mu, 1);
}

TEST_CASE("spin-park mutex: mutual exclusion under contention", "[analogues][spin_park_mutex]") {
  SpinParkMutex mu;
  claimbench::test::check_mutual_exclusion(mu);
  CHECK(mu.state() == 0);
}

TEST_CASE("spin-park mutex: a parked waiter is woken by unlock", "[analogues][spin_park_mutex]") {
  SpinParkMutex mu;
  mu.lock();
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    mu.lock();  // spins 4 × 30 PAUSE, then parks: the state goes to 2
    acquired.store(true);
    mu.unlock();
  });
  // The waiter marks the state 2 only on its way to sleep; seeing 2 proves it gave up spinning.
  while (mu.state() != 2)
    std::this_thread::yield();
  // Let it get past std::atomic::wait's own spinning into the futex, so only a real wake-up
  // can free it (without the sleep an unlock that forgets to notify could still pass).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(acquired.load());
  mu.unlock();  // must wake it, or join() hangs (the test's timeout catches that)
  waiter.join();
  CHECK(acquired.load());
  CHECK(mu.state() == 0);
}
