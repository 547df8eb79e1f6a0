// Concurrent maps: claims/sync-map.toml.
//
// BM_SyncMap: Go's sync.Map (analogues/sync_map.hpp) against std::unordered_map behind one
// std::mutex, behind one std::shared_mutex (read-heavy workloads only), and split into 16
// shards (map + mutex each), on four workloads: read-mostly (1 store per 1000 ops), disjoint
// keys per thread (half stores), churn on one fixed set of 64 keys (store / load / erase), and
// churn-new (each thread inserts fresh keys and erases old ones: a sliding window, the key-set
// churn that makes sync.Map's dirty map get rebuilt and promoted over and over).
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3, x86-64),
// checked for each hot loop:
//  - BM_SyncMap loops (since 0.4.2): every operation is an indirect call through MapOps (`call
//    *(%rax)` load, `call *0x8(%rax)` store, `call *0x10(%rax)` erase: the twin's interface
//    call), the workload's loop reaching the map only through that pointer; inside each virtual
//    function the map operation as follows (GCC inlines SyncMap::load into it, where the twin's
//    smSync.load CALLs sync.(*Map).Load). Mutex maps: pthread_mutex_lock, an
//    inlined bucket search (`div` by the prime bucket count), pthread_mutex_unlock, per load.
//    SyncMap read-mostly: a call to SyncMap::load(key, out) per load; the 1-in-1000 store is a
//    call to SyncMap::store. Disjoint / churn: calls to SyncMap::store / load / erase. The found
//    flag reaches DoNotOptimize and every loaded value is summed into the value stored next (as
//    the twin's acc), so no lookup is dropped or hoisted out of the loop.
//  - SyncMap::load (after issue 10's read-path fix): the epoch announcement is a TLS load
//    (%fs), a depth increment and two plain `mov`s to the thread's own record, no `xchg`, no
//    `lock` prefix; then read_ -> snapshot -> GoBucketMap::find, out of line as Go's mapaccess2
//    (`call *(%rax)` for the key type's hash; per slot a tophash byte compare, then
//    `call *0x8(%rax)` for its equal only on a tophash match; no `div`), entry -> box, a compare of
//    the box's type word, the data load. Before: an `xchg` per op, std::unordered_map's `div` and
//    node chase, and a std::optional rebuilt through the stack (a byte store then an 8-byte
//    reload).
//  - go* maps: per load the GoMutex `lock cmpxchg` inlined in the loop, a call to
//    GoBucketMap::find (Go's mapaccess2_fast64: a load of the map's header pointer, h.count and
//    the h.flags test on the header, `call *` through the map's
//    hasher pointer to memhash64_aes, bucket index, a loop of up to 8 inline key compares per
//    bucket, not unrolled as Go's is not, then the overflow pointer), the unlock's `lock
//    subl`; GoRWMutex RLock/RUnlock are one `lock xadd` each. syncmap: load is a call to
//    SyncMap::load, whose read-map find (map[any]: 16-byte interface keys) calls the map's
//    hasher through its pointer (`call *`: nilinterhash, which calls typehash, which calls
//    memhash64_aes through memhash64_impl's pointer) and, on a tophash match, the map's key
//    equal (`call *`: nilinterequal, which calls efaceeq, which calls the type's equal,
//    memequal64, loading the key box both data words point to): every level a call and a
//    return, none a tail jump, as in Go's mapaccess2 (go tool objdump of the twin binary).
#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "analogues/go_bucket_map.hpp"
#include "analogues/go_map.hpp"
#include "analogues/go_mutex.hpp"
#include "analogues/rwmutex.hpp"
#include "analogues/sync_map.hpp"
#include "claimbench/measure/bench.hpp"

namespace {

using std::uint64_t;

struct Rng {  // xorshift64*: per thread, ~1 ns, the same cost for every map
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull | 1) {}
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1Dull;
  }
};

