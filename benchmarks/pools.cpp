// Reusing memory instead of allocating it: a sync.Pool model vs new/delete vs a one-mutex pool,
// and the memory a pool pins when huge buffers go back into it (claims/object-pool.toml);
// glibc's per-thread cache vs one global allocator lock (claims/allocator-thread-cache.toml).
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3, x86-64):
//  - ObjectPool/new-delete: per op `operator new(4096)`, `call use` (the Reset's stores, then
//    `call buffer_write`: the length check, the new length, `call memmove@plt` for 64 bytes, as
//    bytes.Buffer.Write calls runtime.memmove), `operator delete(p, 4096)`. The new/delete pair
//    is not elided: the buffer escapes through DoNotOptimize.
//  - ObjectPool/go-pool: per op `call GoPool::get`, `call use`, `call GoPool::put`, as the
//    twin calls Pool.Get, bytes.Buffer.Write and Pool.Put; get and put each `call pin` (which
//    calls proc_pin: one TLS load of g, then `mov (%rax),%rax` (g.m), `addl $0x1,(%rax)`
//    (m.locks++), `mov 0x8(%rax),%rax` (m.p), `mov (%rax),%eax` (p.id), as runtime.procPin;
//    then the acquire load of local_size_) and `call proc_unpin` (g, g.m, m.locks--) around the
//    private slot's load and store; no lock on the fast path.
//  - ObjectPool/mutex-pool: pthread_mutex_lock / unlock around a vector pop_back and push_back,
//    twice per op. ObjectPool/gomutex-pool: the same with GoMutex inlined: `lock cmpxchg`
//    before and `lock xadd` after each vector op (Go's unlock instruction, since 0.4.3), the
//    spin/park paths out of line.
//  - ObjectPool/new-zeroed: `operator new(4096)`, a 4 KiB memset to zero (the call to memset is
//    kept: the value-initialisation is not elided, since the buffer escapes), the 64-byte use,
//    `operator delete`.
//  - ObjectPool/jemalloc, tcmalloc: the new-delete loop with the allocator's entry points called
//    through function pointers; not built into this binary where the libraries are missing.
//  - ObjectPool/retention-*: a memory claim, not a timing one; fill() emits its one store per
//    4 KiB page (DoNotOptimize on the data pointer), so the pages really become resident.
//  - AllocatorCache/*: the loop calls the allocator through the function pointers it was given
//    (malloc/free, or the locked wrappers), writes one byte of each block, frees the block
//    allocated kLive ops earlier: one alloc and one free per op.
#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "analogues/go_mutex.hpp"
#include "analogues/object_pool.hpp"
#include "claimbench/measure/bench.hpp"
#include "claimbench/measure/memory.hpp"
#include "codegen.hpp"

namespace {

constexpr int kOpsPerIteration = 64;  // amortises the loop's own overhead

// An allocator as a pair of functions: glibc, a locked wrapper, or one loaded at run time.
struct AllocatorFns {
  void* (*alloc)(std::size_t);
  void (*release)(void*);
};

// jemalloc and tcmalloc, where Debian's -dev packages are installed (CMake's find_library sets
// the paths). They are loaded with dlopen(RTLD_LOCAL) and called through their own prefixed
// entry points: linking them would replace malloc for every benchmark in this process.
struct External {
  AllocatorFns fns{};
  std::string missing;  // why it cannot run; empty when loaded
};

[[maybe_unused]] External load(const char* path, const char* alloc_name, const char* free_name,
                               void (*bind)(void*, void*, AllocatorFns&)) {
  External out;
  void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    out.missing = std::string("dlopen failed: ") + dlerror();
    return out;
  }
  void* a = dlsym(lib, alloc_name);
  void* f = dlsym(lib, free_name);
  if (a == nullptr || f == nullptr) {
    out.missing = std::string(path) + " lacks " + alloc_name + "/" + free_name;
    return out;
  }
  bind(a, f, out.fns);
  return out;  // the library stays loaded for the life of the process
}

#if defined(CLAIMBENCH_JEMALLOC_PATH)
void* (*jemalloc_mallocx)(std::size_t, int) = nullptr;  // jemalloc's non-standard API
void (*jemalloc_dallocx)(void*, int) = nullptr;
#endif

