// Tests for claimbench::go::GoPool and MutexPool (analogues/object_pool.hpp).
#include <catch2/catch.hpp>

#include "analogues/go_mutex.hpp"
#include "analogues/object_pool.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using claimbench::go::GoPool;
using claimbench::go::MutexPool;
using claimbench::go::ShardLeases;

namespace {

// Counts live objects, and flags an object handed to two holders at once.
struct Tracked {
  static inline std::atomic<int> live{0};
  std::atomic<bool> in_use{false};
  int serial = 0;
  explicit Tracked(int s) : serial(s) { live.fetch_add(1); }
  ~Tracked() { live.fetch_sub(1); }
};

// Runs f on a new thread and waits: a different thread gets a different shard lease.
template <class F>
void on_other_thread(F&& f) {
  std::thread t(std::forward<F>(f));
  t.join();
}

}  // namespace

TEST_CASE("object_pool: get on an empty pool calls New", "[analogues][object_pool]") {
  std::atomic<int> made{0};
  GoPool<Tracked> pool([&made] { return std::make_unique<Tracked>(made.fetch_add(1)); });
  auto a = pool.get();
  auto b = pool.get();
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(made == 2);
  CHECK(a.get() != b.get());
  CHECK(pool.size() == 0);
}

TEST_CASE("object_pool: put then get on one thread reuses, newest first",
          "[analogues][object_pool]") {
  std::atomic<int> made{0};
  GoPool<Tracked> pool([&made] { return std::make_unique<Tracked>(made.fetch_add(1)); });
  auto a = pool.get();
  auto b = pool.get();
  auto c = pool.get();
  Tracked* pa = a.get();
  Tracked* pb = b.get();
  Tracked* pc = c.get();
  pool.put(std::move(a));  // private slot
  pool.put(std::move(b));  // shared list
  pool.put(std::move(c));  // shared list
  CHECK(pool.size() == 3);
  // Private first, then the shared list newest first (Go: private, then popHead).
  CHECK(pool.get().release() == pa);
  auto second = pool.get();
  auto third = pool.get();
  CHECK(second.get() == pc);
  CHECK(third.get() == pb);
  CHECK(made == 3);  // no New while the pool had objects
  delete pa;
}

TEST_CASE("object_pool: another thread steals shared objects, not the private one",
          "[analogues][object_pool]") {
  std::atomic<int> made{0};
  GoPool<Tracked> pool([&made] { return std::make_unique<Tracked>(made.fetch_add(1)); });
  std::set<Tracked*> put_here;
  on_other_thread([&] {
    std::vector<GoPool<Tracked>::Ptr> held;
    for (int i = 0; i < 3; ++i)
      held.push_back(pool.get());
    for (auto& p : held) {
      put_here.insert(p.get());
      pool.put(std::move(p));  // 1 private + 2 shared
    }
  });
  REQUIRE(made == 3);
  // The putting thread has exited and its lease went back to the free list. A holder thread
  // takes a lease (most likely that one) and keeps it, so the getter below usually gets a
  // different shard and must steal.
  std::thread holder;
  std::atomic<bool> release{false};
  std::atomic<bool> leased{false};
  holder = std::thread([&] {
    (void)ShardLeases::this_thread();
    leased = true;
    while (!release)
      std::this_thread::yield();
  });
  while (!leased)
    std::this_thread::yield();
  int stolen = 0;
  on_other_thread([&] {
    std::vector<GoPool<Tracked>::Ptr> got;
    for (int i = 0; i < 3; ++i)
      got.push_back(pool.get());
    for (auto& p : got) {
      if (put_here.count(p.get()) != 0) ++stolen;
    }
    for (auto& p : got)
      pool.put(std::move(p));
  });
  release = true;
  holder.join();
  // Either the getter reused the putter's lease (then it sees all 3, private included) or it
  // had another shard and could steal only the 2 shared ones; it must never get fewer.
  CHECK(stolen >= 2);
  CHECK(made == 3 + (3 - stolen));
}

TEST_CASE("object_pool: drain frees everything the pool holds", "[analogues][object_pool]") {
  const int before = Tracked::live;
  std::atomic<int> made{0};
  {
    GoPool<Tracked> pool([&made] { return std::make_unique<Tracked>(made.fetch_add(1)); });
    std::vector<GoPool<Tracked>::Ptr> held;
    for (int i = 0; i < 5; ++i)
      held.push_back(pool.get());
    for (auto& p : held)
      pool.put(std::move(p));
    CHECK(Tracked::live == before + 5);
    pool.drain();
    CHECK(Tracked::live == before);
    CHECK(pool.size() == 0);
    pool.put(pool.get());  // still usable after a drain
    CHECK(pool.size() == 1);
  }
  CHECK(Tracked::live == before);  // the destructor drains too
}

