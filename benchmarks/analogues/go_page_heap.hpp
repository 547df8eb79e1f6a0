/// A model of the Go runtime's page heap as a loop of large allocations sees it: spans of whole
/// 8 KiB pages, first fit from the lowest address, freed only when a GC cycle sweeps them, kept
/// mapped after that and zeroed when reused.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <vector>

namespace claimbench::go {

// Read from $(go env GOROOT)/src/runtime of go1.19.8:
//  - malloc.go mallocgc: an object above 32 KiB (_MaxSmallSize) takes mcache.allocLarge, a
//    span of ceil(size / 8 KiB) pages from mheap.alloc, and is zeroed when span.needzero is set
//    (noscan: memclrNoHeapPointersChunked, 256 KiB at a time). A span of more than 64 pages
//    (pageCachePages, 512 KiB) is taken under mheap_.lock, not from the P's page cache.
//  - mheap.go allocNeedsZero: each 64 MiB heap arena keeps zeroedBase, the high-water mark of
//    pages ever handed out. Pages above it are fresh from the OS (already zero): no zeroing.
//    Pages below it were used before: zeroed on every reuse, scavenged or not.
//  - mpagealloc.go pageAlloc.alloc: first fit from searchAddr, the lowest address that may be
//    free, so a freed span is the next one reused.
//  - A dead large span returns its pages only when the sweeper frees it after a GC cycle
//    (mgcsweep.go; mheap.alloc reclaims by sweeping first). A cycle starts as the heap reaches
//    its goal: max(4 MiB heapMinimum, live × (1 + GOGC/100)) at GOGC=100 (mgcpacer.go).
//  - mgcscavenge.go: the background scavenger returns free pages to the OS (MADV_DONTNEED;
//    the next use faults them back in) only above its retained goal, heap goal × 1.1
//    (retainExtraPercent), paced to 1% of a CPU. A steady loop stays about at its heap goal,
//    so the scavenger has little to return. Not modelled: this heap never returns a page.
// Not modelled either: the mark phase (in the Go twin's loop of 1 MiB allocations, mark
// assists and scanning take about half of make's CPU time in pprof, more than the clearing)
// and Go's earlier trigger (the twin cycles every ~2 allocations of 1 MiB, this model every 3).
class PageHeap {
 public:
  static constexpr std::size_t kPageBytes = 8192;                    // runtime _PageSize
  static constexpr std::size_t kArenaBytes = std::size_t{64} << 20;  // heapArenaBytes
  static constexpr std::size_t kHeapMinimum = std::size_t{4} << 20;  // GOGC=100
  static constexpr std::size_t kPageCachePages = 64;                 // above: mheap_.lock

  struct Stats {
    std::uint64_t cycles = 0;        // GC cycles run (each sweeps every dropped span)
    std::uint64_t zeroed_bytes = 0;  // span bytes cleared on reuse (needzero)
    std::uint64_t fresh_bytes = 0;   // span bytes fresh from the OS (above zeroedBase): not cleared
  };

  /// Reserves one arena. Like Go's heap, its pages cost nothing until first touched.
  PageHeap() : base_(map_arena()), used_(base_ == nullptr ? 0 : kArenaBytes / kPageBytes, false) {}
  ~PageHeap() {
    if (base_ != nullptr) munmap(base_, kArenaBytes);
  }
  PageHeap(const PageHeap&) = delete;
  PageHeap& operator=(const PageHeap&) = delete;

  /// False when the arena could not be mapped; alloc then returns nullptr.
  bool ok() const { return base_ != nullptr; }

  /// mallocgc's large path: a span of whole pages, zeroed unless fresh from the OS. A GC cycle
  /// runs first when the span would take the heap past its goal. nullptr when the arena is full.
  std::byte* alloc(std::size_t bytes) {
    const std::size_t npages = std::max<std::size_t>(1, (bytes + kPageBytes - 1) / kPageBytes);
    std::optional<std::unique_lock<std::mutex>> heap_lock;
    if (npages > kPageCachePages) heap_lock.emplace(lock_);
    if (in_use_pages_ + npages > goal_pages_) gc_cycle();
    const auto first = find_run(npages);
    if (!first) return nullptr;
    std::fill_n(used_.begin() + static_cast<std::ptrdiff_t>(*first), npages, true);
    spans_.push_back({*first, npages, false});
    in_use_pages_ += npages;
    if (*first == search_) search_ = *first + npages;
    std::byte* block = base_ + *first * kPageBytes;
    // allocNeedsZero: a span that reaches below the high-water mark holds pages handed out
    // before, and mallocgc then clears the whole span (its elemsize), not only those pages.
    const bool needzero = *first < zeroed_base_;
    zeroed_base_ = std::max(zeroed_base_, *first + npages);
    if (needzero) {
      std::memset(block, 0, npages * kPageBytes);
      stats_.zeroed_bytes += npages * kPageBytes;
    } else {
      stats_.fresh_bytes += npages * kPageBytes;
    }
    return block;
  }

  /// The block's last reference is gone (the variable holding it was overwritten). Its pages
  /// stay in use until the next GC cycle sweeps it. Unknown pointers are ignored.
  void drop(const std::byte* block) {
    for (auto& span : spans_)
      if (base_ + span.first * kPageBytes == block) span.dropped = true;
  }

  const Stats& stats() const { return stats_; }
  std::size_t in_use_bytes() const { return in_use_pages_ * kPageBytes; }
  std::size_t goal_bytes() const { return goal_pages_ * kPageBytes; }

 private:
  struct Span {
    std::size_t first = 0;
    std::size_t npages = 0;
    bool dropped = false;
  };

  static std::byte* map_arena() {
    void* p = mmap(nullptr, kArenaBytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? nullptr : static_cast<std::byte*>(p);
  }

  // Mark finds every undropped span live; the sweep frees the rest (pages stay mapped) and the
  // next goal is max(heapMinimum, 2 × live).
  void gc_cycle() {
    ++stats_.cycles;
    std::size_t live_pages = 0;
    for (const auto& span : spans_) {
      if (!span.dropped) {
        live_pages += span.npages;
        continue;
      }
      std::fill_n(used_.begin() + static_cast<std::ptrdiff_t>(span.first), span.npages, false);
      search_ = std::min(search_, span.first);
    }
    std::erase_if(spans_, [](const Span& span) { return span.dropped; });
    in_use_pages_ = live_pages;
    goal_pages_ = std::max(kHeapMinimum / kPageBytes, 2 * live_pages);
  }

  // First fit from the lowest page that may be free, as pageAlloc.alloc searches.
  std::optional<std::size_t> find_run(std::size_t npages) const {
    std::size_t run = 0;
    for (std::size_t page = search_; page < used_.size(); ++page) {
      run = used_[page] ? 0 : run + 1;
      if (run == npages) return page + 1 - npages;
    }
    return std::nullopt;
  }

  std::byte* base_;
  std::vector<bool> used_;        // one flag per page: part of a span not yet swept
  std::vector<Span> spans_;       // spans handed out and not yet swept
  std::size_t search_ = 0;        // pageAlloc.searchAddr, in pages
  std::size_t zeroed_base_ = 0;   // heapArena.zeroedBase, in pages
  std::size_t in_use_pages_ = 0;  // live and dropped-but-unswept pages
  std::size_t goal_pages_ = kHeapMinimum / kPageBytes;
  Stats stats_;
  std::mutex lock_;  // mheap_.lock (uncontended in a one-thread loop: its cost is the atomics)
};

}  // namespace claimbench::go
