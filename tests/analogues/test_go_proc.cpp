// Tests for claimbench::go::GoProc (analogues/go_proc.hpp): newproc, runnext, G reuse, timers.
#include <catch2/catch.hpp>

#include "analogues/channel.hpp"
#include "analogues/go_proc.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

using claimbench::go::Channel;
using claimbench::go::GoProc;
using claimbench::go::GoroutineScheduler;
using claimbench::go::WaitPolicy;

namespace {
constexpr std::size_t kBigStack = 256 * 1024;  // for bodies that use Catch2 or std::string
}

TEST_CASE("go_proc: a new goroutine goes to runnext, the previous one to the queue's tail",
          "[analogues][go_proc]") {
  GoProc p;
  std::vector<int> order;
  for (int i = 0; i < 3; ++i)
    p.go([&order, i] { order.push_back(i); });
  p.run();
  // newproc's runqput(next=true): 2 is in runnext, 0 and 1 were kicked to the tail in order.
  CHECK(order == std::vector<int>{2, 0, 1});
  CHECK(GoroutineScheduler::current() == nullptr);
}

TEST_CASE("go_proc: go() from a goroutine runs the child when the parent parks",
          "[analogues][go_proc][channel]") {
  GoProc p;
  Channel<int> done(0, WaitPolicy::goroutine);
  std::vector<std::string> trace;
  p.go(
      [&] {
        p.go([&] {
          trace.push_back("child runs");
          done.send(7);
          trace.push_back("child returns");
        });
        trace.push_back("parent receives");
        const auto v = done.recv();
        trace.push_back("parent got " + std::to_string(v.value_or(-1)));
      },
      kBigStack);
  p.run();
  // The child's send finds the parent waiting and readies it into runnext, but the child keeps
  // its thread until it returns (no preemption), as in Go.
  CHECK(trace ==
        std::vector<std::string>{"parent receives", "child runs", "child returns", "parent got 7"});
}

TEST_CASE("go_proc: a dead G and its stack are reused by the next go()", "[analogues][go_proc]") {
  GoProc p;
  Channel<int> done(0, WaitPolicy::goroutine);
  int sum = 0;
  p.go(
      [&] {
        for (int i = 0; i < 100; ++i) {
          p.go([&done, i] { done.send(i); });
          sum += done.recv().value_or(0);
        }
      },
      kBigStack);
  p.run();
  CHECK(sum == 99 * 100 / 2);
  CHECK(p.gs_created() == 2);  // the parent and one child G, recycled 99 times
}

TEST_CASE("go_proc: a due timer runs on the next schedule, a distant one does not",
          "[analogues][go_proc]") {
  GoProc p;
  int fired = 0;
  p.start_timer(GoProc::nanotime(), [&] { ++fired; });  // due now
  p.go([] {});
  p.run();
  CHECK(fired == 1);

  GoProc q;
  q.start_timer(GoProc::nanotime() + 600'000'000'000, [&] { ++fired; });
  q.go([] {});
  q.run();
  CHECK(fired == 1);
}

// Sanitizer builds skip this: the parked fiber is destroyed by Boost unwinding it (a switch onto
// its stack that GoProc cannot annotate for ASan/TSan), as in test_go_sched.cpp.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
TEST_CASE("go_proc: parked goroutines with nothing runnable are a deadlock",
          "[analogues][go_proc]") {
  GoProc p;
  p.go([] { GoroutineScheduler::current()->park(); }, kBigStack);  // unwinding needs a stack
  CHECK_THROWS_WITH(p.run(), "all goroutines are asleep - deadlock!");
}
#endif
