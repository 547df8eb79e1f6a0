// Tests for claimbench::go::Channel (analogues/channel.hpp).
#include <catch2/catch.hpp>

#include "analogues/channel.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using claimbench::go::Channel;
using claimbench::go::RecvStatus;
using claimbench::go::SendStatus;
using claimbench::go::WaitPolicy;

namespace {

void spin_until(const std::atomic<bool>& flag) {
  while (!flag.load(std::memory_order_acquire))
    std::this_thread::yield();
}

const char* name(WaitPolicy p) {
  return p == WaitPolicy::block ? "block" : "spin_then_park";
}

}  // namespace

TEST_CASE("channel: capacity and size report construction and buffered count",
          "[analogues][channel]") {
  Channel<int> unbuf(0);
  Channel<int> buf(3);
  CHECK(unbuf.capacity() == 0);
  CHECK(buf.capacity() == 3);
  CHECK(buf.size() == 0);
  REQUIRE(buf.try_send(1) == SendStatus::ok);
  REQUIRE(buf.try_send(2) == SendStatus::ok);
  CHECK(buf.size() == 2);
  int v = 0;
  REQUIRE(buf.try_recv(v) == RecvStatus::ok);
  CHECK(buf.size() == 1);
}

TEST_CASE("channel: unbuffered send does not complete before a receive", "[analogues][channel]") {
  const WaitPolicy policy = GENERATE(WaitPolicy::block, WaitPolicy::spin_then_park);
  INFO("policy=" << name(policy));
  Channel<int> ch(0, policy);

  // No receiver waiting: a non-blocking send must not find anywhere to put the value.
  CHECK(ch.try_send(7) == SendStatus::full);
  int v = 0;
  CHECK(ch.try_recv(v) == RecvStatus::empty);

  std::atomic<bool> sender_entered{false};
  std::atomic<bool> receive_started{false};
  std::atomic<bool> send_done{false};
  bool receiver_had_started_when_send_returned = false;

  std::thread sender([&] {
    sender_entered.store(true, std::memory_order_release);
    ch.send(42);
    receiver_had_started_when_send_returned = receive_started.load(std::memory_order_acquire);
    send_done.store(true, std::memory_order_release);
  });

  spin_until(sender_entered);
  // The sleep only gives a broken (buffering) send the chance to return; the assertions below
  // hold for a correct channel regardless of scheduling.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK_FALSE(send_done.load(std::memory_order_acquire));
  CHECK(ch.size() == 0);

  receive_started.store(true, std::memory_order_release);
  const std::optional<int> got = ch.recv();
  sender.join();

  REQUIRE(got.has_value());
  CHECK(*got == 42);
  CHECK(receiver_had_started_when_send_returned);
  CHECK(send_done.load());
}

TEST_CASE("channel: unbuffered try_send succeeds only when a receiver is waiting",
          "[analogues][channel]") {
  Channel<int> ch(0);
  std::optional<int> got;
  std::thread receiver([&] { got = ch.recv(); });
  // Retry until the receiver has queued; success proves the value was handed to it directly.
  while (ch.try_send(5) != SendStatus::ok)
    std::this_thread::yield();
  receiver.join();
  REQUIRE(got.has_value());
  CHECK(*got == 5);
}

TEST_CASE("channel: buffered channel holds exactly N without blocking", "[analogues][channel]") {
  constexpr int kCap = 4;
  Channel<int> ch(kCap);
  for (int i = 0; i < kCap; ++i)
    REQUIRE(ch.try_send(i) == SendStatus::ok);
  CHECK(ch.size() == kCap);
  CHECK(ch.try_send(99) == SendStatus::full);
  CHECK(ch.size() == kCap);
  // Blocking send into a non-full channel returns immediately (same thread, no receiver).
  int v = -1;
  REQUIRE(ch.try_recv(v) == RecvStatus::ok);
  CHECK(v == 0);
  ch.send(100);
  CHECK(ch.size() == kCap);
  CHECK(ch.try_send(101) == SendStatus::full);
}

