// Tests for the model of Go's map hash (analogues/go_hash.hpp).
#include <catch2/catch.hpp>

#include "analogues/go_hash.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace go = claimbench::go;

TEST_CASE("go_hash: the AES memhash64 is the one used where the CPU has AES, as in Go",
          "[analogues][go_hash]") {
#if defined(__x86_64__)
  const bool aes = __builtin_cpu_supports("aes") && __builtin_cpu_supports("ssse3") &&
                   __builtin_cpu_supports("sse4.1");
  CHECK((go::memhash64_impl() == &go::memhash64_aes) == aes);
#else
  CHECK(go::memhash64_impl() == &go::memhash64_fallback);
#endif
}

TEST_CASE("go_hash: both memhash64s depend on the key and the seed, and spread sequential keys",
          "[analogues][go_hash]") {
  for (go::MemHash64Fn fn : {go::memhash64_impl(), go::MemHash64Fn{&go::memhash64_fallback}}) {
    const std::uint64_t k = 12345;
    CHECK(fn(&k, 1) == fn(&k, 1));
    CHECK(fn(&k, 1) != fn(&k, 2));
    // 1024 sequential keys over 256 buckets (the low bits, as a map indexes): a hash that kept
    // the key's low bits, or ignored some of its bytes, would pile them up.
    std::array<int, 256> buckets{};
    for (std::uint64_t key = 0; key < 1024; ++key)
      ++buckets[fn(&key, 7) & 255];
    CHECK(*std::max_element(buckets.begin(), buckets.end()) <= 16);
    // A key that differs only in its high half hashes differently.
    const std::uint64_t lo = 5;
    const std::uint64_t hi = 5 | (std::uint64_t{1} << 40);
    CHECK(fn(&lo, 7) != fn(&hi, 7));
  }
  // GoHash64 is memhash64 on the key's bytes with the map's seed, through its pointer.
  const go::GoHash64 h;
  const std::uint64_t key = 99;
  CHECK(h(key) == h.fn(&key, h.seed));
}