// Key i of a workload. std::hash<uint64_t> is the identity and unordered_map takes it modulo a
// prime, so keys 0..n-1 in one map land one per bucket: every lookup hits the first node and its
// branches are perfectly predictable, while the same keys split over 16 shards collide at random
// (measured: 1.7 vs 13 ns per lookup, no locks). Go seeds and hashes every map's keys, so no Go
// map gets the lucky layout. Scrambling the keys (splitmix64's bijective finalizer) gives every
// map here the random bucket layout Go's maps have.
inline uint64_t key_of(uint64_t i) {
  i = (i ^ (i >> 30)) * 0xBF58476D1CE4E5B9ull;
  i = (i ^ (i >> 27)) * 0x94D049BB133111EBull;
  return i ^ (i >> 31);
}

// ------------------------------------------------------------------------------------------
// BM_SyncMap: four maps behind one interface (load / store / erase of uint64 -> uint64)

class SyncMapAdapter {
 public:
  bool load(uint64_t k, uint64_t& v) const { return map_.load(k, v); }
  void store(uint64_t k, uint64_t v) { map_.store(k, v); }
  void erase(uint64_t k) { map_.erase(k); }
  // After prefilling, every key sits in the dirty map; Range promotes it to the read-only
  // snapshot, the state a long-running sync.Map reaches once its keys are stable.
  void settle() {
    map_.range([](const uint64_t&, const uint64_t&) {});
  }

 private:
  // map[any]*entry, as Go's sync.Map holds it: the key hashed and compared through its type.
  claimbench::go::SyncMap<uint64_t, uint64_t, claimbench::go::AnyKeyHash<uint64_t>,
                          claimbench::go::AnyKeyEq<uint64_t>>
      map_;
};

// A map behind one lock. ReadLock decides how loads take it: exclusively (std::mutex, Go's
// map + sync.Mutex) or shared (std::shared_mutex, Go's map + sync.RWMutex with RLock for loads).
template <class Mutex, template <class> class ReadLock>
class LockedMap {
 public:
  bool load(uint64_t k, uint64_t& v) const {
    ReadLock<Mutex> lk(mu_);
    const auto it = map_.find(k);
    if (it == map_.end()) return false;
    v = it->second;
    return true;
  }
  void store(uint64_t k, uint64_t v) {
    std::unique_lock lk(mu_);
    map_.insert_or_assign(k, v);
  }
  void erase(uint64_t k) {
    std::unique_lock lk(mu_);
    map_.erase(k);
  }
  void settle() {}

 private:
  mutable Mutex mu_;
  std::unordered_map<uint64_t, uint64_t> map_;
};
using MutexMap = LockedMap<std::mutex, std::lock_guard>;
using SharedMutexMap = LockedMap<std::shared_mutex, std::shared_lock>;

// What a Go programmer's map+Mutex / map+RWMutex is: a map[uint64]uint64 as Go 1.19 builds it
// (GoBucketMap, go_bucket_map.hpp: 8-slot buckets with tophash bytes, keys and values inline,
// mapaccess2_fast64 as an out-of-line call; no allocation per insert once grown) behind Go's
// sync.Mutex (GoMutex: inlined CAS / XADD, spins before parking, starvation mode) or sync.RWMutex
// (GoRWMutex: RLock is one XADD). The std:: maps above are node-based (a pointer chase per lookup,
// an allocation per insert) behind glibc locks (pthread_rwlock's RLock is a CAS loop), which gave
// them sync.Map's own dependent-load shape.
template <class Mutex, template <class> class ReadLock>
class GoLockedMap {
 public:
  bool load(uint64_t k, uint64_t& v) const {
    ReadLock<Mutex> lk(mu_);
    const uint64_t* got = map_.find(k);
    if (got == nullptr) return false;
    v = *got;
    return true;
  }
  void store(uint64_t k, uint64_t v) {
    std::unique_lock lk(mu_);
    map_.insert_or_assign(k, v);
  }
  void erase(uint64_t k) {
    std::unique_lock lk(mu_);
    map_.erase(k);
  }
  void settle() {}

 private:
  mutable Mutex mu_;
  // Go 1.19's map, the Go the twins build with: 57% of the twin's map+Mutex Load profile is
  // mapaccess2_fast64 (29 ns/op in Go against 7 with the Swiss-table GoMap used before).
  claimbench::go::GoBucketMap<uint64_t, uint64_t> map_;
};
using GoMutexMap = GoLockedMap<claimbench::go::GoMutex, std::lock_guard>;
using GoRWMutexMap = GoLockedMap<claimbench::go::GoRWMutex, std::shared_lock>;

