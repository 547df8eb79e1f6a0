// Tests for claimbench::go::GoScheduler (analogues/go_sched.hpp) and goroutine-policy Channels.
#include <catch2/catch.hpp>

#include "analogues/channel.hpp"
#include "analogues/go_sched.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

using claimbench::go::Channel;
using claimbench::go::GoroutineScheduler;
using claimbench::go::GoScheduler;
using claimbench::go::WaitPolicy;

TEST_CASE("go_sched: goroutines start in go() order and run to completion",
          "[analogues][go_sched]") {
  GoScheduler p;
  std::vector<int> order;
  for (int i = 0; i < 3; ++i)
    p.go([&order, i] { order.push_back(i); });
  CHECK(GoroutineScheduler::current() == nullptr);
  p.run();
  CHECK(order == std::vector<int>{0, 1, 2});
  CHECK(GoroutineScheduler::current() == nullptr);
}

TEST_CASE("go_sched: a readied goroutine runs next (runnext), before the run queue",
          "[analogues][go_sched]") {
  GoScheduler p;
  std::vector<std::string> trace;
  void* a = nullptr;
  p.go([&] {
    a = GoroutineScheduler::current()->running();
    trace.push_back("a parks");
    GoroutineScheduler::current()->park();
    trace.push_back("a resumed");
  });
  p.go([&] {
    GoroutineScheduler::current()->ready(a);
    trace.push_back("b readied a");
  });
  p.go([&] { trace.push_back("c runs"); });
  p.run();
  // c was queued first, but goready puts a in runnext: a runs as soon as b gives up the thread.
  CHECK(trace == std::vector<std::string>{"a parks", "b readied a", "a resumed", "c runs"});
}

// Sanitizer builds skip this: the parked fiber is destroyed by Boost unwinding it (a switch onto
// its stack that GoScheduler cannot annotate for ASan/TSan).
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
TEST_CASE("go_sched: all goroutines parked and none runnable is a deadlock",
          "[analogues][go_sched]") {
  GoScheduler p;
  p.go([] { GoroutineScheduler::current()->park(); });
  CHECK_THROWS_WITH(p.run(), "all goroutines are asleep - deadlock!");
}
#endif

TEST_CASE("channel/goroutine: unbuffered ping-pong hands off in order on one thread",
          "[analogues][channel][go_sched]") {
  const std::size_t capacity = GENERATE(std::size_t{0}, std::size_t{1}, std::size_t{128});
  INFO("capacity=" << capacity);
  Channel<std::int64_t> ch(capacity, WaitPolicy::goroutine);
  GoScheduler p;
  std::vector<std::int64_t> got;
  constexpr std::int64_t kN = 1000;
  p.go([&] {
    while (auto v = ch.recv())
      got.push_back(*v);
  });
  p.go([&] {
    for (std::int64_t i = 0; i < kN; ++i)
      ch.send(i);
    ch.close();
  });
  p.run();
  REQUIRE(got.size() == static_cast<std::size_t>(kN));
  for (std::int64_t i = 0; i < kN; ++i)
    CHECK(got[static_cast<std::size_t>(i)] == i);
}

TEST_CASE("channel/goroutine: an unbuffered send parks until the receiver has taken the value",
          "[analogues][channel][go_sched]") {
  Channel<int> ch(0, WaitPolicy::goroutine);
  GoScheduler p;
  std::vector<std::string> trace;
  p.go([&] {
    trace.push_back("send begins");
    ch.send(7);
    trace.push_back("send done");
  });
  p.go([&] {
    trace.push_back("recv begins");
    auto v = ch.recv();
    trace.push_back("recv got " + std::to_string(v.value_or(-1)));
  });
  p.run();
  // The sender parks (no receiver yet); the receiver takes the value directly from it and
  // readies it into runnext, but keeps running until it finishes (no preemption).
  CHECK(trace == std::vector<std::string>{"send begins", "recv begins", "recv got 7", "send done"});
}

TEST_CASE("channel/goroutine: close wakes a parked receiver with no value",
          "[analogues][channel][go_sched]") {
  Channel<int> ch(0, WaitPolicy::goroutine);
  GoScheduler p;
  bool woke_empty = false;
  p.go([&] { woke_empty = !ch.recv().has_value(); });
  p.go([&] { ch.close(); });
  p.run();
  CHECK(woke_empty);
}

// Sanitizer builds skip this: the parked fiber is destroyed by Boost unwinding it (a switch onto
// its stack that GoScheduler cannot annotate for ASan/TSan).
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
TEST_CASE("channel/goroutine: a receive with no sender anywhere deadlocks, not hangs",
          "[analogues][channel][go_sched]") {
  Channel<int> ch(0, WaitPolicy::goroutine);
  GoScheduler p;
  p.go([&] { (void)ch.recv(); });
  CHECK_THROWS_WITH(p.run(), "all goroutines are asleep - deadlock!");
}
#endif

TEST_CASE("channel/goroutine: blocking outside a goroutine is a usage error",
          "[analogues][channel][go_sched]") {
  Channel<int> ch(1, WaitPolicy::goroutine);
  CHECK_THROWS_AS(ch.send(1), std::logic_error);
  CHECK_THROWS_AS(ch.recv(), std::logic_error);
  int v = 0;
  CHECK(ch.try_send(1) == claimbench::go::SendStatus::ok);  // non-blocking forms still work
  CHECK(ch.try_recv(v) == claimbench::go::RecvStatus::ok);
  CHECK(v == 1);
}