TEST_CASE("channel: FIFO order", "[analogues][channel]") {
  SECTION("buffered, single thread") {
    Channel<int> ch(8);
    for (int i = 0; i < 8; ++i)
      ch.send(i);
    for (int i = 0; i < 8; ++i) {
      auto v = ch.recv();
      REQUIRE(v.has_value());
      CHECK(*v == i);
    }
  }
  SECTION("buffered ring wraps around") {
    Channel<int> ch(3);
    int next_out = 0;
    for (int i = 0; i < 20; ++i) {
      ch.send(i);
      if (ch.size() == 3) {
        auto v = ch.recv();
        REQUIRE(v.has_value());
        CHECK(*v == next_out++);
      }
    }
    int v = 0;
    while (ch.try_recv(v) == RecvStatus::ok)
      CHECK(v == next_out++);
    CHECK(next_out == 20);
  }
  SECTION("one sender, one receiver, across threads, including blocked senders") {
    const std::size_t cap = GENERATE(0u, 1u, 4u);
    const WaitPolicy policy = GENERATE(WaitPolicy::block, WaitPolicy::spin_then_park);
    INFO("cap=" << cap << " policy=" << name(policy));
    Channel<int> ch(cap, policy);
    constexpr int kN = 2000;
    std::thread sender([&] {
      for (int i = 0; i < kN; ++i)
        ch.send(i);
      ch.close();
    });
    int expected = 0;
    bool in_order = true;
    while (auto v = ch.recv()) {
      if (*v != expected) in_order = false;
      ++expected;
    }
    sender.join();
    CHECK(in_order);
    CHECK(expected == kN);
  }
}

TEST_CASE("channel: close drains buffered values then reports closed", "[analogues][channel]") {
  Channel<std::string> ch(4);
  ch.send("a");
  ch.send("b");
  ch.send("c");
  ch.close();
  CHECK(ch.try_send("d") == SendStatus::closed);
  auto a = ch.recv();
  std::string b;
  REQUIRE(ch.try_recv(b) == RecvStatus::ok);
  auto c = ch.recv();
  REQUIRE(a.has_value());
  REQUIRE(c.has_value());
  CHECK(*a == "a");
  CHECK(b == "b");
  CHECK(*c == "c");
  CHECK_FALSE(ch.recv().has_value());
  CHECK_FALSE(ch.recv().has_value());  // stays closed
  std::string x = "untouched";
  CHECK(ch.try_recv(x) == RecvStatus::closed);
  CHECK(x == "untouched");
}

TEST_CASE("channel: send on closed channel is an error", "[analogues][channel]") {
  const std::size_t cap = GENERATE(0u, 2u);
  Channel<int> ch(cap);
  ch.close();
  CHECK_THROWS_AS(ch.send(1), std::logic_error);
  CHECK(ch.try_send(1) == SendStatus::closed);
  CHECK(ch.size() == 0);
}

TEST_CASE("channel: double close is an error", "[analogues][channel]") {
  Channel<int> ch(1);
  REQUIRE_NOTHROW(ch.close());
  CHECK_THROWS_AS(ch.close(), std::logic_error);
}

TEST_CASE("channel: blocked receiver wakes on close", "[analogues][channel]") {
  const std::size_t cap = GENERATE(0u, 1u);
  const WaitPolicy policy = GENERATE(WaitPolicy::block, WaitPolicy::spin_then_park);
  INFO("cap=" << cap << " policy=" << name(policy));
  Channel<int> ch(cap, policy);
  std::atomic<bool> entered{false};
  std::atomic<bool> returned{false};
  std::optional<int> got = 123;
  std::thread receiver([&] {
    entered.store(true, std::memory_order_release);
    got = ch.recv();
    returned.store(true, std::memory_order_release);
  });
  spin_until(entered);
  // Encourages the receiver to be parked (past the spin budget) when close() runs; the
  // assertions do not depend on it.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK_FALSE(returned.load(std::memory_order_acquire));
  ch.close();
  receiver.join();
  CHECK_FALSE(got.has_value());
}

