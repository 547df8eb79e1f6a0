/// Go 1.19's mallocgc for small objects (the tiny allocator and size classes up to 64 bytes).
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <type_traits>

#include "analogues/slot_poison.hpp"
#include "claimbench/measure/alloc_count.hpp"

namespace claimbench::go {

// Why it exists: a sync.Map Store allocates two or three small objects (the key's and the
// value's convT64 boxes, the `any` that &value moves to the heap), and what that costs in Go is
// mallocgc's per-call path, not glibc's malloc/free pair. A go1.19 loop of `new(any)` runs
// 23-26 ns per object at one P on the Zen 4 guest and of convT64 10-12 ns (pprof: mallocgc's
// own body 30%, nextFreeFast 13%, heapBitsSetType 10%, memclr 4%, the rest the collector:
// write barriers while marking, gcmarknewobject, sweeping); glibc's tcache pair is cheaper at one
// thread and dearer across two, where a block freed by the other thread goes back to the arena
// it came from under that arena's lock. Go never frees on the mutator's path: the sweeper frees
// unreachable objects by clearing bits, and the allocating P finds the freed slots when it next
// sweeps the span.
//
// Ported from runtime/malloc.go (mallocgc's small-object path, nextFreeFast), mbitmap.go
// (refillAllocCache, nextFreeIndex, heapBitsSetType's two-word case) and mcache.go (nextFree,
// refill): newobject's call of mallocgc, acquirem and the M's P's mcache (per thread: a pinned
// benchmark thread keeps its P) with a span per span class and the tiny block, the runtime
// globals mallocgc checks, the size-to-class table, the allocCache bit scan, zeroing of reused
// memory, the heap bits of objects with pointers, the memory-profile countdown. Spans are 8 KiB
// of slots with their mspan just after them (spanOf is an align-down, where Go looks the span up
// through its arena index); a full span goes back to its class's mcentral, which sweeps each
// span once per cycle (GcClock) and hands out one with free slots before it asks for a new one.
// free() stands for the collector finding one object unreachable (any thread): it sets the
// slot's bit in the span's freed mask, for the span's next sweep; a tiny block is freed when the
// last object in it is. Not modelled: the collector's work (marking, assists, write barriers; a
// cycle here only advances the sweep generation), profilealloc's stack walk when the countdown
// expires (every 512 KiB: under 0.2 ns per object), large objects. What that leaves out shows
// in a loop of single allocations on the Zen 4 guest: new(any) 13-18 ns here against Go's
// 23-26, an 8-byte tiny box 7.9 against convT64's 10.2-11.8 (GOGC=off leaves Go's near those).
class GoHeap {
 public:
  static constexpr std::size_t kPageBytes = 8192;
  static constexpr std::size_t kMaxTinySize = 16;   // maxTinySize
  static constexpr std::size_t kMaxSmallSize = 64;  // this port stops at class 6

  /// newobject / convT64: the runtime call a `new(T)` or a conversion to `any` compiles to,
  /// which calls mallocgc (neither is inlined in Go).
  [[gnu::noinline]] static void* newobject(std::size_t size, bool noscan) {
    void* x = mallocgc(size, noscan);
    asm volatile("" : "+r"(x));  // Go makes no tail calls: a call and a return
    return x;
  }

