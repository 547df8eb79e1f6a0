/// Go's runtime.memhash64, the hash of every 8-byte map key, and the call through which a map
/// reaches it (t.hasher), for the Go map models.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace claimbench::go {

// Go 1.19 hashes a map[uint64]V key with runtime.memhash64. On amd64 with AES, SSSE3 and SSE4.1
// (useAeshash, every x86 CPU of the last decade) it is asm_amd64.s's aeshash path: the seed in
// the low half of an XMM register, the key PINSRQ'd into the high half, three AESENC rounds
// against the process's random key schedule (aeskeysched), the low half returned: ~12 cycles of
// dependent AES latency plus the call. Without AES, hash64.go's memhash64Fallback (wyhash's
// mix: two 64x64->128 multiplies). The map calls it through its type (mapaccess2_fast64:
// `hash := t.hasher(noescape(unsafe.Pointer(&key)), uintptr(h.hash0))`, a closure call with the
// key spilled to the stack), never inline: GoHash64 makes the C++ maps do the same. The murmur3
// finaliser inlined before (MixHash) cost ~3 ns less per map operation than this call, one of
// the reasons the Go map models ran 27-39% under Go's own map on lookups and store/delete churn.

inline constexpr std::uint64_t kHashKey0 = 0x6a09e667f3bcc908ULL;  // hashkey[0]: random in Go
inline constexpr std::uint64_t kMapSeed = 0x9e3779b97f4a7c15ULL;   // h.hash0: random per map in Go

/// hash64.go's memhash64Fallback (go1.19), for CPUs without AES.
[[gnu::noinline]] inline std::uint64_t memhash64_fallback(const void* p, std::uint64_t seed) {
  constexpr std::uint64_t m1 = 0xa0761d6478bd642fULL;
  constexpr std::uint64_t m2 = 0xe7037ed1a0b428dbULL;
  constexpr std::uint64_t m5 = 0x1d8e4e27c47d124fULL;
  const auto mix = [](std::uint64_t a, std::uint64_t b) {
    __extension__ using U128 = unsigned __int128;  // math.Mul64's 128-bit product
    const U128 r = static_cast<U128>(a) * b;
    return static_cast<std::uint64_t>(r >> 64) ^ static_cast<std::uint64_t>(r);
  };
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::memcpy(&a, p, 4);
  std::memcpy(&b, static_cast<const char*>(p) + 4, 4);
  return mix(m5 ^ 8, mix(a ^ m2, b ^ seed ^ kHashKey0 ^ m1));
}

#if defined(__x86_64__)
/// aeskeysched's first three 16-byte round keys (random per process in Go; fixed here).
alignas(16) inline constexpr std::uint64_t kAesKeySched[6] = {
    0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL,
    0x082efa98ec4e6c89ULL, 0x452821e638d01377ULL, 0xbe5466cf34e90c6cULL};

/// asm_amd64.s memhash64, aeshash path: MOVQ seed, X0; PINSRQ $1, (key), X0; AESENC x3 with
/// the round keys from memory; MOVQ X0, AX.
[[gnu::noinline, gnu::target("aes,sse4.1")]] inline std::uint64_t memhash64_aes(
    const void* p, std::uint64_t seed) {
  std::int64_t key = 0;
  std::memcpy(&key, p, sizeof key);
  __m128i x = _mm_cvtsi64_si128(static_cast<std::int64_t>(seed));
  x = _mm_insert_epi64(x, key, 1);
  const auto* ks = reinterpret_cast<const __m128i*>(kAesKeySched);
  x = _mm_aesenc_si128(x, _mm_load_si128(ks));
  x = _mm_aesenc_si128(x, _mm_load_si128(ks + 1));
  x = _mm_aesenc_si128(x, _mm_load_si128(ks + 2));
  return static_cast<std::uint64_t>(_mm_cvtsi128_si64(x));
}
#endif

using MemHash64Fn = std::uint64_t (*)(const void*, std::uint64_t);

/// The memhash64 this CPU runs in Go: the AES one where useAeshash would be set.
inline MemHash64Fn memhash64_impl() {
#if defined(__x86_64__)
  static const MemHash64Fn fn = __builtin_cpu_supports("aes") && __builtin_cpu_supports("ssse3") &&
                                        __builtin_cpu_supports("sse4.1")
                                    ? &memhash64_aes
                                    : &memhash64_fallback;
  return fn;
#else
  return &memhash64_fallback;
#endif
}

/// t.hasher(&key, h.hash0) for a map with 8-byte keys: a call through the map's pointer to its
/// type's hash function, with the map's seed (h.hash0, random per map in Go).
struct GoHash64 {
  MemHash64Fn fn = memhash64_impl();
  std::uint64_t seed = kMapSeed;
  std::uint64_t operator()(std::uint64_t key) const noexcept { return fn(&key, seed); }
};

}  // namespace claimbench::go
