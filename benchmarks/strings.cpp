// String building and []byte↔string conversions (claims/string-concat.toml,
// claims/byte-string-conversion.toml).
//
// BM_StringConcat: one op = joining N 8-byte pieces into one string, N = 1000 or 4000.
//  - naive: Go's `s += p`. A Go string is immutable, so every += allocates a new string of
//    len(s)+len(p) bytes and copies both (runtime concatstrings); here each step builds a fresh
//    std::string with exactly that size (reserve, append old, append piece) and moves it into s,
//    freeing the old one. Bytes copied grow with the square of N.
//  - builder: strings.Builder without Grow: std::string::append, which grows its buffer
//    geometrically (amortised O(1) per byte; Builder's append also grows geometrically).
//  - builder-grow: strings.Builder with Grow(total) first: reserve + append, one allocation.
//
// BM_ByteString: a key held as bytes (a std::vector<char>, Go's []byte) used as a string.
//  - copy: std::string(bytes), Go's string(b) conversion: allocates and copies, except that
//    libstdc++ keeps up to 15 bytes inside the string object (SSO) where Go always allocates
//    (Go only avoids it for results under 32 bytes that do not escape, via a stack buffer).
//  - view: std::string_view over the same bytes, no copy (Go: unsafe.String).
//  - lookup-temp / lookup-view: find in an unordered_map<std::string, int> with a transparent
//    hash (is_transparent), passing a temporary std::string(bytes) or a string_view. Both use the
//    same map and the same hash function, so the difference is the temporary string alone.
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12.2 -O3 -g,
// x86-64 baseline, no -march), checked for each hot loop:
//  - naive: per piece a `call operator new(unsigned long)` for the fresh string, `call memcpy`
//    for the old contents and the piece, and `call operator delete` for the previous string.
//  - builder: per piece an inlined capacity compare and memcpy (_M_mutate when it grows).
//  - builder-grow: one allocation before the loop, then the same per-piece append; no operator
//    new inside the loop.
//  - copy: per key `cmp $0xf` (the small-string limit); above it the constructor's operator new,
//    memcpy and operator delete; at 7 bytes the bytes go into the local buffer with no call to
//    operator new. DoNotOptimize(s.data()) keeps every string.
//  - lookup-temp: per key `call memcpy`, `call operator new`, `call _Hash_bytes`, a call of the
//    out-of-line _M_find_before_node (the key_type overload of find), memcmp, `call operator
//    delete`. lookup-view: `call _Hash_bytes` and the bucket walk with memcmp, inlined (the
//    heterogeneous find takes a different, inlined path in libstdc++ 12). That path difference
//    and the string's construction are in the 7-byte pair too, which allocates nothing: compare
//    the 32-byte and 7-byte ratios to see what the allocation adds.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "claimbench/measure/bench.hpp"

namespace {

// ---- BM_StringConcat ---------------------------------------------------------------------------

constexpr std::size_t kPieceBytes = 8;

std::vector<std::string> make_pieces(std::size_t n) {
  std::vector<std::string> pieces;
  pieces.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string p = "k" + std::to_string(i % 1000000) + ",";
    p.resize(kPieceBytes, '.');
    pieces.push_back(std::move(p));
  }
  return pieces;
}

// Go's s += p: a new immutable string of the combined length every time.
std::string concat_naive(const std::vector<std::string>& pieces) {
  std::string s;
  for (const auto& p : pieces) {
    std::string next;
    next.reserve(s.size() + p.size());
    next.append(s);
    next.append(p);
    s = std::move(next);
  }
  return s;
}

std::string concat_builder(const std::vector<std::string>& pieces) {
  std::string b;
  for (const auto& p : pieces)
    b.append(p);
  return b;
}

std::string concat_builder_grow(const std::vector<std::string>& pieces) {
  std::size_t total = 0;
  for (const auto& p : pieces)
    total += p.size();
  std::string b;
  b.reserve(total);
  for (const auto& p : pieces)
    b.append(p);
  return b;
}

