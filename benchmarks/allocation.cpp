// Allocation on the hot path: heap vs returning by value (claims/heap-vs-stack.toml), boxing a
// value in a type-erased holder (claims/interface-boxing.toml), and the paths for large blocks:
// glibc's and a model of Go's page heap (claims/large-alloc-path.toml).
//
// Allocations per op are measured, not inferred: BenchThread publishes `allocs` (operator new
// calls, counted by the harness's replaced operator new). The large-alloc variants call malloc
// directly, which that hook cannot see, so they count their own calls (`mallocs`) and read how
// glibc served each block (`mmapped`, from the chunk header's IS_MMAPPED bit).
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3, x86-64):
//  - heap-vs-stack/value: make_point is a real call (noinline); it writes three quadwords
//    through the hidden return pointer (24 bytes: returned in memory, not registers) and ret.
//    No allocation anywhere in the loop.
//  - heap-vs-stack/heap: new_point calls `operator new(24)` and stores the three fields; the
//    loop body calls it, reads the object and calls `operator delete(void*, 24)`. GCC cannot
//    pair (and elide) the new with the delete because they sit in different functions.
//  - boxing/any-int (GoAny): `call operator new(unsigned long)` (8 bytes), the value stored,
//    `call sum_go_boxed<long>` (compares the type word's address, loads through the data
//    word), `call operator delete(void*, unsigned long)`. GCC proves v >= 1000 (i starts there
//    and only grows) and drops the staticuint64s test that convT64 makes at run time; in
//    any-int-small (v = i % 256) the test stays and the new is never reached.
//  - boxing/any-pointer (GoAny): the pointer is the data word; no call to operator new.
//  - boxing/stdany-int: the std::any is built in the caller's frame (the manager
//    pointer _Manager_internal<long> / <Big64*> stored next to the value, inline); no call to
//    operator new; sum_boxed is called through a real call and compares the manager pointer;
//    destruction is an indirect call to the manager (a no-op for these types).
//  - boxing/any-64B (GoAny): operator new(64), the eight words copied, one allocation per op;
//    stdany-64B: std::any's constructor calls `operator new(64)` and copies the eight
//    words (_Manager_external<Big64>); destruction calls the manager, which calls
//    `operator delete(p, 64)`: one allocation per op.
//  - boxing/concrete-*: a real call to sum_concrete, no allocation. GCC's IPA-SRA clones it to
//    take only what it reads (the int in a register; for Big64 the two fields f[0] and f[7]),
//    so the concrete-64B struct is never built in memory: the cheapest the concrete path gets.
//  - large-alloc: malloc, a loop of one-byte stores 4096 bytes apart, the load of the size
//    word at block[-8] (shr/and: the IS_MMAPPED bit), free; or mmap, the header store, the same
//    store loop, munmap; or (go-large) a call to PageHeap::alloc (heap lock, bitmap scan,
//    memset@plt of the span), the store loop, the drop. Every store is emitted (DoNotOptimize
//    + ClobberMemory keep them).
#include <sys/mman.h>

#include <any>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <type_traits>

#include "analogues/go_any.hpp"
#include "analogues/go_page_heap.hpp"
#include "claimbench/measure/bench.hpp"

