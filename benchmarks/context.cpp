// Context checks in a hot loop and context.WithValue chains (claims/context-check-interval.toml,
// claims/context-value-chain.toml).
//
// BM_CancelCheck: sum 64K int64 while polling a cancellation flag (the model of ctx.Done() /
// ctx.Err(), never set: the common not-cancelled case) every element, every 1024 elements, or
// never. The every-1024 check comes in the seed's form (`if i%1024 == 0` inside the loop) and
// strip-mined (an outer loop over 1024-element blocks, one check per block): same semantics, but
// GCC 12 cannot vectorise a loop with an early exit, so only the strip-mined inner loop
// vectorises. Go's compiler vectorises nothing, so every loop is also built scalar
// (no-tree-vectorize on that function only): the scalar comparisons are the ones that transfer
// to Go, and for the two 5% checks Go's own loops (go_shaped_loops.cpp: go1.19's instructions,
// at 16 positions in a line), since at that scale loop shape and position decide. The heavy
// variant takes a mutex per element, as Go's cancelCtx.Err() does; scalar-every-select polls as
// `select { case <-ctx.Done(): default: }` does (context.hpp).
//
// BM_ContextValue: look up the root-most key of a WithValue chain of depth 1..64, so the lookup
// walks the whole chain. Each lookup starts from an address that depends on the previous result
// (through an opaque zero), so lookups run one after another and time is the walk's latency,
// not the throughput of overlapped walks.
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12.2 -O3 -g,
// x86-64 baseline SSE2, no -march), checked for each hot loop:
//  - timed loop of every BM_CancelCheck: `addq $0x1,(%rbp,%rax,8)` (the one fresh element),
//    then `call` to the loop function, every iteration: nothing hoisted or deleted.
//  - never: `movdqu (%rdi),%xmm2; paddq %xmm2,%xmm0`, 2 elements per iteration.
//  - every: scalar; per element `movzbl (%rsi),%edx; test %dl,%dl; je` then
//    `add (%rdi),%rax` (the acquire load is a plain byte load on x86, reloaded every element).
//  - every1024-modulo: scalar in both builds (the early exit stops GCC 12's vectoriser); per
//    element `add (%rdi,%rax,8),%rdx; add $1,%rax; cmp $0x10000; je` then `test $0x3ff,%eax;
//    jne` back to the top (one taken branch), the flag load only at block starts. Every loop
//    function here is CB_LOOP / CB_SCALAR_LOOP: it starts on a 64-byte line (checked: all nine
//    start at an address that is a multiple of 0x40), so scalar_modulo's loop body (offsets
//    0x10-0x27) sits in one 64-byte line in every build.
//  - every1024-stripmined: one `movzbl` of the flag per block, inner loop movdqu/paddq as never.
//  - scalar-*: the same loops without paddq: `add (%rdi),%rax` per element, not unrolled
//    (-O3 does not unroll without -funroll-loops): Go's loop structure in GCC's instructions
//    (4 per element where Go's index loop has 6).
//  - scalar-every-select: per element `mov 0x18(%r13),%rdi; mov (%rdi),%rax; call *0x10(%rax)`
//    (the Done() interface call, not devirtualised), `call select_nb_recv`, `test %al; je`, then
//    `add (%rbx),%rbp`: Go's two calls per poll, the sum scalar.
//  - every-locked: per element `call pthread_mutex_lock@plt`, a byte load, `call
//    pthread_mutex_unlock@plt` (a lock cmpxchg and a lock xchg/dec inside glibc).
//  - ContextValue: `and %r12,%rbp` (value & opaque zero), `mov 0x30(%rsp,%rbp,1),%rax` (the
//    context's node pointer, indexed by it: a true data dependency on the previous lookup),
//    then per node `cmp %rbx,(%rax); jne` and `mov 0x18(%rax),%rax` (parent.get()); the found
//    value is loaded with `mov 0x8(%rax),%rbp`. 8 lookups per iteration, none hoisted.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <numeric>
#include <optional>
#include <vector>

#include "analogues/context.hpp"
#include "claimbench/measure/bench.hpp"
#include "codegen.hpp"