const External& jemalloc() {
  static const External lib = [] {
#if defined(CLAIMBENCH_JEMALLOC_PATH)
    return load(CLAIMBENCH_JEMALLOC_PATH, "mallocx", "dallocx",
                [](void* a, void* f, AllocatorFns& fns) {
                  jemalloc_mallocx = reinterpret_cast<void* (*)(std::size_t, int)>(a);
                  jemalloc_dallocx = reinterpret_cast<void (*)(void*, int)>(f);
                  fns.alloc = [](std::size_t bytes) { return jemalloc_mallocx(bytes, 0); };
                  fns.release = [](void* p) { jemalloc_dallocx(p, 0); };
                });
#else
    return External{{}, "jemalloc not installed: apt-get install libjemalloc-dev"};
#endif
  }();
  return lib;
}

const External& tcmalloc() {
  static const External lib = [] {
#if defined(CLAIMBENCH_TCMALLOC_PATH)
    return load(CLAIMBENCH_TCMALLOC_PATH, "tc_malloc", "tc_free",
                [](void* a, void* f, AllocatorFns& fns) {
                  fns.alloc = reinterpret_cast<void* (*)(std::size_t)>(a);
                  fns.release = reinterpret_cast<void (*)(void*)>(f);
                });
#else
    return External{{}, "tcmalloc not installed: apt-get install libgoogle-perftools-dev"};
#endif
  }();
  return lib;
}

// ---------------------------------------------------------------------------------------------
// object-pool: Get a 4 KiB buffer, use it briefly, Put it back — the per-request bytes.Buffer
// pattern of the seeds. The use is one cache line (64 bytes) so the cost of getting the buffer
// is what the comparison sees.

constexpr std::size_t kBufferBytes = 4096;
constexpr std::size_t kUseBytes = 64;

// A bytes.Buffer over a 4 KiB array: len(b.buf), b.off and b.lastRead, then the array (Go
// allocates the Buffer and its array apart; here they are one block).
struct Buffer4K {
  std::size_t len = 0;
  std::size_t off = 0;
  std::int8_t last_read = 0;
  std::byte bytes[kBufferBytes];
};

// What the twin writes: bytes.Repeat([]byte{7}, 64).
constexpr auto kPayload = [] {
  std::array<std::byte, kUseBytes> payload{};
  payload.fill(std::byte{7});
  return payload;
}();

// `new Buffer4K` leaves the bytes uninitialised (C++'s cheapest allocation). Go's allocator
// must hand out zeroed memory, so Go's side of this comparison costs more than ours.
std::unique_ptr<Buffer4K> new_buffer() {
  return std::unique_ptr<Buffer4K>(new Buffer4K);
}

// `new Buffer4K()` value-initialises: 4 KiB of zeroes, what Go's make([]byte, 4096) costs on
// top of the allocation (mallocgc's memclrNoHeapPointers; ~60-100 ns at ~50 GB/s, against ~20
// ns for a tcache hit). Go's GC work per allocation is still missing (caveats).
std::unique_ptr<Buffer4K> new_zeroed_buffer() {
  return std::unique_ptr<Buffer4K>(new Buffer4K());
}

// bytes.(*Buffer).Write (go1.19): lastRead = opInvalid, tryGrowByReslice (inlined in Go: the
// length against the capacity), then copy, a call to runtime.memmove (here glibc's, through the
// PLT). Go would grow the array; the benchmark's 64 bytes after a Reset always fit, so a write
// that does not fit writes nothing. CB_NOIPA: GCC must not clone it for the constant 64 (it did:
// `buffer_write.constprop`, the length check and the memmove call folded into four stores).
CB_NOIPA std::size_t buffer_write(Buffer4K& b, const std::byte* p, std::size_t n) {
  b.last_read = 0;
  const std::size_t m = b.len;
  if (n > kBufferBytes - m) [[unlikely]]
    return 0;
  b.len = m + n;
  std::memmove(b.bytes + m, p, n);
  return n;
}

// The twin's use, `buf.Reset(); buf.Write(payload)`: Reset inlines, Write is a call that calls
// memmove; the same in every variant. Until 0.4.4 this was an inline 64-byte memset: 0.8 ns of
// the model's op at one thread, where the twin's pprof gave Write and memmove 3.7 ns.
[[gnu::noinline]] void use(Buffer4K& buffer) {
  buffer.len = 0;  // Reset
  buffer.off = 0;
  buffer.last_read = 0;
  benchmark::DoNotOptimize(buffer_write(buffer, kPayload.data(), kUseBytes));
}