namespace {

constexpr int kOpsPerIteration = 64;  // amortises the loop's own overhead

// ---------------------------------------------------------------------------------------------
// heap-vs-stack: Go's `func newPoint() Point` vs `func newPoint() *Point` for a 3-field struct.

struct Point3 {
  std::int64_t x, y, z;
};
static_assert(sizeof(Point3) == 24);

// noinline: the claim is about a function that returns; inlined, both versions would be
// optimised to nothing (and GCC may elide a new/delete pair that it can see together).
[[gnu::noinline]] Point3 make_point(std::int64_t i) {
  return {i, i + 1, i + 2};
}
[[gnu::noinline]] std::unique_ptr<Point3> new_point(std::int64_t i) {
  return std::make_unique<Point3>(Point3{i, i + 1, i + 2});
}

void BM_HeapVsStack_Value(benchmark::State& state) {
  claimbench::BenchThread thread(state, kOpsPerIteration);
  std::int64_t i = 0;
  for (auto _ : thread) {
    for (int k = 0; k < kOpsPerIteration; ++k) {
      Point3 p = make_point(i++);
      benchmark::DoNotOptimize(p);
    }
  }
}

void BM_HeapVsStack_Heap(benchmark::State& state) {
  claimbench::BenchThread thread(state, kOpsPerIteration);
  std::int64_t i = 0;
  for (auto _ : thread) {
    for (int k = 0; k < kOpsPerIteration; ++k) {
      auto p = new_point(i++);  // freed at the end of the statement's scope: C++ has no GC
      benchmark::DoNotOptimize(*p);
    }
  }
}

BENCHMARK(BM_HeapVsStack_Value)->Name("BM_HeapVsStack/value");
BENCHMARK(BM_HeapVsStack_Heap)->Name("BM_HeapVsStack/heap");

// ---------------------------------------------------------------------------------------------
// interface-boxing: `var x any = v` for an int, a pointer and a 64-byte struct, vs the value
// passed as its concrete type. The any-* rows use GoAny (analogues/go_any.hpp), which allocates
// exactly when Go's convT* does for an escaping interface: an int64 >= 256 (8 B), the 64-byte
// struct (64 B), nothing for a pointer or an integer < 256 (staticuint64s). The stdany-* rows
// are C++'s own eface, std::any, which decides by type alone: libstdc++ keeps any nothrow-movable
// value that fits a pointer inline (the int64: no allocation, whatever the value), so std::any
// is not Go's rule; it stays as a C++ idiom row. Go (twin, go1.19, this machine): any-int 1
// alloc/op 8 B, any-int-small 0, any-pointer 0, any-64B 1 alloc/op 64 B.

struct Big64 {
  std::int64_t f[8];
};
static_assert(sizeof(Big64) == 64);
// libstdc++ keeps a value inside the std::any when it fits in one pointer and moves without
// throwing; everything else goes to the heap. These asserts pin the sizes the claim file cites.
static_assert(sizeof(std::int64_t) <= sizeof(void*) && sizeof(Big64*) <= sizeof(void*));

std::int64_t payload(std::int64_t v) {
  return v;
}
std::int64_t payload(const Big64& v) {
  return v.f[0] + v.f[7];
}
std::int64_t payload(const Big64* v) {
  return v->f[0];
}

// The callee type-asserts the value back, like the Go twin's `x.(int64)`. noinline: the
// conversion must happen at a real call boundary (Go's twin also stores x in a package sink,
// so its box escapes; GoAny always takes the escaping path).
template <class T>
[[gnu::noinline]] std::int64_t sum_boxed(const std::any& box) {
  return payload(std::any_cast<const T&>(box));
}
template <class T>
[[gnu::noinline]] std::int64_t sum_go_boxed(const claimbench::go::GoAny& box) {
  T value{};
  if (!box.as(value)) return -1;
  return payload(value);
}
template <class T>
[[gnu::noinline]] std::int64_t sum_concrete(const T& value) {
  return payload(value);
}

template <class T>
T make_value(std::int64_t i, Big64& storage) {
  if constexpr (std::is_same_v<T, std::int64_t>) {
    return i;
  } else if constexpr (std::is_same_v<T, Big64>) {
    return Big64{{i, i, i, i, i, i, i, i + 1}};
  } else {
    storage.f[0] = i;
    return &storage;
  }
}

// Values from `first` upwards: 1000 is above 255, so Go's staticuint64s shortcut does not
// apply; any-int-small cycles through 0..255 (it does, in both Go and GoAny).
template <class T, class Box, std::int64_t kFirst = 1000, std::int64_t kMod = 0>
void BM_Boxing_Any(benchmark::State& state) {
  claimbench::BenchThread thread(state, kOpsPerIteration);
  Big64 storage{};
  std::int64_t i = kFirst;
  std::int64_t sink = 0;
  for (auto _ : thread) {
    for (int k = 0; k < kOpsPerIteration; ++k) {
      std::int64_t v = i++;
      if constexpr (kMod != 0) v %= kMod;
      const Box box(make_value<T>(v, storage));
      if constexpr (std::is_same_v<Box, std::any>) {
        sink += sum_boxed<T>(box);
      } else {
        sink += sum_go_boxed<T>(box);
      }
    }
    benchmark::DoNotOptimize(sink);
  }
}

template <class T>
void BM_Boxing_Concrete(benchmark::State& state) {
  claimbench::BenchThread thread(state, kOpsPerIteration);
  Big64 storage{};
  std::int64_t i = 1000;
  std::int64_t sink = 0;
  for (auto _ : thread) {
    for (int k = 0; k < kOpsPerIteration; ++k) {
      const T value = make_value<T>(i++, storage);
      sink += sum_concrete<T>(value);
    }
    benchmark::DoNotOptimize(sink);
  }
}

using claimbench::go::GoAny;
BENCHMARK_TEMPLATE(BM_Boxing_Concrete, std::int64_t)->Name("BM_Boxing/concrete-int");
BENCHMARK_TEMPLATE(BM_Boxing_Any, std::int64_t, GoAny)->Name("BM_Boxing/any-int");
BENCHMARK_TEMPLATE(BM_Boxing_Any, std::int64_t, GoAny, 0, 256)->Name("BM_Boxing/any-int-small");
BENCHMARK_TEMPLATE(BM_Boxing_Any, Big64*, GoAny)->Name("BM_Boxing/any-pointer");
BENCHMARK_TEMPLATE(BM_Boxing_Concrete, Big64)->Name("BM_Boxing/concrete-64B");
BENCHMARK_TEMPLATE(BM_Boxing_Any, Big64, GoAny)->Name("BM_Boxing/any-64B");
BENCHMARK_TEMPLATE(BM_Boxing_Any, std::int64_t, std::any)->Name("BM_Boxing/stdany-int");
BENCHMARK_TEMPLATE(BM_Boxing_Any, Big64, std::any)->Name("BM_Boxing/stdany-64B");

// ---------------------------------------------------------------------------------------------
// large-alloc-path: glibc serves blocks below M_MMAP_THRESHOLD (128 KiB at start) from its
// arenas and larger ones with a fresh mmap, returned by munmap on free. But the threshold is
// dynamic: freeing an mmapped block of size s <= 32 MiB raises the threshold to s (and the trim
// threshold to 2s), so from then on blocks of that size come from the heap. A loop of 1 MiB
// malloc/free therefore takes the mmap path once and the heap path ever after — the
// malloc-1MiB variant shows that. Pinning the threshold (mallopt M_MMAP_THRESHOLD) would turn
// the dynamic rule off for the whole process and change every later claim's results, so the
// above-threshold path is run by hand instead: the same mmap/munmap pair, of the same size,
// that glibc's sysmalloc/munmap_chunk issue for a 1 MiB request when the threshold is fixed.
// Checked: run with MALLOC_MMAP_THRESHOLD_=131072 (and the guard below disabled), glibc's own
// malloc/1MiB measured 1.06 ms and 256 page faults per op, the hand-run path 1.09 ms and 256.
//
// Every variant writes one byte per 4 KiB page of the block, as a program that fills the
// buffer would touch every page (Go also zeroes a large object, or takes fresh zero pages).

constexpr std::size_t kPage = 4096;
constexpr std::size_t kDefaultMmapThreshold = std::size_t{128} << 10;  // glibc's M_MMAP_THRESHOLD

// glibc marks a block it mmapped with bit 1 (IS_MMAPPED) of the size word just before it.
// Not under AddressSanitizer: its malloc is not glibc's, and that word is its red zone.
bool glibc_mmapped(const void* block) {
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
  std::size_t size_word = 0;
  const auto at = reinterpret_cast<std::uintptr_t>(block) - sizeof size_word;
  std::memcpy(&size_word, reinterpret_cast<const void*>(at), sizeof size_word);
  return (size_word & 2U) != 0;
#else
  (void)block;
  return false;
#endif
}

void touch_pages(std::byte* block, std::size_t bytes, std::int64_t i) {
  for (std::size_t off = 0; off < bytes; off += kPage)
    block[off] = static_cast<std::byte>(i);
  benchmark::DoNotOptimize(block);
  benchmark::ClobberMemory();
}

void BM_LargeAlloc_Malloc(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0));
  // One untimed malloc/free first: glibc adapts its threshold on the first free of an mmapped
  // block, and this row is about the steady state of a program that allocates such blocks.
  void* first = std::malloc(bytes);
  benchmark::DoNotOptimize(first);  // else GCC deletes the malloc/free pair
  std::free(first);
  claimbench::BenchThread thread(state);
  std::int64_t i = 0;
  std::uint64_t calls = 0;  // malloc is invisible to the operator new hook: count it here
  std::uint64_t mmapped = 0;
  for (auto _ : thread) {
    auto* block = static_cast<std::byte*>(std::malloc(bytes));
    ++calls;
    if (block == nullptr) {
      state.SkipWithError("malloc failed");
      break;
    }
    touch_pages(block, bytes, ++i);
    mmapped += glibc_mmapped(block) ? 1 : 0;
    std::free(block);
  }
  state.counters["mallocs"] =
      benchmark::Counter(static_cast<double>(calls), benchmark::Counter::kAvgIterations);
  state.counters["mmapped"] =
      benchmark::Counter(static_cast<double>(mmapped), benchmark::Counter::kAvgIterations);
  // This variant stands for glibc's default, adaptive behaviour. If the threshold was pinned
  // (mallopt by other code in this process, or MALLOC_MMAP_THRESHOLD_ / GLIBC_TUNABLES), every
  // block is mmapped and the row would silently measure the other path: say so instead.
  if (bytes > kDefaultMmapThreshold && mmapped * 2 > calls) {
    state.SkipWithError(
        "glibc mmapped most blocks: its mmap threshold is pinned here (mallopt or "
        "MALLOC_MMAP_THRESHOLD_), so this is not glibc's default arena path");
  }
}