// The seed's "sane default": 16 independent map+mutex shards, each shard (its mutex and, for the
// std:: maps, the whole map) on its own cache lines. A GoBucketMap shard holds only a pointer to
// its map's header, which, as in Go, sits in a 48-byte size-class span next to the other shards'
// (go_bucket_map.hpp): two threads in different shards still write shared header lines.
template <class ShardMap>
class ShardedMapOf {
 public:
  static constexpr int kShards = 16;

  bool load(uint64_t k, uint64_t& v) const { return shard(k).load(k, v); }
  void store(uint64_t k, uint64_t v) { shard(k).store(k, v); }
  void erase(uint64_t k) { shard(k).erase(k); }
  void settle() {}

 private:
  struct alignas(64) Shard : ShardMap {};
  static_assert(alignof(Shard) == 64);

  // Top bits of a multiplicative hash: independent of the key modulo the bucket count that picks
  // the bucket inside a shard, so each shard's buckets are used evenly.
  static std::size_t index(uint64_t k) { return (k * 0x9E3779B97F4A7C15ull) >> 60; }
  const Shard& shard(uint64_t k) const { return shards_[index(k)]; }
  Shard& shard(uint64_t k) { return shards_[index(k)]; }

  std::array<Shard, kShards> shards_;
};
using ShardedMap = ShardedMapOf<MutexMap>;
using GoShardedMap = ShardedMapOf<GoMutexMap>;  // 16 x (map[uint64]uint64 + sync.Mutex)

constexpr int kMaxMapThreads = 64;

struct alignas(64) PerThread {
  uint64_t next = 0;  // churn-new: the next fresh key's sequence number
  // Sum of the values this thread loaded, stored back as the twin does (`acc`): the stored
  // values' size matters since sync.Map boxes them (Go allocates no box for a uint64 below 256).
  uint64_t acc = 0;
};

// One map per (workload, map type), shared by all threads of a run; built by Setup (thread 0,
// before the threads start) and dropped by Teardown.
template <class Workload, class Map>
struct Shared {
  static inline std::unique_ptr<Map> map;
  static inline std::array<PerThread, kMaxMapThreads> per_thread;

  static void setup(const benchmark::State& state) {
    map = std::make_unique<Map>();
    for (int t = 0; t < std::min(state.threads(), kMaxMapThreads); ++t) {
      per_thread[static_cast<std::size_t>(t)].next = Workload::prefill(*map, t);
    }
    map->settle();
  }
  static void teardown(const benchmark::State&) { map.reset(); }
};

// Write once, then read: 1024 keys stored before timing; then 999 loads of random keys and one
// overwrite of a random key per 1000 ops (the 0.1% writes of a config or memo cache).
struct ReadMostly {
  static constexpr int kOps = 1000;
  static constexpr uint64_t kKeys = 1024;
  static uint64_t prefill(auto& map, int thread) {
    if (thread == 0) {
      for (uint64_t k = 0; k < kKeys; ++k)
        map.store(key_of(k), k);
    }
    return 0;
  }
  static void run(auto& map, Rng& rng, PerThread& mine, int) {
    uint64_t v = 0;
    uint64_t acc = mine.acc;
    for (int i = 0; i < kOps - 1; ++i) {
      const bool found = map.load(key_of(rng.next() % kKeys), v);
      benchmark::DoNotOptimize(found);
      acc += found ? v : 0;  // Go: a miss loads 0
    }
    map.store(key_of(rng.next() % kKeys), acc);
    mine.acc = acc;
  }
};