namespace {

using claimbench::go::CancelFlag;
using claimbench::go::SelectDoneFlag;

// ---- BM_CancelCheck ----------------------------------------------------------------------

// 64K int64 = 512 KiB: fits the L2 of current server cores (1 MiB per core here), so the
// vectorised sum is not bound by L3 bandwidth and the check's cost is visible.
constexpr std::size_t kElements = 64 * 1024;
constexpr std::size_t kCheckEvery = 1024;  // the seed's checkEvery
static_assert(kElements % kCheckEvery == 0);
static_assert((kElements & (kElements - 1)) == 0, "the per-iteration mutation masks the index");

// nullopt: the loop saw the cancellation and stopped early (Go: return ctx.Err()).
using Sum = std::optional<std::int64_t>;

// The heavy check: Go's cancelCtx.Err() reads c.err under c.mu, so an Err() per element is a
// mutex lock and unlock per element (uncontended; nobody cancels).
class LockedFlag {
 public:
  void cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
  }
  bool cancelled() const {
    std::lock_guard lock(mu_);
    return cancelled_;
  }

 private:
  mutable std::mutex mu_;
  bool cancelled_ = false;
};

// The loops, written once and inlined into a vectorisable and a scalar wrapper below.
template <class Flag>
[[gnu::always_inline]] inline Sum sum_never(const std::int64_t* data, const Flag&) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < kElements; ++i)
    sum += data[i];
  return sum;
}

template <class Flag>
[[gnu::always_inline]] inline Sum sum_every(const std::int64_t* data, const Flag& flag) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < kElements; ++i) {
    if (flag.cancelled()) return std::nullopt;
    sum += data[i];
  }
  return sum;
}

// The seed's form: the test sits inside the element loop.
template <class Flag>
[[gnu::always_inline]] inline Sum sum_modulo(const std::int64_t* data, const Flag& flag) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < kElements; ++i) {
    if (i % kCheckEvery == 0 && flag.cancelled()) return std::nullopt;
    sum += data[i];
  }
  return sum;
}

// The same checks at the same elements, hoisted into an outer loop over blocks.
template <class Flag>
[[gnu::always_inline]] inline Sum sum_stripmined(const std::int64_t* data, const Flag& flag) {
  std::int64_t sum = 0;
  for (std::size_t block = 0; block < kElements; block += kCheckEvery) {
    if (flag.cancelled()) return std::nullopt;
    for (std::size_t i = block; i < block + kCheckEvery; ++i)
      sum += data[i];
  }
  return sum;
}

// clang-format off
CB_LOOP Sum vec_never(const std::int64_t* d, const CancelFlag& f) { return sum_never(d, f); }
CB_LOOP Sum vec_every(const std::int64_t* d, const CancelFlag& f) { return sum_every(d, f); }
CB_LOOP Sum vec_modulo(const std::int64_t* d, const CancelFlag& f) { return sum_modulo(d, f); }
CB_LOOP Sum vec_stripmined(const std::int64_t* d, const CancelFlag& f) { return sum_stripmined(d, f); }
CB_SCALAR_LOOP Sum scalar_never(const std::int64_t* d, const CancelFlag& f) { return sum_never(d, f); }
CB_SCALAR_LOOP Sum scalar_every(const std::int64_t* d, const CancelFlag& f) { return sum_every(d, f); }
CB_SCALAR_LOOP Sum scalar_modulo(const std::int64_t* d, const CancelFlag& f) { return sum_modulo(d, f); }
CB_SCALAR_LOOP Sum scalar_stripmined(const std::int64_t* d, const CancelFlag& f) { return sum_stripmined(d, f); }
// Go's per-element poll as Go runs it (context.hpp, SelectDoneFlag): two calls per element.
CB_SCALAR_LOOP Sum scalar_every_select(const std::int64_t* d, const SelectDoneFlag& f) { return sum_every(d, f); }
// A lock per element cannot vectorise in either build.
CB_LOOP Sum locked_every(const std::int64_t* d, const LockedFlag& f) { return sum_every(d, f); }
// clang-format on

template <class Flag, Sum (*Loop)(const std::int64_t*, const Flag&), bool kChecks, bool kScalar>
void BM_CancelCheck(benchmark::State& state) {
  if (kScalar && !claimbench::kHaveScalarBuild) {
    state.SkipWithError("the scalar build needs GCC's optimize(\"no-tree-vectorize\")");
    return;
  }
  std::vector<std::int64_t> data(kElements);
  std::iota(data.begin(), data.end(), std::int64_t{1});

  // The loop must sum correctly and must stop on a cancelled flag (else the check was dropped).
  Flag live;
  Flag cancelled;
  cancelled.cancel();
  const auto expected = std::accumulate(data.begin(), data.end(), std::int64_t{0});
  if (Loop(data.data(), live) != expected) {
    state.SkipWithError("the loop's sum is wrong");
    return;
  }
  if (Loop(data.data(), cancelled).has_value() == kChecks) {
    state.SkipWithError("the loop ignores a cancelled flag");
    return;
  }

  claimbench::BenchThread thread(state, kElements);  // one op = one element summed
  std::size_t step = 0;
  for (auto _ : thread) {
    // Fresh data: one element changes per iteration, so the sum is not loop-invariant.
    data[step++ & (kElements - 1)] += 1;
    Sum sum = Loop(data.data(), live);
    benchmark::DoNotOptimize(sum);
  }
}