void BM_ObjectPool_NewDelete(benchmark::State& state) {
  claimbench::BenchThread thread(state, kOpsPerIteration);
  for (auto _ : thread) {
    for (int k = 0; k < kOpsPerIteration; ++k) {
      auto buffer = new_buffer();
      use(*buffer);
    }
  }
}

// The Go-like baseline of pool-beats-malloc: Go hands out zeroed memory, so `new` here zeroes.
void BM_ObjectPool_NewZeroed(benchmark::State& state) {
  claimbench::BenchThread thread(state, kOpsPerIteration);
  for (auto _ : thread) {
    for (int k = 0; k < kOpsPerIteration; ++k) {
      auto buffer = new_zeroed_buffer();
      use(*buffer);
    }
  }
}

// The same buffer from jemalloc or tcmalloc, whose thread caches hold 4 KiB blocks (glibc's
// tcache stops at about 1 KiB): does a pool still pay against a faster allocator?
void BM_ObjectPool_External(benchmark::State& state, const External& (*which)()) {
  const External& lib = which();
  if (!lib.missing.empty()) {
    state.SkipWithError(lib.missing.c_str());
    return;
  }
  claimbench::BenchThread thread(state, kOpsPerIteration);
  for (auto _ : thread) {
    for (int k = 0; k < kOpsPerIteration; ++k) {
      auto* buffer = new (lib.fns.alloc(sizeof(Buffer4K))) Buffer4K;  // bytes left uninitialised
      use(*buffer);
      lib.fns.release(buffer);
    }
  }
}

// Pools are process-wide, as a Go `var bufPool = sync.Pool{...}` is: every thread of a run
// shares one, and it stays warm between runs.
template <class Pool>
Pool& shared_pool() {
  static Pool pool(new_buffer);
  return pool;
}

template <class Pool>
void BM_ObjectPool_Pooled(benchmark::State& state) {
  Pool& pool = shared_pool<Pool>();
  claimbench::BenchThread thread(state, kOpsPerIteration);
  for (auto _ : thread) {
    for (int k = 0; k < kOpsPerIteration; ++k) {
      auto buffer = pool.get();
      use(*buffer);
      pool.put(std::move(buffer));
    }
  }
}

using claimbench::go::GoPool;
using claimbench::go::MutexPool;

BENCHMARK(BM_ObjectPool_NewDelete)
    ->Name("BM_ObjectPool/new-delete")
    ->Apply(claimbench::sweep_threads);
BENCHMARK(BM_ObjectPool_NewZeroed)
    ->Name("BM_ObjectPool/new-zeroed")
    ->Apply(claimbench::sweep_threads);
BENCHMARK_CAPTURE(BM_ObjectPool_External, jemalloc, jemalloc)
    ->Name("BM_ObjectPool/jemalloc")
    ->Apply(claimbench::sweep_threads);
BENCHMARK_CAPTURE(BM_ObjectPool_External, tcmalloc, tcmalloc)
    ->Name("BM_ObjectPool/tcmalloc")
    ->Apply(claimbench::sweep_threads);
BENCHMARK_TEMPLATE(BM_ObjectPool_Pooled, GoPool<Buffer4K>)
    ->Name("BM_ObjectPool/go-pool")
    ->Apply(claimbench::sweep_threads);
BENCHMARK_TEMPLATE(BM_ObjectPool_Pooled, MutexPool<Buffer4K>)
    ->Name("BM_ObjectPool/mutex-pool")
    ->Apply(claimbench::sweep_threads);
BENCHMARK_TEMPLATE(BM_ObjectPool_Pooled, MutexPool<Buffer4K, claimbench::go::GoMutex>)
    ->Name("BM_ObjectPool/gomutex-pool")
    ->Apply(claimbench::sweep_threads);

// Retention: a request holds kInFlight buffers at once (64 requests in flight, in Go terms);
// each buffer is written to 4 KiB, but about one use in 64 needs 1 MiB. Put keeps the grown
// buffer, so without a cap the pool fills with 1 MiB buffers. The cap is the seeds' guard
// `if b.Cap() < 64<<10 { pool.Put(b) }`: a grown buffer is dropped instead.
// One iteration is a burst of kRequests requests from a fresh pool, enough for the uncapped pool
// to reach its steady state whatever the iteration count: a given buffer escapes growth for
// the whole burst with probability (63/64)^256 ≈ 2%. A burst takes longer than the run's
// min-time, so a round is one iteration and the memory is measured after exactly one burst.
constexpr std::size_t kInFlight = 64;
constexpr int kRequests = 256;
constexpr std::size_t kHugeBytes = std::size_t{1} << 20;
constexpr std::size_t kPutCap = std::size_t{64} << 10;