  /// mallocgc(size, typ, needzero=true) for size <= 64: noscan says the type has no pointers.
  [[gnu::noinline]] static void* mallocgc(std::size_t size, bool noscan) {
    if (size == 0 || size > kMaxSmallSize) std::abort();  // outside the ported classes
    if (kRuntime.debugMalloc != 0) std::abort();          // not modelled (GODEBUG=malloc)
    if (kRuntime.gcBlackenEnabled != 0) std::abort();     // GC assists: no collector here
    M& mp = acquirem();
    if (mp.mallocing != 0) std::abort();  // Go: throw("malloc deadlock")
    mp.mallocing = 1;
    MCache& c = *mp.p->mcache;  // getMCache: the P's mcache
    void* x = nullptr;
    if (noscan && size < kMaxTinySize) {
      // The tiny allocator: pointer-free objects under 16 bytes share 16-byte blocks.
      std::size_t off = c.tinyoffset;
      if ((size & 7) == 0) {
        off = (off + 7) & ~std::size_t{7};
      } else if ((size & 3) == 0) {
        off = (off + 3) & ~std::size_t{3};
      } else if ((size & 1) == 0) {
        off = (off + 1) & ~std::size_t{1};
      }
      if (off + size <= kMaxTinySize && c.tiny != nullptr) {
        x = c.tiny + off;  // fits the current tiny block
        c.tinyoffset = off + size;
        ++c.tinyAllocs;
        ++c.tinyHanded;
        mp.mallocing = 0;
        releasem(mp);
        count_allocation(size);  // -benchmem: one object of its own size
        return x;
      }
      Span* span = c.alloc[kTinySpanClass];
      std::byte* v = next_free_fast(span);
      if (v == nullptr) v = next_free(c, kTinySpanClass, span);
      std::memset(v, 0, kMaxTinySize);  // (*[2]uint64)(x)[0] = 0; [1] = 0
      x = v;
      const std::size_t slot = slot_of(span, v, kMaxTinySize);
      if (size < c.tinyoffset || c.tiny == nullptr) {
        // The new block has more room left than the old one: it becomes the tiny block.
        retire_tiny(c);
        span->tinyRefs[slot].store(kTinyHeld, std::memory_order_relaxed);
        c.tiny = v;
        c.tinyoffset = size;
        c.tinyHanded = 1;
      } else {
        span->tinyRefs[slot].store(1, std::memory_order_relaxed);
      }
      count_allocation(size);
      size = kMaxTinySize;
    } else {
      const std::uint8_t sizeclass = size_class(size);
      size = kClassToSize[sizeclass];
      const int spc = span_class(sizeclass, noscan);
      Span* span = c.alloc[spc];
      std::byte* v = next_free_fast(span);
      if (v == nullptr) v = next_free(c, spc, span);
      x = v;
      // A 16-byte pointer-free object shares tinySpanClass's spans with the tiny blocks (as in
      // Go): it counts as a block holding one object, which its free releases.
      if (spc == kTinySpanClass) {
        const std::size_t slot = slot_of(span, v, kMaxTinySize);
        span->tinyRefs[slot].store(1, std::memory_order_relaxed);
      }
      if (span->needzero) memclr_no_heap_pointers(x, size);
      if (!noscan) heap_bits_set_type(v, size);
      count_allocation(size);  // -benchmem: the size class's bytes
    }
    // publicationBarrier is a no-op on amd64; gcmarknewobject runs only while marking.
    if (kRuntime.gcphase != 0) std::abort();
    mp.mallocing = 0;
    releasem(mp);
    // MemProfileRate's countdown (the sampled stack walk itself is not modelled).
    if (const std::int64_t rate = kRuntime.MemProfileRate; rate > 0) {
      if (rate != 1 && size < c.nextSample) {
        c.nextSample -= size;
      } else {
        c.nextSample = static_cast<std::uintptr_t>(rate);
      }
    }
    return x;
  }