BENCHMARK_TEMPLATE(BM_CancelCheck, CancelFlag, vec_never, false, false)
    ->Name("BM_CancelCheck/never");
BENCHMARK_TEMPLATE(BM_CancelCheck, CancelFlag, vec_every, true, false)
    ->Name("BM_CancelCheck/every");
BENCHMARK_TEMPLATE(BM_CancelCheck, CancelFlag, vec_modulo, true, false)
    ->Name("BM_CancelCheck/every1024-modulo");
BENCHMARK_TEMPLATE(BM_CancelCheck, CancelFlag, vec_stripmined, true, false)
    ->Name("BM_CancelCheck/every1024-stripmined");
BENCHMARK_TEMPLATE(BM_CancelCheck, CancelFlag, scalar_never, false, true)
    ->Name("BM_CancelCheck/scalar-never");
BENCHMARK_TEMPLATE(BM_CancelCheck, CancelFlag, scalar_every, true, true)
    ->Name("BM_CancelCheck/scalar-every");
BENCHMARK_TEMPLATE(BM_CancelCheck, CancelFlag, scalar_modulo, true, true)
    ->Name("BM_CancelCheck/scalar-every1024-modulo");
BENCHMARK_TEMPLATE(BM_CancelCheck, CancelFlag, scalar_stripmined, true, true)
    ->Name("BM_CancelCheck/scalar-every1024-stripmined");
BENCHMARK_TEMPLATE(BM_CancelCheck, LockedFlag, locked_every, true, false)
    ->Name("BM_CancelCheck/every-locked");
BENCHMARK_TEMPLATE(BM_CancelCheck, SelectDoneFlag, scalar_every_select, true, true)
    ->Name("BM_CancelCheck/scalar-every-select");

// ---- BM_ContextValue ---------------------------------------------------------------------

using claimbench::go::ContextKey;
using claimbench::go::ValueContext;

constexpr int kMaxDepth = 64;
constexpr int kLookupsPerIteration = 8;  // amortises the benchmark loop's own ~1 ns
constexpr std::int64_t kRootValue = 42;

// Go-style keys: the identity of distinct objects (one unexported key variable per package).
const char kKeys[kMaxDepth] = {};

void BM_ContextValue(benchmark::State& state) {
  const auto depth = static_cast<int>(state.range(0));
  // Background -> WithValue(key 0) -> ... -> WithValue(key depth-1): key 0 is root-most, so its
  // lookup compares and follows every node. Built once; the chain is fixed across iterations.
  ValueContext ctx;
  for (int level = 0; level < depth; ++level)
    ctx = with_value(ctx, &kKeys[level], level == 0 ? kRootValue : level);
  ContextKey key = &kKeys[0];
  benchmark::DoNotOptimize(key);
  if (ctx.depth() != static_cast<std::size_t>(depth) || ctx.lookup(key) != kRootValue) {
    state.SkipWithError("the chain does not hold the root key");
    return;
  }

  // An opaque zero: `value & zero` is 0 at run time, but the compiler cannot fold it, and the
  // CPU must wait for the previous lookup's value before it can start the next walk.
  std::size_t zero = 0;
  benchmark::DoNotOptimize(zero);
  const ValueContext* const contexts = &ctx;
  std::int64_t value = 0;

  claimbench::BenchThread thread(state, kLookupsPerIteration);  // one op = one lookup
  for (auto _ : thread) {
    for (int j = 0; j < kLookupsPerIteration; ++j)
      value = contexts[static_cast<std::size_t>(value) & zero].lookup(key).value_or(-1);
  }
  benchmark::DoNotOptimize(value);
  if (value != kRootValue) state.SkipWithError("lookup lost the root value");
}

BENCHMARK(BM_ContextValue)->ArgName("depth")->Arg(1)->Arg(4)->Arg(16)->Arg(kMaxDepth);

}  // namespace