// Disjoint keys: each thread owns 256 keys and alternates overwriting and loading them (Go's
// second documented sync.Map case). Keys exist before timing, so no thread ever adds one.
struct Disjoint {
  static constexpr int kOps = 64;
  static constexpr uint64_t kKeysPerThread = 256;
  static uint64_t prefill(auto& map, int thread) {
    for (uint64_t i = 0; i < kKeysPerThread; ++i)
      map.store(key_of(base(thread) + i), i);
    return 0;
  }
  static void run(auto& map, Rng& rng, PerThread& mine, int thread) {
    const uint64_t b = base(thread);
    uint64_t v = 0;
    uint64_t acc = mine.acc;
    for (int i = 0; i < kOps / 2; ++i) {
      map.store(key_of(b + rng.next() % kKeysPerThread), acc + 1);
      const bool found = map.load(key_of(b + rng.next() % kKeysPerThread), v);
      benchmark::DoNotOptimize(found);
      acc += found ? v : 0;  // Go: a miss loads 0
    }
    mine.acc = acc;
  }
  static uint64_t base(int thread) { return static_cast<uint64_t>(thread) << 32; }
};

// Churn on the same keys: every thread stores, loads and erases random keys of ONE shared set
// of 64 keys (a third of the ops each), so the map stays about half full.
struct Churn {
  static constexpr int kOps = 96;
  static constexpr uint64_t kKeys = 64;
  static uint64_t prefill(auto& map, int thread) {
    if (thread == 0) {
      for (uint64_t k = 0; k < kKeys; ++k)
        map.store(key_of(k), k);
    }
    return 0;
  }
  static void run(auto& map, Rng& rng, PerThread& mine, int) {
    uint64_t v = 0;
    uint64_t acc = mine.acc;
    for (int i = 0; i < kOps / 3; ++i) {
      map.store(key_of(rng.next() % kKeys), acc + 1);
      const bool found = map.load(key_of(rng.next() % kKeys), v);
      benchmark::DoNotOptimize(found);
      acc += found ? v : 0;  // Go: a miss loads 0
      map.erase(key_of(rng.next() % kKeys));
    }
    mine.acc = acc;
  }
};

// Churn of the key set: each thread keeps a window of 64 live keys of its own, and per step
// inserts a fresh key, loads one of the 16 newest and erases the oldest (sessions, connections,
// in-flight request ids). New keys are what send sync.Map through its dirty map: misses,
// promotion, and an O(n) copy of the read map at the first new key after each promotion.
struct ChurnNew {
  static constexpr int kOps = 96;
  static constexpr uint64_t kWindow = 64;
  static uint64_t prefill(auto& map, int thread) {
    for (uint64_t i = 0; i < kWindow; ++i)
      map.store(key_of(Disjoint::base(thread) + i), i);
    return kWindow;
  }
  static void run(auto& map, Rng& rng, PerThread& mine, int thread) {
    const uint64_t b = Disjoint::base(thread);
    uint64_t n = mine.next;
    uint64_t v = 0;
    for (int i = 0; i < kOps / 3; ++i, ++n) {
      map.store(key_of(b + n), n);
      const bool found = map.load(key_of(b + n - 1 - rng.next() % 16), v);
      benchmark::DoNotOptimize(found);
      benchmark::DoNotOptimize(v);
      map.erase(key_of(b + n - kWindow));
    }
    mine.next = n;
  }
};

// The twin calls every map through a Go interface (smMap: load, store, erase), so each op is an
// indirect call through an itab whatever the map, and no map's code is inlined into the loop.
// The benchmark does the same: MapOps is that interface, and the loop reaches it through a
// pointer the compiler cannot see through, so it can neither devirtualise nor inline.
class MapOps {
 public:
  virtual bool load(uint64_t k, uint64_t& v) const = 0;
  virtual void store(uint64_t k, uint64_t v) = 0;
  virtual void erase(uint64_t k) = 0;

 protected:
  ~MapOps() = default;
};
template <class Map>
class MapOpsOf final : public MapOps {
 public:
  explicit MapOpsOf(Map& map) : map_(map) {}
  bool load(uint64_t k, uint64_t& v) const override { return map_.load(k, v); }
  void store(uint64_t k, uint64_t v) override { map_.store(k, v); }
  void erase(uint64_t k) override { map_.erase(k); }

 private:
  Map& map_;
};

