// Data layout: pre-sized maps and maps that never shrink (map-presize-no-shrink), and struct
// field order (struct-field-order).
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12 -O3):
//  - field-order scan: `add 0x18(%rax),%rdx; add $0x28,%rax; cmp; jne` for the 40-byte struct
//    and the same with 0x8 / 0x18 for the 24-byte one: one scalar load per element at the
//    struct's stride, not vectorised (as Go's compiler would emit it), and re-run every
//    iteration (DoNotOptimize's memory clobber keeps the loop-invariant sum from being hoisted).
//  - bucket-* (GoBucketMap) walk: per element a `call GoBucketMap::Iter::next`, then the key
//    and value loaded through the iterator's pointers, `xor; add`: Go's range loop (go tool
//    objdump of the twin: CALL runtime.mapiternext per element, key/value through hiter). Inside
//    next(), per slot `movzbl` of the tophash byte, `cmp $0x1` (empty) and `cmp $0x4`
//    (evacuatedEmpty), then `mov 0x88(%rsi),%rsi` to follow the overflow pointer: every slot
//    of every bucket and chain is tested, as mapiternext does; the iterator state stays in
//    registers until an element is returned.
//  - bucket-* inserts: a `call GoBucketMap::assign` per key (Go: CALL mapassign_fast64); inside,
//    the h.flags test, `call *` through the map's hasher pointer (memhash64_aes: pinsrq, three
//    aesenc), the 8-slot scan a loop as in Go (CB_GO_LOOP: tophash `cmp $0x1`, key `cmp`, one
//    slot per iteration), `call evacuate` twice while growing.
//  - swiss-* (GoMap) walk: per group one load of the control word, `not; and $0x8080..80; je`
//    to skip a group with no full slot, then tzcnt over the full slots, the visitor inlined.
//  - unordered_map walk: a pointer chase `mov (%rax),%rax` over the node list, two loads per
//    node; no bucket array is read.
//  - inserts: the Swiss GoMap probe loop and std::_Hashtable::_M_insert_unique_node are called per
//    key; nothing is hoisted out of the timed loop (each iteration builds a new map).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "analogues/go_bucket_map.hpp"
#include "analogues/go_map.hpp"
#include "claimbench/measure/bench.hpp"

namespace {

// ---- map-presize-no-shrink ---------------------------------------------------------------------

constexpr std::size_t kEntries = std::size_t{1} << 20;
constexpr std::size_t kKeepEvery = 100;  // erase 99%: keep each hundredth key

using StdMap = std::unordered_map<std::uint64_t, std::uint64_t>;
// Go's map as Go 1.0-1.23 build it (the Go the twins run here: Debian's 1.19): the -go-map checks.
using BucketMap = claimbench::go::GoBucketMap<std::uint64_t, std::uint64_t>;
// Go's map since Go 1.24 (a Swiss table): reference rows beside the checked ones.
using SwissMap = claimbench::go::GoMap<std::uint64_t, std::uint64_t>;
static_assert(BucketMap::kBucketBytes == 144, "go1.19's bucketsize for map[uint64]uint64");

// splitmix64: distinct, well-spread keys, as a hashed Go key would land.
std::vector<std::uint64_t> make_keys(std::size_t n) {
  std::vector<std::uint64_t> keys(n);
  std::uint64_t state = 0x243f6a8885a308d3ull;
  for (auto& key : keys) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    key = z ^ (z >> 31);
  }
  return keys;
}

// Uniform interface for the two tables.
void reserve(StdMap& m, std::size_t n) {
  m.reserve(n);
}
void insert(StdMap& m, std::uint64_t k, std::uint64_t v) {
  m.insert_or_assign(k, v);
}
void erase(StdMap& m, std::uint64_t k) {
  m.erase(k);
}
double table_size(const StdMap& m) {
  return static_cast<double>(m.bucket_count());
}
template <class F>
void walk(const StdMap& m, F&& visit) {
  for (const auto& [k, v] : m)
    visit(k, v);
}

// make(map[K]V, n), m[k] = v, delete(m, k), the table's slots and a range loop, for both
// models of Go's map.
template <class Map>
concept GoModel = std::is_same_v<Map, BucketMap> || std::is_same_v<Map, SwissMap>;