// glibc's mmap path for a request above a fixed threshold: map the request plus the 16-byte
// chunk header rounded up to whole pages, write the header (so the first page faults even if
// the caller never touched it), hand out the memory after the header; free unmaps it.
void BM_LargeAlloc_Mmap(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0));
  const std::size_t mapped = (bytes + 2 * sizeof(std::size_t) + kPage - 1) / kPage * kPage;
  claimbench::BenchThread thread(state);
  std::int64_t i = 0;
  std::uint64_t calls = 0;
  for (auto _ : thread) {
    void* region =
        mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ++calls;
    if (region == MAP_FAILED) {
      state.SkipWithError("mmap failed");
      break;
    }
    auto* header = static_cast<std::size_t*>(region);
    header[1] = mapped | 2U;  // size | IS_MMAPPED, as glibc writes it
    touch_pages(reinterpret_cast<std::byte*>(header + 2), bytes, ++i);
    munmap(region, mapped);
  }
  state.counters["mallocs"] =
      benchmark::Counter(static_cast<double>(calls), benchmark::Counter::kAvgIterations);
  state.counters["mmapped"] =
      benchmark::Counter(static_cast<double>(calls), benchmark::Counter::kAvgIterations);
}

// Go's make([]byte, 32768), the largest size class (_MaxSmallSize): a slot of the P's mcache
// span, zeroed by mallocgc when the span is reused (needzero -> memclrNoHeapPointers). Model:
// malloc (glibc's arena, warm after the first free, as the cached path) + memset(0) of the
// block + the page touches. Go's twin: make/32768 ~3.6 us (go1.19.8 here), most of it the GC
// cycles that 32 KiB per op sets off, against ~0.6 us for this row.
// Disassembly (g++ 12 -O3): malloc@plt, a call to memset@plt (not elided: the block escapes
// through DoNotOptimize before the touches), the stride-4096 store loop, free@plt.
void BM_LargeAlloc_GoSmall(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0));
  void* first = std::malloc(bytes);  // as above: glibc adapts its threshold on the first free
  benchmark::DoNotOptimize(first);
  std::free(first);
  claimbench::BenchThread thread(state);
  std::int64_t i = 0;
  std::uint64_t calls = 0;
  std::uint64_t mmapped = 0;
  for (auto _ : thread) {
    auto* block = static_cast<std::byte*>(std::malloc(bytes));
    ++calls;
    if (block == nullptr) {
      state.SkipWithError("malloc failed");
      break;
    }
    std::memset(block, 0, bytes);  // mallocgc's needzero: Go hands out zeroed memory
    benchmark::DoNotOptimize(block);
    touch_pages(block, bytes, ++i);
    mmapped += glibc_mmapped(block) ? 1 : 0;
    std::free(block);
  }
  state.counters["mallocs"] =
      benchmark::Counter(static_cast<double>(calls), benchmark::Counter::kAvgIterations);
  state.counters["mmapped"] =
      benchmark::Counter(static_cast<double>(mmapped), benchmark::Counter::kAvgIterations);
}