template <class Workload, class Map>
void BM_SyncMap(benchmark::State& state) {
  using S = Shared<Workload, Map>;
  const int t = state.thread_index();
  if (t >= kMaxMapThreads) {
    state.SkipWithError("more threads than the benchmark's per-thread slots");
    return;
  }
  claimbench::BenchThread thread(state, Workload::kOps);
  MapOpsOf<Map> impl(*S::map);  // the map was built in Setup, before any benchmark thread
  MapOps* ops = &impl;
  asm volatile("" : "+r"(ops));  // its dynamic type is unknown here, as an interface's in Go
  PerThread& mine = S::per_thread[static_cast<std::size_t>(t)];
  Rng rng(static_cast<uint64_t>(t) + 1);
  for (auto _ : thread) {
    Workload::run(*ops, rng, mine, t);
  }
}

template <class Workload, class Map>
void configure_sync_map(benchmark::internal::Benchmark* b) {
  b->Setup(Shared<Workload, Map>::setup)
      ->Teardown(Shared<Workload, Map>::teardown)
      ->Threads(1)
      ->Threads(2)
      ->UseRealTime();
}

// BM_SyncMap/<workload>/<map>/real_time/threads:{1,2}. The shared_mutex map only where reads
// dominate (read-mostly, disjoint: the seed's RWMutex-or-sync.Map question); on the churn
// workloads every op but the loads takes it exclusively, a slower copy of the mutex map.
#define CLAIMBENCH_SYNC_MAP(W, M, NAME) \
  BENCHMARK_TEMPLATE2(BM_SyncMap, W, M)->Name("BM_SyncMap/" NAME)->Apply(configure_sync_map<W, M>)

CLAIMBENCH_SYNC_MAP(ReadMostly, SyncMapAdapter, "read-mostly/syncmap");
CLAIMBENCH_SYNC_MAP(ReadMostly, MutexMap, "read-mostly/mutex");
CLAIMBENCH_SYNC_MAP(ReadMostly, SharedMutexMap, "read-mostly/shared-mutex");
CLAIMBENCH_SYNC_MAP(ReadMostly, ShardedMap, "read-mostly/sharded16");
CLAIMBENCH_SYNC_MAP(Disjoint, SyncMapAdapter, "disjoint/syncmap");
CLAIMBENCH_SYNC_MAP(Disjoint, MutexMap, "disjoint/mutex");
CLAIMBENCH_SYNC_MAP(Disjoint, SharedMutexMap, "disjoint/shared-mutex");
CLAIMBENCH_SYNC_MAP(Disjoint, ShardedMap, "disjoint/sharded16");
CLAIMBENCH_SYNC_MAP(Churn, SyncMapAdapter, "churn/syncmap");
CLAIMBENCH_SYNC_MAP(Churn, MutexMap, "churn/mutex");
CLAIMBENCH_SYNC_MAP(Churn, ShardedMap, "churn/sharded16");
CLAIMBENCH_SYNC_MAP(ChurnNew, SyncMapAdapter, "churn-new/syncmap");
CLAIMBENCH_SYNC_MAP(ChurnNew, MutexMap, "churn-new/mutex");
CLAIMBENCH_SYNC_MAP(ChurnNew, ShardedMap, "churn-new/sharded16");
// The Go-shaped maps (flat map, Go's locks): the ones the checks compare with sync.Map.
CLAIMBENCH_SYNC_MAP(ReadMostly, GoMutexMap, "read-mostly/gomutex");
CLAIMBENCH_SYNC_MAP(ReadMostly, GoRWMutexMap, "read-mostly/gorwmutex");
CLAIMBENCH_SYNC_MAP(ReadMostly, GoShardedMap, "read-mostly/gosharded16");
CLAIMBENCH_SYNC_MAP(Disjoint, GoMutexMap, "disjoint/gomutex");
CLAIMBENCH_SYNC_MAP(Disjoint, GoRWMutexMap, "disjoint/gorwmutex");
CLAIMBENCH_SYNC_MAP(Disjoint, GoShardedMap, "disjoint/gosharded16");
CLAIMBENCH_SYNC_MAP(Churn, GoMutexMap, "churn/gomutex");
CLAIMBENCH_SYNC_MAP(Churn, GoShardedMap, "churn/gosharded16");
CLAIMBENCH_SYNC_MAP(ChurnNew, GoMutexMap, "churn-new/gomutex");
CLAIMBENCH_SYNC_MAP(ChurnNew, GoShardedMap, "churn-new/gosharded16");

#undef CLAIMBENCH_SYNC_MAP

}  // namespace