template <std::string (*Concat)(const std::vector<std::string>&)>
void BM_StringConcat(benchmark::State& state) {
  const auto pieces = make_pieces(static_cast<std::size_t>(state.range(0)));
  claimbench::BenchThread thread(state, 1.0);
  for (auto _ : thread) {
    std::string s = Concat(pieces);
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
  }
}

BENCHMARK_TEMPLATE(BM_StringConcat, concat_naive)
    ->Name("BM_StringConcat/naive")
    ->ArgName("pieces")
    ->Arg(1000)
    ->Arg(4000);
BENCHMARK_TEMPLATE(BM_StringConcat, concat_builder)
    ->Name("BM_StringConcat/builder")
    ->ArgName("pieces")
    ->Arg(1000)
    ->Arg(4000);
BENCHMARK_TEMPLATE(BM_StringConcat, concat_builder_grow)
    ->Name("BM_StringConcat/builder-grow")
    ->ArgName("pieces")
    ->Arg(1000)
    ->Arg(4000);

// ---- BM_ByteString -----------------------------------------------------------------------------

constexpr std::size_t kKeys = 256;  // one op = one key; an iteration walks every key once

// The map's hash and equality accept std::string and std::string_view alike (C++20
// heterogeneous lookup); both hash the same bytes with std::hash<std::string_view>.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
using StringMap = std::unordered_map<std::string, int, StringHash, std::equal_to<>>;

// Keys of exactly `length` bytes, distinct in their first bytes, held as byte buffers.
std::vector<std::vector<char>> make_keys(std::size_t length) {
  std::vector<std::vector<char>> keys;
  keys.reserve(kKeys);
  for (std::size_t i = 0; i < kKeys; ++i) {
    std::string k = std::to_string(i) + "-";
    k.resize(length, 'x');
    keys.emplace_back(k.begin(), k.end());
  }
  return keys;
}

StringMap make_map(const std::vector<std::vector<char>>& keys) {
  StringMap map;
  int value = 0;
  for (const auto& k : keys)
    map.emplace(std::string(k.data(), k.size()), value++);
  return map;
}

void BM_ByteString_Copy(benchmark::State& state) {
  const auto keys = make_keys(static_cast<std::size_t>(state.range(0)));
  claimbench::BenchThread thread(state, kKeys);
  for (auto _ : thread) {
    for (const auto& k : keys) {
      std::string s(k.data(), k.size());  // string(b)
      benchmark::DoNotOptimize(s.data());
      benchmark::ClobberMemory();
    }
  }
}

void BM_ByteString_View(benchmark::State& state) {
  const auto keys = make_keys(static_cast<std::size_t>(state.range(0)));
  claimbench::BenchThread thread(state, kKeys);
  for (auto _ : thread) {
    for (const auto& k : keys) {
      std::string_view s(k.data(), k.size());
      benchmark::DoNotOptimize(s.data());
      benchmark::ClobberMemory();
    }
  }
}

template <bool kTemporaryString>
void BM_ByteString_Lookup(benchmark::State& state) {
  const auto keys = make_keys(static_cast<std::size_t>(state.range(0)));
  const StringMap map = make_map(keys);
  claimbench::BenchThread thread(state, kKeys);
  long found = 0;
  for (auto _ : thread) {
    for (const auto& k : keys) {
      if constexpr (kTemporaryString) {
        found += map.find(std::string(k.data(), k.size()))->second;  // m[string(b)], copying
      } else {
        found += map.find(std::string_view(k.data(), k.size()))->second;  // no copy
      }
    }
    benchmark::DoNotOptimize(found);
  }
}

BENCHMARK(BM_ByteString_Copy)->Name("BM_ByteString/copy")->ArgName("len")->Arg(7)->Arg(32);
BENCHMARK(BM_ByteString_View)->Name("BM_ByteString/view")->ArgName("len")->Arg(32);
BENCHMARK_TEMPLATE(BM_ByteString_Lookup, true)
    ->Name("BM_ByteString/lookup-temp")
    ->ArgName("len")
    ->Arg(7)
    ->Arg(32);
BENCHMARK_TEMPLATE(BM_ByteString_Lookup, false)
    ->Name("BM_ByteString/lookup-view")
    ->ArgName("len")
    ->Arg(7)
    ->Arg(32);

}  // namespace