struct GrowBuffer {
  std::unique_ptr<std::byte[]> data;
  std::size_t capacity = 0;
  // Like bytes.Buffer.Grow after Reset: the contents are dropped, the capacity only grows.
  void reserve(std::size_t bytes) {
    if (bytes <= capacity) return;
    data.reset(new std::byte[bytes]);
    capacity = bytes;
  }
};

// Writes one byte per page of the first `bytes`: the pages a filled buffer would make resident.
void fill(GrowBuffer& buffer, std::size_t bytes, std::int64_t i) {
  for (std::size_t off = 0; off < bytes; off += 4096)
    buffer.data[off] = static_cast<std::byte>(i);
  benchmark::DoNotOptimize(buffer.data.get());
}

// Hands back what malloc holds free, so the resident set counts only memory somebody holds.
void release_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

// One request: get kInFlight buffers, write each (about one in 64 grows to 1 MiB), put them
// back — all of them, or with the cap only those below kPutCap.
void serve_request(GoPool<GrowBuffer>& pool, std::vector<std::unique_ptr<GrowBuffer>>& held,
                   std::uint64_t& rng, std::int64_t& i, bool capped) {
  for (std::size_t k = 0; k < kInFlight; ++k) {
    auto buffer = pool.get();
    rng ^= rng << 13;  // xorshift64
    rng ^= rng >> 7;
    rng ^= rng << 17;
    const std::size_t need = rng % 64 == 0 ? kHugeBytes : kBufferBytes;
    buffer->reserve(need);
    fill(*buffer, need, ++i);
    held.push_back(std::move(buffer));
  }
  for (auto& buffer : held) {
    if (!capped || buffer->capacity < kPutCap) pool.put(std::move(buffer));
    buffer.reset();  // dropped: freed now (Go: garbage for the next GC)
  }
  held.clear();
}

template <bool capped>
void BM_ObjectPool_Retention(benchmark::State& state) {
  GoPool<GrowBuffer> pool([] {
    auto buffer = std::make_unique<GrowBuffer>();
    buffer->reserve(kBufferBytes);
    return buffer;
  });
  std::vector<std::unique_ptr<GrowBuffer>> held;
  held.reserve(kInFlight);
  std::uint64_t rng = 0x9E3779B97F4A7C15u;  // fixed seed: the same sequence every run
  std::int64_t i = 0;
  claimbench::BenchThread thread(state);  // one op = one burst of kRequests requests
  for (auto _ : thread) {
    for (int request = 0; request < kRequests; ++request)
      serve_request(pool, held, rng, i, capped);
  }
  // Not timed: the memory the pool pins is the resident set with the pool full minus the
  // resident set after the pool is drained, both taken after malloc returned its free memory.
  release_free_memory();
  const auto full = claimbench::resident_bytes();
  std::size_t pooled_capacity = 0;
  pool.for_each([&](const GrowBuffer& b) { pooled_capacity += b.capacity; });
  pool.drain();
  release_free_memory();
  const auto empty = claimbench::resident_bytes();
  if (!full || !empty) {
    state.SkipWithError("cannot read the resident set size (/proc/self/statm)");
    return;
  }
  const double pinned = *full > *empty ? static_cast<double>(*full - *empty) : 0.0;
  state.counters["pool_rss_bytes"] = benchmark::Counter(pinned);
  state.counters["pooled_capacity_bytes"] =
      benchmark::Counter(static_cast<double>(pooled_capacity));
}

BENCHMARK_TEMPLATE(BM_ObjectPool_Retention, false)->Name("BM_ObjectPool/retention-uncapped");
BENCHMARK_TEMPLATE(BM_ObjectPool_Retention, true)->Name("BM_ObjectPool/retention-capped");