  /// The sweeper frees one unreachable object that mallocgc returned (on any thread).
  static void free(void* p) noexcept {
    if (p == nullptr) return;
    Span* s = span_of(p);
    const std::size_t slot = slot_of(s, p, s->elemsize);
    if (s->spc == kTinySpanClass) {
      // A tiny block dies with the last object in it.
      if (s->tinyRefs[slot].fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    }
    free_slot(s, slot);
  }

  /// The slot size mallocgc(size, noscan) hands out (tests).
  static std::size_t rounded_size(std::size_t size, bool noscan) {
    if (noscan && size < kMaxTinySize) return size;
    return kClassToSize[size_class(size)];
  }

 private:
  // sizeclasses.go, the first six classes: 8, 16, 24, 32, 48, 64 bytes.
  static constexpr std::array<std::uint8_t, 7> kClassToSize{0, 8, 16, 24, 32, 48, 64};
  static constexpr std::array<std::uint8_t, 9> kSizeToClass8{0, 1, 2, 3, 4, 5, 5, 6, 6};
  static constexpr int kNumSpanClasses = 2 * 7;  // spanClass = class << 1 | noscan
  static constexpr int span_class(int sizeclass, bool noscan) { return sizeclass << 1 | noscan; }
  static std::uint8_t size_class(std::size_t size) { return kSizeToClass8[(size + 7) / 8]; }
  static constexpr int kTinySpanClass = 2 << 1 | 1;  // tinySpanClass: class 2 (16 B), noscan
  static constexpr std::uint32_t kMaxSlots = kPageBytes / 8;
  // A tiny block's count while it is the mcache's tiny block: the objects handed out from it
  // are settled when it is replaced (retire_tiny), so the fast path needs no atomic.
  static constexpr std::int32_t kTinyHeld = 1 << 30;

  // mspan: what mallocgc's path reads and writes, placed right after its 8 KiB of slots.
  struct Span {
    std::byte* base = nullptr;
    std::uint32_t elemsize = 0;
    std::uint32_t nelems = 0;
    std::uint32_t freeindex = 0;
    std::uint32_t allocCount = 0;
    std::uint64_t allocCache = 0;  // ~allocBits from freeindex on, shifted: 1 = free
    bool needzero = false;
    int spc = 0;
    std::uint32_t sweepgen = 0;  // the cycle it was last swept in (mspan.sweepgen)
    Span* next = nullptr;        // its mcentral set's link while no mcache holds it
    std::array<std::uint64_t, kMaxSlots / 64> allocBits{};  // 1 = allocated at the last sweep
    // The sweeper's frees since this span was last swept (any thread sets them).
    std::array<std::atomic<std::uint64_t>, kMaxSlots / 64> freed{};
    std::array<std::atomic<std::int32_t>, kPageBytes / kMaxTinySize> tinyRefs{};
    std::array<std::uint8_t, kMaxSlots / 4> heapBits{};  // 2 bits per word, 4 words per byte
  };
  static constexpr std::size_t kBlockBytes =
      (kPageBytes + sizeof(Span) + kPageBytes - 1) / kPageBytes * kPageBytes;

  // The runtime's globals mallocgc reads on every call (gcphase, gcBlackenEnabled,
  // MemProfileRate, debug.malloc), loaded each time as Go loads them; never set here.
  struct RuntimeGlobals {
    std::uint32_t gcphase;
    std::uint32_t gcBlackenEnabled;
    std::int64_t MemProfileRate;
    std::int32_t debugMalloc;
  };
  static constexpr std::int64_t kDefaultMemProfileRate = 512 * 1024;
  static inline const volatile RuntimeGlobals kRuntime{0, 0, kDefaultMemProfileRate, 0};

  struct MCache {
    std::array<Span*, kNumSpanClasses> alloc{};
    std::byte* tiny = nullptr;
    std::size_t tinyoffset = 0;
    std::uint32_t tinyHanded = 0;
    std::uint64_t tinyAllocs = 0;  // memstats' count, written on the fast path as Go writes it
    std::uintptr_t nextSample = kDefaultMemProfileRate;
    // releaseAll: a thread that exits hands its spans back to the mcentrals, as a P's mcache
    // is flushed when the P is destroyed.
    ~MCache() {
      retire_tiny(*this);
      for (int spc = 0; spc < kNumSpanClasses; ++spc)
        if (alloc[spc] != nullptr) central(spc).uncache(alloc[spc]);
    }
  };

  // The collector's clock, as far as the allocator sees it (Go: mheap_.sweepgen, advanced by
  // 2 per cycle, and gcController.heapLive against the trigger). No marking is modelled: every
  // object not yet freed is live, and a cycle starts when the spans handed to mcaches since the
  // last one reach the minimum trigger of GOGC=100, 4 MB (heapminimum; the live heaps here are
  // far smaller). Until then a full span stays full: freed slots come back only when the span
  // is swept in the next cycle, so allocation walks through megabytes of spans between cycles,
  // as a Go program's does, instead of reusing the last freed block while it is hot.
  struct GcClock {
    static constexpr std::uint64_t kHeapMinimum = 4 << 20;
    std::atomic<std::uint32_t> sweepgen{2};
    std::atomic<std::uint64_t> heapLive{0};

    void span_cached() {  // mcache.refill: heapLive grows by the span's bytes
      const std::uint64_t live = heapLive.fetch_add(kPageBytes, std::memory_order_relaxed);
      if (live + kPageBytes >= kHeapMinimum) {
        std::uint64_t expected = live + kPageBytes;
        if (heapLive.compare_exchange_strong(expected, 0, std::memory_order_relaxed))
          sweepgen.fetch_add(2, std::memory_order_acq_rel);  // a cycle: every span is unswept
      }
    }
  };
  static GcClock& gc_clock() {
    static constinit GcClock clock;  // trivially destructible: alive for every thread's exit
    static_assert(std::is_trivially_destructible_v<GcClock>);
    return clock;
  }

  // One of mcentral's span sets: spans linked through Span::next, taken from the front and
  // returned at the back. Intrusive, so the allocator's own bookkeeping allocates nothing (Go's
  // span metadata is not an allocation of the program; -benchmem does not count it).
  struct SpanList {
    Span* head = nullptr;
    Span* tail = nullptr;
    void push_back(Span* s) {
      s->next = nullptr;
      if (tail != nullptr) {
        tail->next = s;
      } else {
        head = s;
      }
      tail = s;
    }
    Span* pop_front() {
      Span* s = head;
      if (s != nullptr) {
        head = s->next;
        if (head == nullptr) tail = nullptr;
        s->next = nullptr;
      }
      return s;
    }
  };

  // mcentral for one span class (mcentral.go): the spans no mcache holds, in Go's four sets,
  // partial/full x swept/unswept in this cycle, where the sets swap roles when sweepgen
  // advances. The mcentrals live until exit (an exiting thread's MCache returns its spans).
  struct MCentral {
    std::mutex lock;
    std::array<SpanList, 2> partial{};  // [sweepgen/2 % 2] = swept this cycle
    std::array<SpanList, 2> full{};

    static std::size_t swept(std::uint32_t sg) { return sg / 2 % 2; }
    static std::size_t unswept(std::uint32_t sg) { return 1 - sg / 2 % 2; }

    // uncacheSpan: back to the swept sets, or the unswept ones if a cycle began meanwhile.
    void uncache(Span* s) {
      const std::uint32_t sg = gc_clock().sweepgen.load(std::memory_order_acquire);
      std::lock_guard lk(lock);
      const std::size_t set = s->sweepgen == sg ? swept(sg) : unswept(sg);
      (s->allocCount == s->nelems ? full : partial)[set].push_back(s);
    }
    // cacheSpan: a swept partial span, else an unswept partial one, else an unswept full one
    // that sweeping frees a slot in (Go gives up after 100 spans), else a new span.
    Span* cache_span(int spc) {
      gc_clock().span_cached();
      const std::uint32_t sg = gc_clock().sweepgen.load(std::memory_order_acquire);
      {
        std::lock_guard lk(lock);
        if (Span* s = partial[swept(sg)].pop_front()) return s;
        while (Span* s = partial[unswept(sg)].pop_front()) {
          if (sweep(s, sg)) return s;
          full[swept(sg)].push_back(s);
        }
        for (int budget = 100; budget > 0; --budget) {
          Span* s = full[unswept(sg)].pop_front();
          if (s == nullptr) break;
          if (sweep(s, sg)) return s;
          full[swept(sg)].push_back(s);
        }
      }
      return grow(spc, sg);
    }
  };
  static MCentral& central(int spc) {
    // Constant-initialised and trivially destructible (std::mutex and raw lists): no
    // allocation, and still valid when a thread's MCache returns its spans at exit.
    static constinit std::array<MCentral, kNumSpanClasses> centrals{};
    static_assert(std::is_trivially_destructible_v<MCentral>);
    return centrals[spc];
  }

  static MCache& mcache() {
    thread_local MCache c;
    return c;
  }

  // The M and P mallocgc reaches the mcache through (getg().m, m.p.ptr().mcache): here a
  // thread's own, as a pinned benchmark thread keeps its P.
  struct P {
    MCache* mcache;
  };
  struct M {
    std::int32_t locks = 0;
    std::int32_t mallocing = 0;
    P* p = nullptr;
  };
  [[gnu::always_inline]] static M& acquirem() {
    thread_local M m;
    thread_local P p{nullptr};
    if (m.p == nullptr) [[unlikely]] {
      p.mcache = &mcache();
      m.p = &p;
    }
    ++m.locks;
    return m;
  }
  [[gnu::always_inline]] static void releasem(M& m) { --m.locks; }

  // memclrNoHeapPointers: an assembly routine Go calls for every reused small object.
  [[gnu::noinline]] static void memclr_no_heap_pointers(void* p, std::size_t n) {
    std::memset(p, 0, n);
    asm volatile("" : : "r"(p) : "memory");
  }

  // The index of the slot at p in its span of elemsize-byte slots (the allocation paths pass
  // tinySpanClass's 16 as a constant, so their division is a shift).
  static std::size_t slot_of(const Span* s, const void* p, std::size_t elemsize) {
    return static_cast<std::size_t>(static_cast<const std::byte*>(p) - s->base) / elemsize;
  }

  static Span* span_of(void* p) {
    const auto a = reinterpret_cast<std::uintptr_t>(p) & ~std::uintptr_t{kBlockBytes - 1};
    return reinterpret_cast<Span*>(a + kPageBytes);
  }

  // mheap.alloc + initSpan: a fresh span of one class, every slot free.
  static Span* grow(int spc, std::uint32_t sg) {
    auto* block = static_cast<std::byte*>(std::aligned_alloc(kBlockBytes, kBlockBytes));
    if (block == nullptr) throw std::bad_alloc();
    CLAIMBENCH_SPAN_POISON(block, kPageBytes);  // unpoisoned slot by slot as handed out
    auto* s = ::new (block + kPageBytes) Span;
    s->base = block;
    s->spc = spc;
    s->elemsize = kClassToSize[spc >> 1];
    s->nelems = static_cast<std::uint32_t>(kPageBytes / s->elemsize);
    s->allocCache = ~std::uint64_t{0};
    s->needzero = false;  // fresh memory from the OS is zero
    s->sweepgen = sg;
    return s;
  }

  // sweep: the frees since the last sweep become free slots (the span is swept for cycle sg).
  // True if the span has a free slot. Every slot below freeindex was handed out since the last
  // sweep or before it (Go: the marked survivors become the allocBits), so it stays allocated
  // unless it was freed.
  static bool sweep(Span* s, std::uint32_t sg) {
    std::uint32_t count = 0;
    for (std::size_t i = 0; i < s->allocBits.size(); ++i) {
      const std::size_t first = i * 64;
      std::uint64_t handed = 0;
      if (s->freeindex >= first + 64) {
        handed = ~std::uint64_t{0};
      } else if (s->freeindex > first) {
        handed = (std::uint64_t{1} << (s->freeindex - first)) - 1;
      }
      s->allocBits[i] |= handed;
      s->allocBits[i] &= ~s->freed[i].exchange(0, std::memory_order_acq_rel);
      count += static_cast<std::uint32_t>(std::popcount(s->allocBits[i]));
    }
    s->sweepgen = sg;
    s->allocCount = count;
    if (count == s->nelems) return false;
    s->freeindex = 0;
    refill_alloc_cache(s, 0);
    s->needzero = true;
    return true;
  }

  static void free_slot(Span* s, std::size_t slot) noexcept {
    CLAIMBENCH_SPAN_POISON(s->base + slot * s->elemsize, s->elemsize);
    s->freed[slot / 64].fetch_or(std::uint64_t{1} << (slot % 64), std::memory_order_acq_rel);
  }

  // The tiny block is replaced: settle the objects handed out from it; if all of them are
  // already dead, the block is.
  static void retire_tiny(MCache& c) noexcept {
    if (c.tiny == nullptr) return;
    Span* s = span_of(c.tiny);
    const std::size_t slot = slot_of(s, c.tiny, kMaxTinySize);
    const std::int32_t drop = kTinyHeld - static_cast<std::int32_t>(c.tinyHanded);
    if (s->tinyRefs[slot].fetch_sub(drop, std::memory_order_acq_rel) == drop) free_slot(s, slot);
    c.tiny = nullptr;
    c.tinyoffset = 0;
    c.tinyHanded = 0;
  }

  // mbitmap.go refillAllocCache: 64 bits of allocBits from slot `from`, inverted (1 = free).
  static void refill_alloc_cache(Span* s, std::uint32_t from) {
    s->allocCache = ~s->allocBits[from / 64];
  }

  // malloc.go nextFreeFast: the next free slot in allocCache, or nullptr.
  [[gnu::always_inline]] static std::byte* next_free_fast(Span* s) {
    if (s == nullptr) return nullptr;
    const int theBit = std::countr_zero(s->allocCache);
    if (theBit < 64) {
      const std::uint32_t result = s->freeindex + static_cast<std::uint32_t>(theBit);
      if (result < s->nelems) {
        const std::uint32_t freeidx = result + 1;
        if (freeidx % 64 == 0 && freeidx != s->nelems) return nullptr;
        s->allocCache = theBit < 63 ? s->allocCache >> (theBit + 1) : 0;  // Go: a 64 shift is 0
        s->freeindex = freeidx;
        ++s->allocCount;
        std::byte* p = s->base + static_cast<std::size_t>(result) * s->elemsize;
        CLAIMBENCH_SPAN_UNPOISON(p, s->elemsize);
        return p;
      }
    }
    return nullptr;
  }

  // mbitmap.go nextFreeIndex.
  static std::uint32_t next_free_index(Span* s) {
    std::uint32_t sfreeindex = s->freeindex;
    const std::uint32_t snelems = s->nelems;
    if (sfreeindex == snelems) return sfreeindex;
    std::uint64_t aCache = s->allocCache;
    int bitIndex = std::countr_zero(aCache);
    while (bitIndex == 64) {
      sfreeindex = (sfreeindex + 64) & ~std::uint32_t{63};
      if (sfreeindex >= snelems) {
        s->freeindex = snelems;
        return snelems;
      }
      refill_alloc_cache(s, sfreeindex);
      aCache = s->allocCache;
      bitIndex = std::countr_zero(aCache);
    }
    const std::uint32_t result = sfreeindex + static_cast<std::uint32_t>(bitIndex);
    if (result >= snelems) {
      s->freeindex = snelems;
      return snelems;
    }
    s->allocCache = bitIndex + 1 < 64 ? s->allocCache >> (bitIndex + 1) : 0;
    sfreeindex = result + 1;
    if (sfreeindex % 64 == 0 && sfreeindex != snelems) refill_alloc_cache(s, sfreeindex);
    s->freeindex = sfreeindex;
    return result;
  }

  // mcache.go nextFree (+ refill): the slow path, when allocCache has no free bit left.
  [[gnu::noinline]] static std::byte* next_free(MCache& c, int spc, Span*& span) {
    Span* s = c.alloc[spc];
    std::uint32_t freeIndex = s == nullptr ? 0 : next_free_index(s);
    if (s == nullptr || freeIndex == s->nelems) {
      if (s != nullptr) central(spc).uncache(s);  // full: back to the mcentral
      s = central(spc).cache_span(spc);
      c.alloc[spc] = s;
      freeIndex = next_free_index(s);
    }
    ++s->allocCount;
    span = s;
    std::byte* p = s->base + static_cast<std::size_t>(freeIndex) * s->elemsize;
    CLAIMBENCH_SPAN_UNPOISON(p, s->elemsize);
    return p;
  }

  // mbitmap.go heapBitsSetType, the size == 2*PtrSize case (the only scan class this port's
  // callers use is 16 bytes, two pointer words): clear the object's pointer and scan bits and
  // set them from the type's pointer mask; other sizes mark every word a pointer.
  [[gnu::noinline]] static void heap_bits_set_type(const std::byte* x, std::size_t size) {
    Span* s = span_of(const_cast<std::byte*>(x));  // heapBitsForAddr: the object's bitmap
    constexpr unsigned kBitPointer = 1, kBitScan = 1 << 4, kHeapBitsShift = 1;
    const auto word = static_cast<std::size_t>(x - s->base) / 8;
    std::uint8_t* bitp = &s->heapBits[word / 4];
    const unsigned shift = word % 4;
    if (size == 16) {
      const unsigned hb = 3 | (kBitScan | kBitScan << kHeapBitsShift);  // ptrmask 0b11
      *bitp = static_cast<std::uint8_t>(
          *bitp &
          ~((kBitPointer | kBitScan | (kBitPointer | kBitScan) << kHeapBitsShift) << shift));
      *bitp = static_cast<std::uint8_t>(*bitp | hb << shift);
      return;
    }
    for (std::size_t w = word; w < word + size / 8; ++w)
      s->heapBits[w / 4] =
          static_cast<std::uint8_t>(s->heapBits[w / 4] | (kBitPointer | kBitScan) << (w % 4));
  }
};

/// A base that makes `new T` and `delete` of a small type with pointers go through GoHeap
/// (Go's new(T)): delete is the collector freeing it. Empty, so it adds no bytes.
struct GoHeapObject {
  static void* operator new(std::size_t n) { return GoHeap::newobject(n, /*noscan=*/false); }
  static void operator delete(void* p) noexcept { GoHeap::free(p); }
};

}  // namespace claimbench::go
