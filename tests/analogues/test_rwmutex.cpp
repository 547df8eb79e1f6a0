// Tests for claimbench::go::GoRWMutex (analogues/rwmutex.hpp).
#include <catch2/catch.hpp>

#include "analogues/rwmutex.hpp"

#include <atomic>
#include <cstdint>
#include <latch>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

using claimbench::go::GoRWMutex;

namespace {

template <class Pred>
void spin_until(Pred pred) {
  while (!pred())
    std::this_thread::yield();
}

}  // namespace

TEST_CASE("rwmutex: single-thread lock state transitions", "[analogues][rwmutex]") {
  GoRWMutex mu;
  CHECK(mu.reader_count() == 0);

  mu.lock_shared();
  CHECK(mu.reader_count() == 1);
  CHECK_FALSE(mu.try_lock());   // a reader is inside
  CHECK(mu.try_lock_shared());  // readers share (no writer pending)
  CHECK(mu.reader_count() == 2);
  mu.unlock_shared();
  mu.unlock_shared();
  CHECK(mu.reader_count() == 0);

  REQUIRE(mu.try_lock());
  CHECK(mu.reader_count() == -GoRWMutex::kMaxReaders);
  CHECK_FALSE(mu.try_lock());
  CHECK_FALSE(mu.try_lock_shared());
  mu.unlock();
  CHECK(mu.reader_count() == 0);

  {
    std::unique_lock lk(mu);
    CHECK(lk.owns_lock());
    CHECK_FALSE(mu.try_lock_shared());
  }
  {
    std::shared_lock lk(mu);
    CHECK(lk.owns_lock());
    CHECK_FALSE(mu.try_lock());
  }
  CHECK(mu.reader_count() == 0);
}

TEST_CASE("rwmutex: multiple readers hold the lock at once", "[analogues][rwmutex]") {
  // Every reader waits on the latch *while holding* the read lock. The latch can only open if all
  // kReaders hold it simultaneously; an exclusive implementation deadlocks here instead.
  constexpr int kReaders = 4;
  GoRWMutex mu;
  std::latch all_inside(kReaders);
  std::atomic<int> inside{0};
  std::atomic<int> max_inside{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < kReaders; ++i) {
    ts.emplace_back([&] {
      std::shared_lock lk(mu);
      const int now = inside.fetch_add(1) + 1;
      int prev = max_inside.load();
      while (prev < now && !max_inside.compare_exchange_weak(prev, now)) {
      }
      all_inside.arrive_and_wait();
      inside.fetch_sub(1);
    });
  }
  for (auto& t : ts)
    t.join();
  CHECK(max_inside.load() == kReaders);
  CHECK(mu.reader_count() == 0);
}

TEST_CASE("rwmutex: writer preference - a reader arriving after a waiting writer queues behind it",
          "[analogues][rwmutex]") {
  GoRWMutex mu;
  std::atomic<int> seq{0};
  std::atomic<int> writer_seq{-1};
  std::atomic<int> late_reader_seq{-1};
  std::atomic<int> readers_inside{0};
  bool writer_saw_no_readers = false;

  mu.lock_shared();  // R1: the reader the writer must wait for
  readers_inside.fetch_add(1);

  std::thread writer([&] {
    mu.lock();
    writer_saw_no_readers = readers_inside.load() == 0;
    writer_seq.store(seq.fetch_add(1));
    mu.unlock();
  });

  // Deterministic: the writer has announced itself (readerCount went negative) and, since R1 is
  // still inside, is blocked waiting for R1.
  spin_until([&] { return mu.reader_count() < 0; });
  CHECK(mu.reader_count() == 1 - GoRWMutex::kMaxReaders);
  CHECK_FALSE(mu.try_lock_shared());  // Go's TryRLock refuses while a writer is pending

  std::thread late_reader([&] {
    mu.lock_shared();
    readers_inside.fetch_add(1);
    late_reader_seq.store(seq.fetch_add(1));
    readers_inside.fetch_sub(1);
    mu.unlock_shared();
  });

  // The late reader has registered (count went up by one) and therefore sleeps on readerSem.
  spin_until([&] { return mu.reader_count() == 2 - GoRWMutex::kMaxReaders; });
  // R1 still holds the lock, so neither can have got in yet.
  CHECK(writer_seq.load() == -1);
  CHECK(late_reader_seq.load() == -1);

  readers_inside.fetch_sub(1);
  mu.unlock_shared();  // R1 leaves: the writer must go next, then the late reader.
  writer.join();
  late_reader.join();

  CHECK(writer_saw_no_readers);
  CHECK(writer_seq.load() == 0);
  CHECK(late_reader_seq.load() == 1);
  CHECK(mu.reader_count() == 0);
}

TEST_CASE("rwmutex: writers exclude readers and each other under stress",
          "[analogues][rwmutex][stress]") {
#if defined(__SANITIZE_THREAD__)
  constexpr int kIters = 5'000;
#else
  constexpr int kIters = 50'000;
#endif
  constexpr int kWriters = 2;
  constexpr int kReaders = 3;

  GoRWMutex mu;
  std::atomic<int> writers_inside{0};
  std::atomic<int> readers_inside{0};
  std::atomic<int> violations{0};
  // Plain (non-atomic) data: torn or racing access shows up as a broken invariant, and as a data
  // race under ThreadSanitizer.
  std::int64_t a = 0;
  std::int64_t b = 0;
  std::int64_t writes = 0;

  std::vector<std::thread> ts;
  for (int w = 0; w < kWriters; ++w) {
    ts.emplace_back([&] {
      for (int i = 0; i < kIters; ++i) {
        std::unique_lock lk(mu);
        if (writers_inside.fetch_add(1) != 0) violations.fetch_add(1);
        if (readers_inside.load() != 0) violations.fetch_add(1);
        ++a;
        ++writes;
        ++b;
        writers_inside.fetch_sub(1);
      }
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    ts.emplace_back([&] {
      for (int i = 0; i < kIters; ++i) {
        std::shared_lock lk(mu);
        readers_inside.fetch_add(1);
        if (writers_inside.load() != 0) violations.fetch_add(1);
        if (a != b) violations.fetch_add(1);
        readers_inside.fetch_sub(1);
      }
    });
  }
  for (auto& t : ts)
    t.join();

  CHECK(violations.load() == 0);
  CHECK(writes == std::int64_t{kWriters} * kIters);
  CHECK(a == writes);
  CHECK(b == writes);
  CHECK(mu.reader_count() == 0);
}