// ---------------------------------------------------------------------------------------------
// allocator-thread-cache: small blocks (16–64 bytes, Go's small size classes) allocated and
// freed at a high rate, each thread keeping the last kLive blocks alive. glibc serves these from
// a per-thread cache (tcache, 7 blocks per size, no lock) backed by per-thread arenas; the
// baseline puts one global mutex around the same malloc/free — an allocator whose every
// operation goes through one lock, what Go's mcache exists to avoid.

constexpr int kLive = 8;
constexpr std::size_t kSmallSizes[4] = {16, 32, 48, 64};

void* glibc_alloc(std::size_t bytes) {
  return std::malloc(bytes);
}
void glibc_release(void* p) {
  std::free(p);
}

std::mutex& global_allocator_lock() {
  static std::mutex mu;
  return mu;
}
void* locked_alloc(std::size_t bytes) {
  std::lock_guard lock(global_allocator_lock());
  return std::malloc(bytes);
}
void locked_release(void* p) {
  std::lock_guard lock(global_allocator_lock());
  std::free(p);
}

// The twin's global-mutex: `mu.Lock(); blk := make([]byte, n); mu.Unlock()` with Go's mutex
// (spin, then park), and nothing locked on the way out, since Go's GC frees the garbage. The
// std::mutex pair above locks both malloc and free and sleeps in the kernel at once: on the Zen 4
// guest it measured 12.3x glibc at two threads where the twin measured 2.11x.
claimbench::go::GoMutex& go_allocator_lock() {
  static claimbench::go::GoMutex mu;
  return mu;
}
void* go_locked_alloc(std::size_t bytes) {
  std::lock_guard lock(go_allocator_lock());
  return std::malloc(bytes);
}

void churn(benchmark::State& state, AllocatorFns fns) {
  claimbench::BenchThread thread(state, kOpsPerIteration);
  void* live[kLive] = {};
  std::uint64_t calls = 0;  // malloc is invisible to the operator new hook: count it here
  int slot = 0;
  for (auto _ : thread) {
    for (int k = 0; k < kOpsPerIteration; ++k) {
      auto* block = static_cast<unsigned char*>(fns.alloc(kSmallSizes[k & 3]));
      ++calls;
      block[0] = static_cast<unsigned char>(k);
      if (live[slot] != nullptr) fns.release(live[slot]);
      live[slot] = block;
      slot = slot + 1 == kLive ? 0 : slot + 1;
    }
  }
  for (void* block : live) {
    if (block != nullptr) fns.release(block);
  }
  state.counters["mallocs"] =
      benchmark::Counter(static_cast<double>(calls), benchmark::Counter::kAvgIterations);
}

void BM_AllocatorCache_Glibc(benchmark::State& state) {
  churn(state, {glibc_alloc, glibc_release});
}
void BM_AllocatorCache_GlobalMutex(benchmark::State& state) {
  churn(state, {locked_alloc, locked_release});
}
void BM_AllocatorCache_GoMutex(benchmark::State& state) {
  churn(state, {go_locked_alloc, glibc_release});
}
void BM_AllocatorCache_External(benchmark::State& state, const External& (*which)()) {
  const External& lib = which();
  if (!lib.missing.empty()) {
    state.SkipWithError(lib.missing.c_str());
    return;
  }
  churn(state, lib.fns);
}

BENCHMARK(BM_AllocatorCache_Glibc)
    ->Name("BM_AllocatorCache/glibc")
    ->Apply(claimbench::sweep_threads);
BENCHMARK(BM_AllocatorCache_GlobalMutex)
    ->Name("BM_AllocatorCache/global-mutex")
    ->Apply(claimbench::sweep_threads);
BENCHMARK(BM_AllocatorCache_GoMutex)
    ->Name("BM_AllocatorCache/go-mutex")
    ->Apply(claimbench::sweep_threads);
BENCHMARK_CAPTURE(BM_AllocatorCache_External, jemalloc, jemalloc)
    ->Name("BM_AllocatorCache/jemalloc")
    ->Apply(claimbench::sweep_threads);
BENCHMARK_CAPTURE(BM_AllocatorCache_External, tcmalloc, tcmalloc)
    ->Name("BM_AllocatorCache/tcmalloc")
    ->Apply(claimbench::sweep_threads);

// Counters claim files may name as a metric (bench.hpp: declare_counters).
[[maybe_unused]] const bool objectpool_counters =
    claimbench::declare_counters("BM_ObjectPool", {"pool_rss_bytes"});

}  // namespace
