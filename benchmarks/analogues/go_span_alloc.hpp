/// Go's small-object placement for one size class: objects back to back in 8 KiB spans.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#include "analogues/slot_poison.hpp"
#include "claimbench/measure/alloc_count.hpp"

namespace claimbench::go {

// Why it exists: where Go puts small objects decides which of them share a cache line. mallocgc
// (runtime/malloc.go, go1.19) takes an object of up to 32 KiB from the current P's mcache span
// of its size class, and a fresh span hands out its slots in address order (nextFreeFast scans
// allocCache upward): objects of one class allocated one after another by one goroutine sit
// exactly the class size apart, with no header between them. glibc's malloc puts a 16-byte-
// rounded chunk with an 8-byte header around each, so the same objects land at other offsets.
// The case that matters here: sixteen make(map[uint64]uint64) calls place sixteen 48-byte hmap
// headers (count and flags, written by every insert and delete) 48 bytes apart, four to three
// cache lines, so two goroutines writing "independent" shards of a sharded map write shared
// lines (a go1.19 program printed them at ...150, ...180, ...1b0: sync-map's caveats).
//
// The model: per thread (Go: per P) a bump pointer into an 8 KiB span of Size-byte slots and a
// free list of the slots this thread freed (Go: the sweeper frees slots, the next allocation
// from that span reuses them). Spans are never returned; they stay reachable from one registry,
// so a slot freed by another thread, or after its allocating thread exited, is still valid.
// Each allocation is counted as the harness counts operator new (Go's -benchmem counts
// mallocgc). Under AddressSanitizer a slot is poisoned from its free until its next
// allocation, so a use of a freed object is reported as with malloc. Not modelled: the per-call
// work of mallocgc (size-class lookup, heap bitmap, profiling countdown, GC assist), spans shared
// between Ps, and the GC.
template <std::size_t Size>
class GoSpanAlloc {
  static_assert(Size >= sizeof(void*) && Size % alignof(std::max_align_t) == 0 && Size <= 1024);

 public:
  static constexpr std::size_t kSpanBytes = 8192;  // one page: Go's span for classes up to 1 KiB

  /// An uninitialised Size-byte slot, next to the previous one from this thread's span.
  static void* allocate() {
    Cache& c = cache();
    count_allocation(Size);
    if (Free* f = c.free) {
      CLAIMBENCH_SPAN_UNPOISON(f, Size);
      c.free = f->next;
      return f;
    }
    if (c.end - c.bump < static_cast<std::ptrdiff_t>(Size)) {
      c.bump = new_span();
      c.end = c.bump + kSpanBytes / Size * Size;
    }
    void* p = c.bump;
    c.bump += Size;
    CLAIMBENCH_SPAN_UNPOISON(p, Size);
    return p;
  }

  /// Returns a slot from allocate() (on any thread) for this thread's next allocate().
  static void deallocate(void* p) noexcept {
    if (p == nullptr) return;
    Cache& c = cache();
    c.free = ::new (p) Free{c.free};
    CLAIMBENCH_SPAN_POISON(p, Size);
  }

 private:
  struct Free {
    Free* next;
  };
  struct Cache {
    std::byte* bump = nullptr;
    std::byte* end = nullptr;
    Free* free = nullptr;
  };

  static Cache& cache() {
    static thread_local Cache c;  // trivially destructible: no guard beyond the TLS init flag
    return c;
  }

  // Every span stays reachable from one list until exit (leak checkers see no leak), and nothing
  // frees spans, so no static destructor can free one a later destructor still returns a slot
  // to. The list's nodes come from malloc, not operator new: Go's span metadata is not an
  // allocation of the program either, and -benchmem does not count it.
  struct SpanNode {
    std::byte* span;
    SpanNode* next;
  };
  static std::byte* new_span() {
    static constinit std::atomic<SpanNode*> spans{nullptr};
    // aligned_alloc, not operator new: Go's heap takes spans from the OS, not through mallocgc.
    auto* span = static_cast<std::byte*>(std::aligned_alloc(kSpanBytes, kSpanBytes));
    auto* node = static_cast<SpanNode*>(std::malloc(sizeof(SpanNode)));
    if (span == nullptr || node == nullptr) {
      std::free(span);
      std::free(node);
      throw std::bad_alloc();
    }
    CLAIMBENCH_SPAN_POISON(span, kSpanBytes);  // slots are unpoisoned as they are handed out
    node->span = span;
    node->next = spans.load(std::memory_order_relaxed);
    while (!spans.compare_exchange_weak(node->next, node, std::memory_order_release,
                                        std::memory_order_relaxed)) {
    }
    return span;
  }
};

}  // namespace claimbench::go
