#pragma once
/// Go's own sum loops for context-check-interval, as go1.19 emits them, at 16 positions in a line.
//
// The twin's three loops (benchmarks/go/context_check_test.go) transcribed from `go tool
// objdump -s 'twins.cc(Never|Modulo|Stripmined)'` into inline asm. Include only from a file
// assembled with Go's jump padding (benchmarks/CMakeLists.txt: GO_SHAPED_LOOP_FLAGS); why, and
// what the rows measure: go_shaped_loops.cpp.
#include <array>
#include <cstdint>
#include <utility>

#include "analogues/context.hpp"

namespace claimbench::go_loops {

using claimbench::go::CancelFlag;

constexpr std::int64_t kElements = 64 * 1024;  // as context.cpp: 512 KiB, fits L2
constexpr std::int64_t kCheckEvery = 1024;     // the seed's checkEvery
constexpr int kPositions = 16;                 // 4-byte steps over a 64-byte line

// A pass returns the sum, or -1 when it saw the cancellation (the data's sums are positive).
using Pass = std::int64_t (*)(const std::int64_t*, const CancelFlag&);

#if defined(__x86_64__)
constexpr bool kHaveGoLoops = true;

// ccNever: `JMP head; top: LEAQ 1(i), t; MOVQ (d)(i*8), x; ADDQ x, sum; MOVQ t, i;
// head: CMPQ i, n; JG top`.
template <int K>
[[gnu::noinline]] std::int64_t go_never(const std::int64_t* d, const CancelFlag&) {
  // Go's registers (AX i, SI t, CX d, R8 x, DX sum, DI n), so every instruction has the length
  // of Go's and a position here is the same position in a Go binary.
  register std::int64_t i asm("rax") = 0;
  register std::int64_t t asm("rsi") = 0;
  register const std::int64_t* p asm("rcx") = d;
  register std::int64_t x asm("r8") = 0;
  register std::int64_t sum asm("rdx") = 0;
  register std::int64_t n asm("rdi") = kElements;  // no call between these and the asm
  asm volatile(
      "jmp 2f\n\t.p2align 6\n\t.fill %c[k], 1, 0xcc\n"
      "1:\tleaq 1(%[i]), %[t]\n\tmovq (%[d],%[i],8), %[x]\n\taddq %[x], %[s]\n\tmovq %[t], %[i]\n"
      "2:\tcmpq %[i], %[n]\n\tjg 1b\n"
      : [i] "+r"(i), [s] "+r"(sum), [t] "+r"(t), [x] "+r"(x)
      : [d] "r"(p), [n] "r"(n), [k] "i"(K)
      : "cc", "memory");
  return sum;
}

// ccModulo: the same body, then `CMPQ i, n; JLE done; TESTQ $0x3ff, i; JNE top`; at a block
// start Go falls through to the out-of-line ctx.Err() call and JMPs back to top. Here the asm
// falls out to the poll below and re-enters at top: the same two jumps per 1024 elements.
template <int K>
[[gnu::noinline]] std::int64_t go_modulo(const std::int64_t* d, const CancelFlag& flag) {
  std::int64_t i = 0;
  std::int64_t sum = 0;
  for (;;) {
    if (flag.cancelled()) return -1;
    // Go's registers (DX i, R8 t, CX d, R9 x, SI sum, DI n), bound for the asm only: a local
    // register variable holds its register only as an asm operand, and the poll's call (not
    // inlined at -O0) may clobber it.
    register std::int64_t ri asm("rdx") = i;
    register std::int64_t rt asm("r8") = 0;
    register const std::int64_t* rd asm("rcx") = d;
    register std::int64_t rx asm("r9") = 0;
    register std::int64_t rs asm("rsi") = sum;
    register std::int64_t rn asm("rdi") = kElements;
    asm volatile(
        "jmp 1f\n\t.p2align 6\n\t.fill %c[k], 1, 0xcc\n"
        "1:\tleaq 1(%[i]), %[t]\n\tmovq (%[d],%[i],8), %[x]\n\taddq %[x], %[s]\n\tmovq %[t], %[i]\n"
        "\tcmpq %[i], %[n]\n\tjle 3f\n\ttestq $0x3ff, %[i]\n\tjne 1b\n3:\n"
        : [i] "+r"(ri), [s] "+r"(rs), [t] "+r"(rt), [x] "+r"(rx)
        : [d] "r"(rd), [n] "r"(rn), [k] "i"(K)
        : "cc", "memory");
    i = ri;
    sum = rs;
    if (i >= kElements) return sum;
  }
}

// ccStripmined's inner loop, `for _, v := range d[blk:blk+1024]`: `JMP head; top: MOVQ (p)(i*8),
// x; INCQ i; ADDQ x, sum; head: CMPQ $0x400, i; JL top`.
template <int K>
[[gnu::noinline]] std::int64_t go_stripmined(const std::int64_t* d, const CancelFlag& flag) {
  std::int64_t sum = 0;
  for (std::int64_t block = 0; block < kElements; block += kCheckEvery) {
    if (flag.cancelled()) return -1;
    // Go's registers in the inner loop (AX i, DI the block, R10 x, R8 sum), for the asm only.
    register std::int64_t ri asm("rax") = 0;
    register const std::int64_t* rp asm("rdi") = d + block;
    register std::int64_t rx asm("r10") = 0;
    register std::int64_t rs asm("r8") = sum;
    asm volatile(
        "jmp 2f\n\t.p2align 6\n\t.fill %c[k], 1, 0xcc\n"
        "1:\tmovq (%[p],%[i],8), %[x]\n\tincq %[i]\n\taddq %[x], %[s]\n"
        "2:\tcmpq $0x400, %[i]\n\tjl 1b\n"
        : [i] "+r"(ri), [s] "+r"(rs), [x] "+r"(rx)
        : [p] "r"(rp), [k] "i"(K)
        : "cc", "memory");
    sum = rs;
  }
  return sum;
}

template <template <int> class Loop, int... I>
constexpr std::array<Pass, kPositions> positions(std::integer_sequence<int, I...>) {
  return {Loop<4 * I>::pass...};
}
template <int K>
struct Never {
  static constexpr Pass pass = go_never<K>;
};
template <int K>
struct Modulo {
  static constexpr Pass pass = go_modulo<K>;
};
template <int K>
struct Stripmined {
  static constexpr Pass pass = go_stripmined<K>;
};
template <template <int> class Loop>
constexpr auto kAt = positions<Loop>(std::make_integer_sequence<int, kPositions>{});
#else
constexpr bool kHaveGoLoops = false;
template <template <int> class Loop>
constexpr std::array<Pass, kPositions> kAt{};
template <int>
struct Never {};
template <int>
struct Modulo {};
template <int>
struct Stripmined {};
#endif

}  // namespace claimbench::go_loops