// Go's make([]byte, 1 MiB) as the runtime serves it in a loop that keeps the last block (the
// twin's largeAllocSink): mallocgc's large path on a model of Go's page heap
// (analogues/go_page_heap.hpp). A span of 128 pages under the heap lock, first fit from the
// lowest free address; the block overwritten in the sink is freed only when the next GC cycle
// sweeps it (at the 4 MiB heap goal: every 3 allocations here), then its pages, still mapped,
// are the next ones reused and mallocgc clears them (needzero). So the steady state touches
// no fresh page: page faults ≈ 0, as in Go (twin: 0.04–0.66 per op, the scavenger returning a
// few pages; glibc's mmap path: 256). The cost that grows with size is the clearing.
// The warm-up runs two GC cycles untimed first, as Go's heap is warm from b.N's earlier runs.
// Disassembly (objdump -d, g++ 12 -O3): the loop calls PageHeap::alloc (not inlined), which
// calls pthread_mutex_lock@plt / pthread_mutex_unlock@plt (the heap lock), scans the page
// bitmap from searchAddr (shl %cl / test on the vector<bool> words) and calls memset@plt for
// the whole reused span; back in the loop, the stride-4096 byte stores (mov %dl,(%rbx,%rax);
// add $0x1000) and drop's walk of the ≤ 4 unswept spans (shl $0xd to rebuild each base, cmp,
// movb $1 to mark it dropped). No store and no clearing is elided.
void BM_LargeAlloc_GoLarge(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0));
  claimbench::go::PageHeap heap;
  if (!heap.ok()) {
    state.SkipWithError("mmap of a 64 MiB page-heap arena failed");
    return;
  }
  std::byte* held = nullptr;  // the twin's largeAllocSink: keeps the last block live
  std::int64_t i = 0;
  while (heap.stats().cycles < 2) {
    auto* block = heap.alloc(bytes);
    if (block == nullptr) {
      state.SkipWithError("the page-heap arena is full");
      return;
    }
    touch_pages(block, bytes, ++i);
    heap.drop(held);
    held = block;
  }
  const auto warm = heap.stats();
  claimbench::BenchThread thread(state);
  for (auto _ : thread) {
    auto* block = heap.alloc(bytes);
    if (block == nullptr) {
      state.SkipWithError("the page-heap arena is full");
      break;
    }
    touch_pages(block, bytes, ++i);
    heap.drop(held);  // overwriting the sink: the old block is garbage from here on
    held = block;
  }
  const auto& end = heap.stats();
  state.counters["gc-cycles"] = benchmark::Counter(static_cast<double>(end.cycles - warm.cycles),
                                                   benchmark::Counter::kAvgIterations);
  state.counters["zeroed-bytes"] =
      benchmark::Counter(static_cast<double>(end.zeroed_bytes - warm.zeroed_bytes),
                         benchmark::Counter::kAvgIterations);
}

BENCHMARK(BM_LargeAlloc_Malloc)->Name("BM_LargeAlloc/malloc")->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK(BM_LargeAlloc_GoSmall)->Name("BM_LargeAlloc/go-small")->Arg(32 << 10);
BENCHMARK(BM_LargeAlloc_GoLarge)->Name("BM_LargeAlloc/go-large")->Arg(1 << 20);
BENCHMARK(BM_LargeAlloc_Mmap)->Name("BM_LargeAlloc/mmap")->Arg(1 << 20);

}  // namespace