TEST_CASE("channel: blocked sender fails when the channel is closed", "[analogues][channel]") {
  const std::size_t cap = GENERATE(0u, 1u);
  const WaitPolicy policy = GENERATE(WaitPolicy::block, WaitPolicy::spin_then_park);
  INFO("cap=" << cap << " policy=" << name(policy));
  Channel<int> ch(cap, policy);
  if (cap == 1) ch.send(1);  // fill the buffer so the next send blocks
  std::atomic<bool> entered{false};
  bool threw = false;
  std::thread sender([&] {
    entered.store(true, std::memory_order_release);
    try {
      ch.send(2);
    } catch (const std::logic_error&) {
      threw = true;
    }
  });
  spin_until(entered);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // encourage parking only
  ch.close();
  sender.join();
  CHECK(threw);
  // The value that was in the buffer before close is still delivered; the failed one is not.
  if (cap == 1) {
    auto v = ch.recv();
    REQUIRE(v.has_value());
    CHECK(*v == 1);
  }
  CHECK_FALSE(ch.recv().has_value());
}

TEST_CASE("channel: move-only payloads", "[analogues][channel]") {
  Channel<std::unique_ptr<int>> ch(0, WaitPolicy::spin_then_park);
  std::thread sender([&] { ch.send(std::make_unique<int>(9)); });
  auto v = ch.recv();
  sender.join();
  REQUIRE(v.has_value());
  REQUIRE(*v != nullptr);
  CHECK(**v == 9);
}

TEST_CASE("channel: stress 4 senders x 4 receivers, every value exactly once",
          "[analogues][channel][stress]") {
  const WaitPolicy policy = GENERATE(WaitPolicy::block, WaitPolicy::spin_then_park);
  const std::size_t cap = GENERATE(0u, 1u, 64u);
  INFO("cap=" << cap << " policy=" << name(policy));

#if defined(__SANITIZE_THREAD__)
  constexpr int kValues = 20'000;  // TSan slows each hand-off ~10x; keep the suite under ~5 s
#else
  constexpr int kValues = 100'000;
#endif
  constexpr int kSenders = 4;
  constexpr int kReceivers = 4;
  static_assert(kValues % kSenders == 0);

  Channel<std::int32_t> ch(cap, policy);
  std::vector<std::atomic<std::uint8_t>> seen(kValues);
  std::atomic<int> out_of_range{0};
  std::atomic<int> received{0};

  std::vector<std::thread> receivers;
  for (int r = 0; r < kReceivers; ++r) {
    receivers.emplace_back([&] {
      int local = 0;
      while (auto v = ch.recv()) {
        if (*v < 0 || *v >= kValues) {
          out_of_range.fetch_add(1, std::memory_order_relaxed);
        } else {
          seen[static_cast<std::size_t>(*v)].fetch_add(1, std::memory_order_relaxed);
        }
        ++local;
      }
      received.fetch_add(local, std::memory_order_relaxed);
    });
  }
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) {
    // Sender s sends the distinct values s, s+4, s+8, ...
    senders.emplace_back([&, s] {
      for (std::int32_t v = s; v < kValues; v += kSenders)
        ch.send(v);
    });
  }
  for (auto& t : senders)
    t.join();
  ch.close();
  for (auto& t : receivers)
    t.join();

  int lost = 0;
  int duplicated = 0;
  for (const auto& c : seen) {
    const auto n = c.load(std::memory_order_relaxed);
    if (n == 0) ++lost;
    if (n > 1) ++duplicated;
  }
  CHECK(out_of_range.load() == 0);
  CHECK(lost == 0);
  CHECK(duplicated == 0);
  CHECK(received.load() == kValues);
  CHECK(ch.size() == 0);
}