template <GoModel Map>
void reserve(Map& m, std::size_t n) {
  m = Map(n);
}
template <GoModel Map>
void insert(Map& m, std::uint64_t k, std::uint64_t v) {
  m.insert_or_assign(k, v);
}
template <GoModel Map>
void erase(Map& m, std::uint64_t k) {
  m.erase(k);
}
template <GoModel Map>
double table_size(const Map& m) {
  return static_cast<double>(m.capacity());
}
template <GoModel Map, class F>
void walk(const Map& m, F&& visit) {
  m.for_each(visit);
}

// Fill an empty map with n keys, with or without the size up front. The map's destruction is
// paused out of the timing: it costs the same with or without the hint. n = 2^20 is the
// claim's size; 2^12 (a table that fits in L2) is reported beside it, without a check, because
// the saving depends on whether the inserts themselves miss the cache.
template <class Map, bool Presize>
void BM_MapInsert(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  claimbench::BenchThread thread(state, static_cast<double>(n));  // per op = per insert
  const auto keys = make_keys(n);
  for (auto _ : thread) {
    auto m = std::make_unique<Map>();
    if constexpr (Presize) reserve(*m, n);
    for (std::size_t i = 0; i < n; ++i)
      insert(*m, keys[i], i);
    benchmark::DoNotOptimize(m.get());
    state.PauseTiming();
    m.reset();
    state.ResumeTiming();
  }
}

// A kEntries-key map with 99% of its keys erased (every key but each hundredth), and how its
// table size changed (after / before the erase). Built once per process and kept: Google
// Benchmark calls a benchmark function several times per repetition to size its iteration
// count, and rebuilding a 2^20-key map each time cost ~2 s here. It stays resident (~10 MB for
// unordered_map, ~40 MB for the bucket model: 2^18 + 2^14 buckets of 144 bytes and chains,
// ~36 MB for the Swiss one) until the process exits.
template <class Map>
struct ErasedMap {
  Map map;
  double size_ratio = 0;
};

template <class Map>
const ErasedMap<Map>& erased_map() {
  static const ErasedMap<Map> erased = [] {
    ErasedMap<Map> out;
    const auto keys = make_keys(kEntries);
    for (std::size_t i = 0; i < kEntries; ++i)
      insert(out.map, keys[i], i);
    const double before = table_size(out.map);
    for (std::size_t i = 0; i < kEntries; ++i) {
      if (i % kKeepEvery != 0) erase(out.map, keys[i]);
    }
    out.size_ratio = table_size(out.map) / before;
    return out;
  }();
  return erased;
}

// The survivors of the erase, inserted into a map that never held more.
template <class Map>
Map fresh_map() {
  Map m;
  const auto keys = make_keys(kEntries);
  for (std::size_t i = 0; i < kEntries; i += kKeepEvery)
    insert(m, keys[i], i);
  return m;
}

// One walk per iteration over the erased map or over a fresh map of the same entries.
template <class Map, bool Erased>
void BM_MapWalk(benchmark::State& state) {
  claimbench::BenchThread thread(state, 1);  // per op = per walk of the whole map; pins first
  std::optional<Map> fresh;
  if constexpr (!Erased) fresh.emplace(fresh_map<Map>());
  const Map& m = Erased ? erased_map<Map>().map : *fresh;
  for (auto _ : thread) {
    std::uint64_t sum = 0;
    walk(m, [&](std::uint64_t k, std::uint64_t v) { sum += k ^ v; });
    benchmark::DoNotOptimize(sum);
  }
  if constexpr (Erased) {
    state.counters[std::is_same_v<Map, StdMap> ? "bucket_ratio" : "capacity_ratio"] =
        benchmark::Counter(erased_map<Map>().size_ratio);
  }
  const double elements = static_cast<double>(m.size());
  state.counters["elements"] = benchmark::Counter(elements);
  state.counters["slots_per_element"] = benchmark::Counter(table_size(m) / elements);
}

BENCHMARK_TEMPLATE(BM_MapInsert, StdMap, false)
    ->Name("BM_MapPresize/std-grow")
    ->Arg(1 << 20)
    ->Arg(1 << 12);
BENCHMARK_TEMPLATE(BM_MapInsert, StdMap, true)
    ->Name("BM_MapPresize/std-reserve")
    ->Arg(1 << 20)
    ->Arg(1 << 12);
