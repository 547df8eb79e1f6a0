// Tests for claimbench::go::GoHeap (analogues/go_malloc.hpp): Go's mallocgc for small objects.
#include <catch2/catch.hpp>

#include "analogues/go_malloc.hpp"

#include <cstddef>
#include <cstdint>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "claimbench/measure/alloc_count.hpp"

namespace {

using claimbench::go::GoHeap;

std::uintptr_t addr(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

// A span's slots start at a multiple of its block size (16 KiB: the slots, then the mspan).
constexpr std::uintptr_t kBlock = 16384;

}  // namespace

TEST_CASE("go_malloc: one class's objects sit the class size apart, tiny ones share blocks",
          "[analogues][go_malloc]") {
  std::uintptr_t first = 0, second = 0, third = 0, tiny_a = 0, tiny_b = 0, tiny_c = 0;
  std::thread fresh([&] {  // a fresh thread: its own spans and no tiny block yet
    void* p = GoHeap::newobject(16, /*noscan=*/false);
    while (addr(p) % kBlock != 0)  // up to a span's first slot
      p = GoHeap::newobject(16, false);
    first = addr(p);
    second = addr(GoHeap::newobject(16, false));
    // Freed, then the next object: the next slot, not the freed one (Go frees by sweeping;
    // glibc would hand the block straight back).
    GoHeap::free(p);
    third = addr(GoHeap::newobject(16, false));
    tiny_a = addr(GoHeap::newobject(8, /*noscan=*/true));
    tiny_b = addr(GoHeap::newobject(8, true));
    tiny_c = addr(GoHeap::newobject(8, true));
  });
  fresh.join();
  CHECK(second - first == 16);
  CHECK(third - second == 16);
  CHECK(tiny_b - tiny_a == 8);               // the second half of the first tiny block
  CHECK(tiny_c - tiny_a == 16);              // the next block of the tiny span
  CHECK(first / kBlock != tiny_a / kBlock);  // pointer-free objects have spans of their own
}

TEST_CASE("go_malloc: every call is counted as -benchmem counts it", "[analogues][go_malloc]") {
  const claimbench::AllocCount before = claimbench::thread_alloc_count();
  GoHeap::newobject(16, false);  // class 2
  GoHeap::newobject(8, true);    // tiny: its own 8 bytes
  GoHeap::newobject(40, false);  // class 5: 48 bytes
  const claimbench::AllocCount after = claimbench::thread_alloc_count();
  CHECK(after.allocations - before.allocations == 3);
  CHECK(after.bytes - before.bytes == 16 + 8 + 48);
  CHECK(GoHeap::rounded_size(40, false) == 48);
  CHECK(GoHeap::rounded_size(8, true) == 8);
}

TEST_CASE("go_malloc: a slot is never handed out while live, and freed slots are swept back",
          "[analogues][go_malloc]") {
  // A 16-byte class span; tiny blocks; 16-byte pointer-free objects, which share the tiny
  // blocks' spans.
  const auto [size, noscan] =
      GENERATE(std::pair<std::size_t, bool>{16, false}, std::pair<std::size_t, bool>{8, true},
               std::pair<std::size_t, bool>{16, true});
  CAPTURE(size, noscan);
  // Another thread frees each batch, as the other goroutine's Store drops a box here.
  constexpr std::size_t kBatch = 4096;
  constexpr std::size_t kBatches = 400;  // 1.6M objects: several 4 MB collector cycles
  std::unordered_set<std::uintptr_t> live;
  std::unordered_set<std::uintptr_t> spans;
  std::vector<void*> batch;
  std::size_t overlaps = 0;
  for (std::size_t b = 0; b < kBatches; ++b) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      void* p = GoHeap::newobject(size, noscan);
      overlaps += live.count(addr(p));
      live.insert(addr(p));
      spans.insert(addr(p) / kBlock);
      batch.push_back(p);
    }
    std::thread freer([&] {
      for (void* p : batch)
        GoHeap::free(p);
    });
    freer.join();
    for (void* p : batch)
      live.erase(addr(p));
    batch.clear();
  }
  CHECK(overlaps == 0);
  // Without reuse every object would need a slot of its own (8 KiB of them per span); the
  // spans in use are fewer than half that.
  const std::size_t per_span = 8192 / size;
  CHECK(spans.size() * per_span < kBatch * kBatches / 2);
}

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>

TEST_CASE("go_malloc: a freed slot is poisoned until it is handed out again",
          "[analogues][go_malloc]") {
  void* p = GoHeap::newobject(16, false);
  CHECK_FALSE(__asan_address_is_poisoned(p));
  GoHeap::free(p);
  CHECK(__asan_address_is_poisoned(p));
  CHECK(__asan_address_is_poisoned(static_cast<char*>(p) + 8));
}
#endif
