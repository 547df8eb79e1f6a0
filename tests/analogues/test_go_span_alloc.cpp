// Tests for claimbench::go::GoSpanAlloc (analogues/go_span_alloc.hpp): Go's size-class placement.
#include <catch2/catch.hpp>

#include "analogues/go_span_alloc.hpp"

#include <cstddef>
#include <cstdint>
#include <thread>

#include "claimbench/measure/alloc_count.hpp"

namespace {

using Alloc48 = claimbench::go::GoSpanAlloc<48>;

std::uintptr_t addr(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

}  // namespace

TEST_CASE("go_span_alloc: objects allocated one after another sit the class size apart",
          "[analogues][go_span_alloc]") {
  // On a fresh thread, whose cache has no freed slots (they would be handed out first).
  std::uintptr_t first = 0;
  std::uintptr_t second = 0;
  std::uintptr_t third = 0;
  std::thread fresh([&] {
    // Up to a span's first slot, so the three below do not cross a span's end.
    void* p = Alloc48::allocate();
    while (addr(p) % Alloc48::kSpanBytes != 0)
      p = Alloc48::allocate();
    first = addr(p);
    second = addr(Alloc48::allocate());
    third = addr(Alloc48::allocate());
  });
  fresh.join();
  CHECK(second - first == 48);
  CHECK(third - second == 48);
  // Four 48-byte objects over three 64-byte lines: the second shares the first's line.
  CHECK(second / 64 == first / 64);
}

TEST_CASE("go_span_alloc: a freed slot is reused, and every allocation is counted",
          "[analogues][go_span_alloc]") {
  const claimbench::AllocCount before = claimbench::thread_alloc_count();
  void* p = Alloc48::allocate();
  Alloc48::deallocate(p);
  void* q = Alloc48::allocate();
  CHECK(q == p);
  const claimbench::AllocCount after = claimbench::thread_alloc_count();
  CHECK(after.allocations - before.allocations == 2);
  CHECK(after.bytes - before.bytes == 96);
  Alloc48::deallocate(q);
}

TEST_CASE("go_span_alloc: a slot freed by another thread stays valid and is reused there",
          "[analogues][go_span_alloc]") {
  auto* p = static_cast<std::uint64_t*>(Alloc48::allocate());
  *p = 42;
  void* reused = nullptr;
  std::thread other([&] {
    CHECK(*p == 42);
    Alloc48::deallocate(p);
    reused = Alloc48::allocate();  // the freeing thread's next object is that slot
  });
  other.join();
  CHECK(reused == p);
  Alloc48::deallocate(reused);
}

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>

TEST_CASE("go_span_alloc: a freed slot is poisoned until it is handed out again",
          "[analogues][go_span_alloc]") {
  void* p = Alloc48::allocate();
  CHECK_FALSE(__asan_address_is_poisoned(p));
  Alloc48::deallocate(p);
  CHECK(__asan_address_is_poisoned(p));
  CHECK(__asan_address_is_poisoned(static_cast<char*>(p) + 40));
  void* q = Alloc48::allocate();
  REQUIRE(q == p);
  CHECK_FALSE(__asan_address_is_poisoned(static_cast<char*>(q) + 40));
  Alloc48::deallocate(q);
}
#endif