BENCHMARK_TEMPLATE(BM_MapInsert, BucketMap, false)
    ->Name("BM_MapPresize/bucket-grow")
    ->Arg(1 << 20)
    ->Arg(1 << 12);
BENCHMARK_TEMPLATE(BM_MapInsert, BucketMap, true)
    ->Name("BM_MapPresize/bucket-reserve")
    ->Arg(1 << 20)
    ->Arg(1 << 12);
BENCHMARK_TEMPLATE(BM_MapInsert, SwissMap, false)->Name("BM_MapPresize/swiss-grow")->Arg(1 << 20);
BENCHMARK_TEMPLATE(BM_MapInsert, SwissMap, true)->Name("BM_MapPresize/swiss-reserve")->Arg(1 << 20);
BENCHMARK_TEMPLATE(BM_MapWalk, StdMap, true)->Name("BM_MapPresize/std-walk-erased");
BENCHMARK_TEMPLATE(BM_MapWalk, StdMap, false)->Name("BM_MapPresize/std-walk-fresh");
BENCHMARK_TEMPLATE(BM_MapWalk, BucketMap, true)->Name("BM_MapPresize/bucket-walk-erased");
BENCHMARK_TEMPLATE(BM_MapWalk, BucketMap, false)->Name("BM_MapPresize/bucket-walk-fresh");
BENCHMARK_TEMPLATE(BM_MapWalk, SwissMap, true)->Name("BM_MapPresize/swiss-walk-erased");
BENCHMARK_TEMPLATE(BM_MapWalk, SwissMap, false)->Name("BM_MapPresize/swiss-walk-fresh");

// ---- struct-field-order ------------------------------------------------------------------------

// As declared in the seed's example: a bool before each int64 costs 7 bytes of padding, and the
// trailing bool 7 more to round the size to the 8-byte alignment.
struct DeclaredOrder {
  bool active;
  std::int64_t id;
  bool dirty;
  std::int64_t value;
  bool visible;
};
// Largest first: the three bools share one 8-byte word (3 bytes + 5 of tail padding).
struct LargestFirst {
  std::int64_t id;
  std::int64_t value;
  bool active;
  bool dirty;
  bool visible;
};
static_assert(sizeof(DeclaredOrder) == 40, "Go on amd64 lays this out in 40 bytes too");
static_assert(sizeof(LargestFirst) == 24, "Go on amd64 lays this out in 24 bytes too");

// Allocated and filled once per benchmark run, outside the timed loop; the timed loop sums one
// field over all elements, as a report over a slice of records would.
template <class T>
void BM_FieldOrder(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  claimbench::BenchThread thread(state, static_cast<double>(n));  // per op = per element
  std::vector<T> items(n);
  for (std::size_t i = 0; i < n; ++i) {
    items[i].value = static_cast<std::int64_t>(i);
    items[i].id = static_cast<std::int64_t>(i * 3);
    items[i].active = (i & 1) != 0;
  }
  for (auto _ : thread) {
    std::int64_t sum = 0;
    for (const T& item : items)
      sum += item.value;
    benchmark::DoNotOptimize(sum);
  }
  // Per iteration n × sizeof bytes, so per op (per element) the struct's size.
  state.counters["struct_bytes"] = benchmark::Counter(
      static_cast<double>(sizeof(T) * n) * static_cast<double>(state.iterations()),
      benchmark::Counter::kAvgIterations);
}

// 2^23 elements: 320 MiB vs 192 MiB, far past a 32 MiB L3 (and past most server L3s); 2^13:
// 320 KiB vs 192 KiB, resident in L2.
BENCHMARK_TEMPLATE(BM_FieldOrder, DeclaredOrder)
    ->Name("BM_FieldOrder/declared-order")
    ->Arg(1 << 23)
    ->Arg(1 << 13);
BENCHMARK_TEMPLATE(BM_FieldOrder, LargestFirst)
    ->Name("BM_FieldOrder/largest-first")
    ->Arg(1 << 23)
    ->Arg(1 << 13);

// Counters claim files may name as a metric (bench.hpp: declare_counters).
[[maybe_unused]] const bool fieldorder_counters =
    claimbench::declare_counters("BM_FieldOrder", {"struct_bytes"});
[[maybe_unused]] const bool mappresize_counters =
    claimbench::declare_counters("BM_MapPresize", {"bucket_ratio", "capacity_ratio"});

}  // namespace
