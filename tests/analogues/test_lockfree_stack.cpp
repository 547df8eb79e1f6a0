// Tests for claimbench::go::NaiveStack and TaggedStack (analogues/lockfree_stack.hpp).
//
// The ABA cases are deterministic: one thread plays both parties. Thread A runs phase 1 of a pop
// (begin_pop), "thread B" then pops two nodes and pushes the first back, and thread A runs phase
// 2 (finish_pop). This is the exact interleaving that a preempted pop meets in production; no
// sleeps, no timing, the same result every run.
#include <catch2/catch.hpp>

#include "analogues/lockfree_stack.hpp"

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

using claimbench::go::NaiveStack;
using claimbench::go::StackNode;
using claimbench::go::TaggedStack;

namespace {

template <class Stack>
std::vector<StackNode*> drain(Stack& stack) {
  std::vector<StackNode*> out;
  // Bounded: a corrupted stack could in principle form a cycle; 16 is far above any test's size.
  for (int i = 0; i < 16; ++i) {
    StackNode* node = stack.pop();
    if (node == nullptr) break;
    out.push_back(node);
  }
  return out;
}

// Stack a -> b -> c (a on top), then the ABA interleaving. Returns whether thread A's phase 2
// succeeded; `popped_by_a` is what A ends up holding after retrying (if it has to).
struct AbaNodes {
  StackNode a, b, c;
};

template <class Stack>
bool run_aba(Stack& stack, AbaNodes& n, StackNode*& popped_by_a) {
  stack.push(&n.c);
  stack.push(&n.b);
  stack.push(&n.a);

  // Thread A, phase 1: sees top = a, next = b. Then it is preempted.
  const auto attempt = stack.begin_pop();
  REQUIRE(attempt.top == &n.a);
  REQUIRE(attempt.next == &n.b);

  // Thread B: pops a and b (b is now B's, in use elsewhere), pushes a back. Head is a again.
  REQUIRE(stack.pop() == &n.a);
  REQUIRE(stack.pop() == &n.b);
  stack.push(&n.a);  // stack is now a -> c

  // Thread A, phase 2: the CAS compares head with a.
  const bool succeeded = stack.finish_pop(attempt);
  popped_by_a = succeeded ? attempt.top : stack.pop();  // a failed CAS retries, as pop() does
  return succeeded;
}

}  // namespace

TEMPLATE_TEST_CASE("lockfree_stack: LIFO order and empty", "[analogues][lockfree_stack]",
                   NaiveStack, TaggedStack) {
  TestType stack;
  CHECK(stack.empty());
  CHECK(stack.pop() == nullptr);
  StackNode nodes[4];
  for (auto& node : nodes)
    stack.push(&node);
  CHECK_FALSE(stack.empty());
  for (int i = 3; i >= 0; --i)
    CHECK(stack.pop() == &nodes[i]);
  CHECK(stack.empty());
  CHECK(stack.pop() == nullptr);
}

TEMPLATE_TEST_CASE("lockfree_stack: the two pop phases compose when nothing intervenes",
                   "[analogues][lockfree_stack]", NaiveStack, TaggedStack) {
  TestType stack;
  StackNode a, b;
  stack.push(&b);
  stack.push(&a);
  const auto attempt = stack.begin_pop();
  REQUIRE(attempt.top == &a);
  CHECK(attempt.next == &b);
  CHECK(stack.finish_pop(attempt));
  CHECK(stack.pop() == &b);
  CHECK(stack.pop() == nullptr);
  CHECK(stack.begin_pop().top == nullptr);
}

TEMPLATE_TEST_CASE("lockfree_stack: a phase 2 after a plain push fails and retries correctly",
                   "[analogues][lockfree_stack]", NaiveStack, TaggedStack) {
  // Not ABA: head changed to a different node, so both stacks must notice.
  TestType stack;
  StackNode a, b;
  stack.push(&a);
  const auto attempt = stack.begin_pop();
  stack.push(&b);
  CHECK_FALSE(stack.finish_pop(attempt));
  CHECK(stack.pop() == &b);
  CHECK(stack.pop() == &a);
}

TEST_CASE("lockfree_stack: ABA corrupts the naive stack", "[analogues][lockfree_stack][aba]") {
  NaiveStack stack;
  AbaNodes n;
  StackNode* popped_by_a = nullptr;

  // The CAS sees head == a and succeeds although a -> b is stale: it installs b as head.
  CHECK(run_aba(stack, n, popped_by_a));
  CHECK(popped_by_a == &n.a);

  // A correct stack would now hold only c (a and b were both popped). The naive one hands out
  // b, which thread B still owns: one node, two owners.
  const auto rest = drain(stack);
  REQUIRE(rest.size() == 2);
  CHECK(rest[0] == &n.b);
  CHECK(rest[1] == &n.c);
}

TEST_CASE("lockfree_stack: the version tag detects ABA", "[analogues][lockfree_stack][aba]") {
  TaggedStack stack;
  AbaNodes n;
  StackNode* popped_by_a = nullptr;
  const std::uint64_t before = stack.changes();

  // Head points at a again, but its version moved (3 pushes, 2 pops, 1 push since phase 1 read
  // it after the first 3), so the CAS fails and A retries on the real stack.
  CHECK_FALSE(run_aba(stack, n, popped_by_a));
  CHECK(popped_by_a == &n.a);
  CHECK(stack.changes() == before + 7);  // 3 + 2 + 1 changes, then A's successful retry

  const auto rest = drain(stack);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0] == &n.c);  // b stays with thread B only
}

TEST_CASE("lockfree_stack: tagged stack conserves nodes under concurrent push/pop",
          "[analogues][lockfree_stack][stress]") {
  // Each thread repeatedly pops a node and pushes it back. A lost or duplicated node shows up
  // as a wrong final count or a node seen twice. (The naive stack is not tested this way: ABA
  // would make it fail only sometimes, which is what the deterministic test above is for.)
#if defined(__SANITIZE_THREAD__)
  constexpr int kIters = 5'000;
#else
  constexpr int kIters = 100'000;
#endif
  constexpr int kThreads = 4;
  constexpr int kNodes = 8;
  TaggedStack stack;
  std::vector<StackNode> nodes(kNodes);
  for (int i = 0; i < kNodes; ++i) {
    nodes[static_cast<std::size_t>(i)].value = i;
    stack.push(&nodes[static_cast<std::size_t>(i)]);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIters; ++i) {
        StackNode* node = stack.pop();
        if (node == nullptr) continue;  // 8 nodes, 4 threads: rare, and harmless
        // Exclusive ownership: a duplicated node would let two threads write here at once
        // (TSan reports it) and break the +1/-1 pair below.
        node->value += 1000;
        node->value -= 1000;
        stack.push(node);
      }
    });
  }
  for (auto& thread : threads)
    thread.join();

  auto rest = drain(stack);
  REQUIRE(rest.size() == kNodes);
  std::sort(rest.begin(), rest.end());
  CHECK(std::adjacent_find(rest.begin(), rest.end()) == rest.end());
  for (const auto& node : nodes)
    CHECK(node.value == &node - nodes.data());
}