TEST_CASE("object_pool: for_each visits every pooled object", "[analogues][object_pool]") {
  std::atomic<int> made{0};
  GoPool<Tracked> pool([&made] { return std::make_unique<Tracked>(made.fetch_add(1)); });
  std::vector<GoPool<Tracked>::Ptr> held;
  for (int i = 0; i < 4; ++i)
    held.push_back(pool.get());
  for (auto& p : held)
    pool.put(std::move(p));
  int serial_sum = 0;
  int visited = 0;
  pool.for_each([&](const Tracked& t) {
    serial_sum += t.serial;
    ++visited;
  });
  CHECK(visited == 4);
  CHECK(serial_sum == 0 + 1 + 2 + 3);
}

TEST_CASE("object_pool: leases are recycled when threads exit", "[analogues][object_pool]") {
  // More threads over time than shards exist: each must still get a real shard (not kNone).
  for (unsigned i = 0; i < ShardLeases::kMaxShards + 8; ++i) {
    unsigned id = ShardLeases::kNone;
    on_other_thread([&] { id = ShardLeases::this_thread(); });
    REQUIRE(id < ShardLeases::kMaxShards);
  }
}

TEST_CASE("object_pool: more live threads than shards fall back to the overflow list",
          "[analogues][object_pool]") {
  std::atomic<int> made{0};
  GoPool<Tracked> pool([&made] { return std::make_unique<Tracked>(made.fetch_add(1)); });
  constexpr unsigned kThreads = ShardLeases::kMaxShards + 4;
  std::atomic<unsigned> arrived{0};
  std::atomic<unsigned> without_shard{0};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      if (ShardLeases::this_thread() == ShardLeases::kNone) ++without_shard;
      ++arrived;
      while (arrived < kThreads)  // all alive at once, so leases cannot be recycled
        std::this_thread::yield();
      auto a = pool.get();
      auto b = pool.get();
      pool.put(std::move(a));
      pool.put(std::move(b));
    });
  }
  for (auto& t : threads)
    t.join();
  // The test's own thread may hold a lease too, so at least 4 went without one.
  CHECK(without_shard >= 4);
  CHECK(pool.size() == static_cast<std::size_t>(made.load()));  // nothing lost, nothing doubled
}

// max_made: how many objects New may have made in all. A MutexPool calls New only when every
// object is held (at most kThreads * 3); a GoPool may also miss objects sitting in another
// thread's private slot or behind a stale count, so its bound is only "reuse happened".
template <class Pool>
void stress(Pool& pool, std::atomic<int>& made, bool exact_bound) {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  constexpr int kIters = 5'000;
#else
  constexpr int kIters = 50'000;
#endif
  constexpr int kThreads = 4;
  std::atomic<int> double_handouts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<typename Pool::Ptr> held;
      for (int i = 0; i < kIters; ++i) {
        // Hold 1..3 objects at a time, so the shared lists and stealing are exercised.
        const int n = 1 + i % 3;
        for (int k = 0; k < n; ++k) {
          auto p = pool.get();
          if (p->in_use.exchange(true)) ++double_handouts;
          held.push_back(std::move(p));
        }
        for (auto& p : held) {
          p->in_use = false;
          pool.put(std::move(p));
        }
        held.clear();
      }
    });
  }
  for (auto& t : threads)
    t.join();
  CHECK(double_handouts == 0);
  // Every object ever made is back in the pool: none lost, none duplicated.
  CHECK(pool.size() == static_cast<std::size_t>(made.load()));
  if (exact_bound) {
    CHECK(made <= kThreads * 3);
  } else {
    CHECK(made < kThreads * kIters / 10);  // gets far outnumber News: objects are reused
  }
}

TEST_CASE("object_pool: GoPool under concurrent get/put", "[analogues][object_pool][stress]") {
  std::atomic<int> made{0};
  GoPool<Tracked> pool([&made] { return std::make_unique<Tracked>(made.fetch_add(1)); });
  stress(pool, made, /*exact_bound=*/false);
}

TEMPLATE_TEST_CASE("object_pool: MutexPool basics and concurrent get/put",
                   "[analogues][object_pool][stress]", std::mutex, claimbench::go::GoMutex) {
  std::atomic<int> made{0};
  MutexPool<Tracked, TestType> pool(
      [&made] { return std::make_unique<Tracked>(made.fetch_add(1)); });
  auto a = pool.get();
  Tracked* pa = a.get();
  CHECK(made == 1);
  pool.put(std::move(a));
  CHECK(pool.size() == 1);
  CHECK(pool.get().get() == pa);  // deleted at once: the pool gave up ownership
  made = 0;
  const int before = Tracked::live;
  stress(pool, made, /*exact_bound=*/true);
  pool.drain();
  CHECK(Tracked::live == before);
}
