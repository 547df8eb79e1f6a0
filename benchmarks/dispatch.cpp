// Dispatch: interface calls, type switches and type-erased generics (claims/dynamic-dispatch.toml,
// claims/type-switch.toml, claims/generics-dictionary.toml).
//
// BM_Dispatch: sum f(x) = 3x+1 over 4096 uint32 (16 KiB, in L1), with f called directly (a
// non-virtual member: inlined), through a virtual call on an object whose dynamic type is picked
// at run time (the model of a Go interface method call: one indirect call through the itab),
// through a `final` class (the compiler knows the target: devirtualised and inlined), as Go 1.19
// devirtualises (a direct call to the method, out of line: go-devirtualised), and through
// std::function (the model of calling a Go func value). Inlining lets GCC vectorise the direct
// and final loops; Go's compiler never vectorises, so the direct loop is built a second time
// scalar (no-tree-vectorize on that function only): virtual vs direct-scalar is the comparison
// that transfers to Go.
//
// BM_TypeSwitch: a switch over 8 types hit on its first or its last case, written four ways: a
// chain of dynamic_cast (walks the class hierarchy in libstdc++ per test), a chain of typeid
// compares (one type-word compare per test, as the seed describes Go's switch, and as Go runs an
// if-else chain of type assertions), std::variant + std::visit (dispatch by the stored index),
// and Go 1.19's compiled type switch (binary search over the cases' type hashes). The case hit is
// data: first and last run the same compiled loop of their form.
//
// BM_Generics: sort 64K int32 copied from a fixed shuffled source each iteration, with std::sort
// and an inlined `<` (monomorphised), std::sort calling its comparator through a function
// pointer (the same algorithm, one indirect call per compare: the model of a dictionary call),
// std::sort with a std::function comparator, and C's qsort (type-erased: void* elements, size
// passed at run time, comparator through a pointer), and Go's sort.Slice (analogues/go_sort.hpp:
// go1.19's pdqsort, every compare and swap an indirect call over indices; slice-sort). The copy
// is in every variant's timed loop; copy-only measures it (under 0.1% of a sort here).
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12.2 -O3 -g,
// x86-64 baseline SSE2, no -march), checked for each hot loop:
//  - every BM_Dispatch timed loop: `addl $0x1` to one element, then `call` to its loop function:
//    nothing hoisted or deleted.
//  - direct: movdqu, pslld $1, two paddd (3x+1 as x+2x+1) and a paddd into the sum: four
//    elements per iteration, no call. GCC's identical-code folding merged loop_final into the
//    same body (a second `.constprop` copy of loop_direct): `final` compiles to the direct loop.
//  - direct-scalar: `mov (%rdi),%eax; lea 0x1(%rax,%rax,2),%eax; add %eax,%edx` per element,
//    no SIMD, not unrolled: the shape Go's compiler emits.
//  - go-devirtualised: per element `mov (%rdx),%edi`, `call` to GoDevirtualisedAffine::apply
//    (`lea 0x1(%rdi,%rdi,2),%eax; ret`), `add %eax,%ecx`: a direct call, scalar, not inlined.
//  - virtual: per element `mov 0x0(%rbp),%rax` (vptr reloaded), `call *0x10(%rax)`: a real
//    indirect call to Affine::apply, no speculative devirtualisation.
//  - std-function: per element `cmpq $0x0,0x10(%rbp)` (empty test), the argument stored to the
//    stack (it is passed by reference), `call *0x18(%rbp)` to the invoker.
//  - dyncast: one `call __dynamic_cast@plt` per case tested (8 for the last case, 1 for the
//    first), each followed by test/jne; the value load and add only in the matching arm.
//  - typeid: per switch, vptr -> type_info -> name pointer (three dependent loads), then one
//    `cmp` with each case's name address; GCC tests the name's leading '*' once (all these types
//    are local), so no strcmp runs: 8 compares for the last case, 1 for the first.
//  - visit: per switch `cmpb $0x7,0x4(%rax)` (valueless check), the index byte loaded and
//    `jmp *%rdx` through a jump table: the same instructions for every alternative.
//  - go-switch: a `call` to switch_go per object; in it `test` of the type word, `mov
//    0x10(%rdx),%eax` (the hash), then the twin's own tree: `cmp $0x62db3888` / ja, `cmp
//    $0x275647a1` / ja (or `cmp $0x7779c40d` / ja), then the leaf pair's `cmp`/je, the matched
//    leaf's `lea kGoType<K>` + `cmp` with the type word: the constants and split order of go1.19's
//    compiled typeSwitch. GCC lays each pair's first match out of line (`je` taken) where Go
//    falls through; the compare count is the same, 3 for both tsCase0 and tsCase7.
//  - go-assert-chain: a `call` to assert_chain_go per object; in it the type word loaded once,
//    then per case `lea kGoType<K>`, `cmp`, `jne` to the next case (taken on a mismatch), the
//    arm falling through: the twin's assertChain instruction for instruction (LEAQ, CMPQ, JNE).
//  - one BM_TypeSwitch body per form (no .constprop clones: noipa), so first and last differ
//    only in the objects' dynamic type.
//  - std-sort: __introsort_loop<_Iter_less_iter> compares inline (cmp/jl in the partition loop).
//    fnptr-sort: the same algorithm with `call *` at each of 11 compare sites. std-function-sort:
//    `call *%rax` through the std::function's invoker. qsort: a call into glibc's qsort (merge
//    sort for this size, comparator called through a pointer). slice-sort: one out-of-line
//    sort_detail::pdqsort with the insertion sort, partitions and pivot choice inlined into it and
//    50 `call *` sites (each Less and Swap through the LessSwap's pointers), as go1.19's
//    pdqsort_func calls its func values; slice_less/slice_swap do the two bounds checks each.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <numeric>
#include <random>
#include <typeinfo>
#include <utility>
#include <variant>
#include <vector>

#include "analogues/go_sort.hpp"
#include "claimbench/measure/bench.hpp"
#include "codegen.hpp"

namespace {

// ---- BM_Dispatch -----------------------------------------------------------------------------

using Word = std::uint32_t;  // unsigned: the sums wrap without undefined behaviour
constexpr std::size_t kElements = 4096;
static_assert((kElements & (kElements - 1)) == 0, "the per-iteration mutation masks the index");

constexpr Word affine(Word x) {
  return x * 3 + 1;
}

// The interface (Go: type Op interface { Apply(uint32) uint32 }) and three implementations, so
// the call site has more than one possible target and GCC cannot devirtualise it speculatively.
class Op {
 public:
  virtual ~Op() = default;
  virtual Word apply(Word x) const = 0;
};
class Affine : public Op {
 public:
  Word apply(Word x) const override { return affine(x); }
};
class Mix : public Op {
 public:
  Word apply(Word x) const override { return x ^ 0x9e3779b9U; }
};
class Rotate : public Op {
 public:
  Word apply(Word x) const override { return (x << 7) | (x >> 25); }
};
// `final`: a call through FinalAffine& has exactly one target (Go: a method call on a concrete
// type, or an interface call the compiler devirtualises).
class FinalAffine final : public Op {
 public:
  Word apply(Word x) const override { return affine(x); }
};
// Direct: a non-virtual method on a concrete type (Go: a method on a struct, called as such).
struct DirectAffine {
  Word apply(Word x) const { return affine(x); }
};
// What Go 1.19 makes of an interface call whose concrete type the compiler knows: it devirtualises
// after inlining has run, so the call becomes a direct CALL to the method, not inlined (the twin's
// `final`: go tool objdump shows CALL dispatchAffine.Apply per element). A direct call to an
// out-of-line method, in a scalar loop as Go's.
struct GoDevirtualisedAffine {
  [[gnu::noinline]] Word apply(Word x) const {
    Word y = affine(x);
    asm volatile("" : "+r"(y));  // keeps the body a real function: no IPA constant folding
    return y;
  }
};

template <class Callee>
[[gnu::always_inline]] inline Word sum_apply(const Word* data, const Callee& callee) {
  Word sum = 0;
  for (std::size_t i = 0; i < kElements; ++i) {
    if constexpr (requires { callee.apply(Word{}); })
      sum += callee.apply(data[i]);
    else
      sum += callee(data[i]);
  }
  return sum;
}

using WordFunction = std::function<Word(Word)>;

// clang-format off
[[gnu::noinline]] Word loop_direct(const Word* d, const DirectAffine& f) { return sum_apply(d, f); }
CB_SCALAR_BUILD Word loop_direct_scalar(const Word* d, const DirectAffine& f) { return sum_apply(d, f); }
[[gnu::noinline]] Word loop_virtual(const Word* d, const Op& f) { return sum_apply(d, f); }
[[gnu::noinline]] Word loop_final(const Word* d, const FinalAffine& f) { return sum_apply(d, f); }
CB_SCALAR_BUILD Word loop_go_devirtualised(const Word* d, const GoDevirtualisedAffine& f) { return sum_apply(d, f); }
[[gnu::noinline]] Word loop_function(const Word* d, const WordFunction& f) { return sum_apply(d, f); }
// clang-format on

// One object of each kind; the benchmark picks index 0 at run time through an opaque index, so
// the compiler cannot know which implementation a loop_virtual or loop_function call gets.
const Affine kAffine;
const Mix kMix;
const Rotate kRotate;
const FinalAffine kFinalAffine;
const DirectAffine kDirectAffine;
const GoDevirtualisedAffine kGoDevirtualisedAffine;
const std::array<const Op*, 3> kOps = {&kAffine, &kMix, &kRotate};
const std::array<WordFunction, 3> kFunctions = {
    [](Word x) { return affine(x); },
    [](Word x) { return x ^ 0x9e3779b9U; },
    [](Word x) { return (x << 7) | (x >> 25); },
};

enum class Call { direct, direct_scalar, virtual_call, final_call, go_devirtualised, function };

template <Call kCall>
Word run_loop(const Word* data, std::size_t pick) {
  if constexpr (kCall == Call::direct) return loop_direct(data, kDirectAffine);
  if constexpr (kCall == Call::direct_scalar) return loop_direct_scalar(data, kDirectAffine);
  if constexpr (kCall == Call::virtual_call) return loop_virtual(data, *kOps[pick]);
  if constexpr (kCall == Call::final_call) return loop_final(data, kFinalAffine);
  if constexpr (kCall == Call::go_devirtualised)
    return loop_go_devirtualised(data, kGoDevirtualisedAffine);
  if constexpr (kCall == Call::function) return loop_function(data, kFunctions[pick]);
}

template <Call kCall>
void BM_Dispatch(benchmark::State& state) {
  if ((kCall == Call::direct_scalar || kCall == Call::go_devirtualised) &&
      !claimbench::kHaveScalarBuild) {
    state.SkipWithError("the scalar build needs GCC's optimize(\"no-tree-vectorize\")");
    return;
  }
  std::vector<Word> data(kElements);
  std::iota(data.begin(), data.end(), Word{1});
  std::size_t pick = 0;  // always Affine; opaque to the compiler
  benchmark::DoNotOptimize(pick);

  // Every variant must compute the same sum (else it is not the same work).
  Word expected = 0;
  for (Word x : data)
    expected += affine(x);
  if (run_loop<kCall>(data.data(), pick) != expected) {
    state.SkipWithError("the loop's sum is wrong");
    return;
  }

  claimbench::BenchThread thread(state, kElements);  // one op = one call
  std::size_t step = 0;
  for (auto _ : thread) {
    // Fresh data: one element changes per iteration, so the sum is not loop-invariant.
    data[step++ & (kElements - 1)] += 1;
    Word sum = run_loop<kCall>(data.data(), pick);
    benchmark::DoNotOptimize(sum);
  }
}

BENCHMARK_TEMPLATE(BM_Dispatch, Call::direct)->Name("BM_Dispatch/direct");
BENCHMARK_TEMPLATE(BM_Dispatch, Call::direct_scalar)->Name("BM_Dispatch/direct-scalar");
BENCHMARK_TEMPLATE(BM_Dispatch, Call::virtual_call)->Name("BM_Dispatch/virtual");
BENCHMARK_TEMPLATE(BM_Dispatch, Call::final_call)->Name("BM_Dispatch/final");
BENCHMARK_TEMPLATE(BM_Dispatch, Call::go_devirtualised)->Name("BM_Dispatch/go-devirtualised");
BENCHMARK_TEMPLATE(BM_Dispatch, Call::function)->Name("BM_Dispatch/std-function");

// ---- BM_TypeSwitch ---------------------------------------------------------------------------

constexpr int kCases = 8;
constexpr int kSwitchesPerIteration = 64;  // one op = one switch over one object

// The polymorphic hierarchy for dynamic_cast and typeid: eight unrelated leaves of one base
// (Go: eight concrete types stored in an `any`). In an anonymous namespace, so libstdc++'s
// type_info names start with '*' and a failing typeid compare is a pointer compare, not a
// strcmp. Not `final`: GCC 12 does not turn dynamic_cast to a final class into a compare anyway,
// and Go's types have no hierarchy to exploit.
struct Node {
  virtual ~Node() = default;
  int value = 0;
};
template <int K>
struct Case : Node {};

// The handler of case K; distinct per case so the compiler cannot merge the arms.
template <int K>
[[gnu::always_inline]] inline int handle(int value) {
  return value + K * 7 + 1;
}

// `if c, ok := x.(T0); ok {...} else if ...`: tests in order, stops at the first match.
template <int... K>
[[gnu::always_inline]] inline int switch_dyncast(const Node* node,
                                                 std::integer_sequence<int, K...>) {
  int result = -1;
  static_cast<void>(
      ((dynamic_cast<const Case<K>*>(node) != nullptr ? (result = handle<K>(node->value), true)
                                                      : false) ||
       ...));
  return result;
}

// The same chain comparing type identity only (one load of the type word, one compare per
// case): what the seed says Go's type switch does.
template <int... K>
[[gnu::always_inline]] inline int switch_typeid(const Node* node,
                                                std::integer_sequence<int, K...>) {
  const std::type_info& type = typeid(*node);
  int result = -1;
  static_cast<void>(
      ((type == typeid(Case<K>) ? (result = handle<K>(node->value), true) : false) || ...));
  return result;
}

// Plain values for the variant (no vtable).
template <int K>
struct Value {
  static constexpr int kIndex = K;
  int value = 0;
};
template <class Seq>
struct VariantOf;
template <int... K>
struct VariantOf<std::integer_sequence<int, K...>> {
  using type = std::variant<Value<K>...>;
};
using Cases = std::make_integer_sequence<int, kCases>;
using AnyValue = VariantOf<Cases>::type;

[[gnu::always_inline]] inline int switch_visit(const AnyValue& any) {
  return std::visit(
      [](const auto& v) { return handle<std::remove_cvref_t<decltype(v)>::kIndex>(v.value); }, any);
}

// Go 1.19's type switch as its compiler emits it (cmd/compile/internal/walk/switch.go,
// typeSwitch.flush and binarySearch): the interface's type word is tested for nil, the type's
// hash (runtime._type.hash, at +0x10) is loaded once, the cases are sorted by hash and
// binary-searched (split while 4 or more remain, then tested in order), and a hash match is
// confirmed by one type-word compare. So a case costs what its place in hash order costs, not
// its place in the source: 3 or 4 hash compares for each of 8 cases.
struct GoType {  // the head of runtime._type: what a type switch reads
  std::uintptr_t size;
  std::uintptr_t ptrdata;
  std::uint32_t hash;
};
struct GoAny {  // an `any`: type word and data word
  const GoType* type;
  const int* data;
};
// The hashes go1.19 gave the twin's tsCase0..tsCase7 (the constants of its compiled typeSwitch,
// `go tool objdump -s typeSwitch`), so this model searches them in the twin's order: tsCase7 and
// tsCase0 both sit first in a pair of leaves, three hash compares each.
constexpr std::array<std::uint32_t, kCases> kGoTypeHash = {
    0xf4f81984, 0x2c8be623, 0x62db3888, 0x7779c40d, 0xf7d97fa9, 0x757a3391, 0x275647a1, 0x1a07c36e};
template <int K>
constexpr GoType kGoType{sizeof(int), 0, kGoTypeHash[K]};
// Case indices in ascending hash order, as typeSwitch.flush sorts them.
constexpr std::array<int, kCases> kByHash = [] {
  std::array<int, kCases> order{};
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [](int a, int b) { return kGoTypeHash[a] < kGoTypeHash[b]; });
  return order;
}();

// binarySearch's leaves: `if h == hash { if type == T { body } else default }`, in order.
template <int I, int Hi>
[[gnu::always_inline]] inline int go_switch_leaves(std::uint32_t h, const GoAny& x) {
  if constexpr (I == Hi) {
    return -1;
  } else {
    constexpr int kCase = kByHash[I];
    if (h == kGoTypeHash[kCase]) return x.type == &kGoType<kCase> ? handle<kCase>(*x.data) : -1;
    return go_switch_leaves<I + 1, Hi>(h, x);
  }
}
// binarySearch: below 4 cases test in order, else split on `h <= hash[half-1]`.
template <int Lo, int Hi>
[[gnu::always_inline]] inline int go_switch_search(std::uint32_t h, const GoAny& x) {
  if constexpr (Hi - Lo < 4) {
    return go_switch_leaves<Lo, Hi>(h, x);
  } else {
    constexpr int kHalf = Lo + (Hi - Lo) / 2;
    if (h <= kGoTypeHash[kByHash[kHalf - 1]]) return go_switch_search<Lo, kHalf>(h, x);
    return go_switch_search<kHalf, Hi>(h, x);
  }
}
// Out of line, as the twin's typeSwitch is (//go:noinline): one call per switch on both sides.
[[gnu::noinline]] int switch_go(const GoAny& x) {
  if (x.type == nullptr) return -1;
  return go_switch_search<0, kCases>(x.type->hash, x);
}
// The twin's assertChain (`if v, ok := x.(tsCase0); ok {...} else if v, ok := x.(tsCase1)...`):
// each assertion compares the interface's type word with the case type's address, in source
// order, so the last case pays 8 compares and the first 1. Out of line, as the twin's function
// is (//go:noinline). The typeid chain above reaches the type through the object (vptr,
// type_info, name: three dependent loads); an interface carries its type word itself. Go lays
// each `if` body out as the fall-through and jumps to the next test on a mismatch (JNE taken:
// 7 taken jumps before the last case's arm); __builtin_expect gives GCC's code that layout, where
// it would otherwise fall through the mismatches and jump to each arm.
template <int... K>
[[gnu::always_inline]] inline int go_assert_chain(const GoAny& x,
                                                  std::integer_sequence<int, K...>) {
  int result = -1;
  static_cast<void>(
      ((__builtin_expect(x.type == &kGoType<K>, 1) ? (result = handle<K>(*x.data), true) : false) ||
       ...));
  return result;
}
[[gnu::noinline]] int assert_chain_go(const GoAny& x) {
  return go_assert_chain(x, Cases{});
}
template <int... K>
const GoType* go_type_of(int which, std::integer_sequence<int, K...>) {
  const GoType* type = nullptr;
  static_cast<void>(((which == K ? (type = &kGoType<K>, true) : false) || ...));
  return type;
}

enum class Switch { dyncast, type_id, visit, go, go_assert };

// Builders for a case chosen at run time: index -> Case<K> / Value<K>.
template <int... K>
std::unique_ptr<Node> make_node(int which, std::integer_sequence<int, K...>) {
  std::unique_ptr<Node> node;
  static_cast<void>(((which == K ? (node = std::make_unique<Case<K>>(), true) : false) || ...));
  return node;
}
template <int... K>
AnyValue make_value(int which, int value, std::integer_sequence<int, K...>) {
  AnyValue any;
  static_cast<void>(((which == K ? (any = Value<K>{value}, true) : false) || ...));
  return any;
}

// One instance per form: the case hit is data (`which`), not a template parameter, so the first
// and the last case run the very same machine code and differ only in the objects' type. (With
// the case as a template parameter each pair ran two separately compiled loops, and std::visit's
// first and last differed by 1.5x from code layout alone.) All objects are of one case, so the
// branch pattern is constant (a hot switch that keeps seeing one type): the cost measured is the
// tests done before the match, not mispredictions. noipa: GCC would otherwise clone the function
// for each constant `which` (IPA-CP) and compile two loops again. Aligned labels: std::visit's
// first and last arms are the same three instructions, yet adding switch_go (elsewhere in this
// file) moved them to 0x...b8 and 0x...c8 and made visit/first 2.06 ns against visit/last 1.55
// on the Zen 4 guest; with each arm on its own 64-byte line they measured 0.98 and 1.09.
template <Switch kForm>
CB_NOIPA CB_ALIGN_LABELS void BM_TypeSwitch(benchmark::State& state, int which) {
  std::vector<std::unique_ptr<Node>> owned;
  std::vector<const Node*> nodes;
  std::vector<AnyValue> values;
  std::vector<int> boxed(kSwitchesPerIteration);  // an `any`'s data words
  std::vector<GoAny> anys;
  for (int i = 0; i < kSwitchesPerIteration; ++i) {
    owned.push_back(make_node(which, Cases{}));
    owned.back()->value = i;
    nodes.push_back(owned.back().get());
    values.push_back(make_value(which, i, Cases{}));
    boxed[i] = i;
    anys.push_back({go_type_of(which, Cases{}), &boxed[i]});
  }

  const auto one = [&](std::size_t i) {
    if constexpr (kForm == Switch::dyncast) return switch_dyncast(nodes[i], Cases{});
    if constexpr (kForm == Switch::type_id) return switch_typeid(nodes[i], Cases{});
    if constexpr (kForm == Switch::visit) return switch_visit(values[i]);
    if constexpr (kForm == Switch::go) return switch_go(anys[i]);
    if constexpr (kForm == Switch::go_assert) return assert_chain_go(anys[i]);
  };
  // Each form must take the arm of the case it was given (handle<K> adds K*7+1).
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (one(i) != static_cast<int>(i) + which * 7 + 1) {
      state.SkipWithError("the switch took the wrong arm");
      return;
    }
  }

  claimbench::BenchThread thread(state, kSwitchesPerIteration);
  for (auto _ : thread) {
    int sum = 0;
    for (std::size_t i = 0; i < kSwitchesPerIteration; ++i)
      sum += one(i);
    benchmark::DoNotOptimize(sum);  // its memory clobber also keeps the loads in the loop
  }
}

void BM_TypeSwitch_Dyncast(benchmark::State& state, int which) {
  BM_TypeSwitch<Switch::dyncast>(state, which);
}
void BM_TypeSwitch_Typeid(benchmark::State& state, int which) {
  BM_TypeSwitch<Switch::type_id>(state, which);
}
void BM_TypeSwitch_Visit(benchmark::State& state, int which) {
  BM_TypeSwitch<Switch::visit>(state, which);
}
void BM_TypeSwitch_Go(benchmark::State& state, int which) {
  BM_TypeSwitch<Switch::go>(state, which);
}
void BM_TypeSwitch_GoAssert(benchmark::State& state, int which) {
  BM_TypeSwitch<Switch::go_assert>(state, which);
}

constexpr int kFirst = 0;
constexpr int kLast = kCases - 1;
// clang-format off
BENCHMARK_CAPTURE(BM_TypeSwitch_Dyncast, first, kFirst)->Name("BM_TypeSwitch/dyncast/first");
BENCHMARK_CAPTURE(BM_TypeSwitch_Dyncast, last, kLast)->Name("BM_TypeSwitch/dyncast/last");
BENCHMARK_CAPTURE(BM_TypeSwitch_Typeid, first, kFirst)->Name("BM_TypeSwitch/typeid/first");
BENCHMARK_CAPTURE(BM_TypeSwitch_Typeid, last, kLast)->Name("BM_TypeSwitch/typeid/last");
BENCHMARK_CAPTURE(BM_TypeSwitch_Visit, first, kFirst)->Name("BM_TypeSwitch/visit/first");
BENCHMARK_CAPTURE(BM_TypeSwitch_Visit, last, kLast)->Name("BM_TypeSwitch/visit/last");
BENCHMARK_CAPTURE(BM_TypeSwitch_Go, first, kFirst)->Name("BM_TypeSwitch/go-switch/first");
BENCHMARK_CAPTURE(BM_TypeSwitch_Go, last, kLast)->Name("BM_TypeSwitch/go-switch/last");
BENCHMARK_CAPTURE(BM_TypeSwitch_GoAssert, first, kFirst)->Name("BM_TypeSwitch/go-assert-chain/first");
BENCHMARK_CAPTURE(BM_TypeSwitch_GoAssert, last, kLast)->Name("BM_TypeSwitch/go-assert-chain/last");
// clang-format on

// ---- BM_Generics -----------------------------------------------------------------------------

constexpr std::size_t kSortElements = 64 * 1024;  // 256 KiB of int32: in L2

const std::vector<std::int32_t>& shuffled_source() {
  static const std::vector<std::int32_t> source = [] {
    std::vector<std::int32_t> v(kSortElements);
    std::iota(v.begin(), v.end(), 0);
    std::shuffle(v.begin(), v.end(), std::mt19937_64(42));  // fixed seed: same input every run
    return v;
  }();
  return source;
}

bool less_int(std::int32_t a, std::int32_t b) {
  return a < b;
}

int compare_int(const void* a, const void* b) {
  const auto x = *static_cast<const std::int32_t*>(a);
  const auto y = *static_cast<const std::int32_t*>(b);
  return (x > y) - (x < y);
}

// sort.Slice's two closures over the []int32: `func(i, j int) bool { return work[i] < work[j] }`
// and reflectlite.Swapper's 4-byte case `is[i], is[j] = is[j], is[i]`, each indexing a captured
// slice header with Go's bounds checks (a compare and a branch to a panic per index).
struct Int32Slice {
  std::int32_t* data;
  std::size_t len;
  std::int32_t& at(std::ptrdiff_t i) const {
    if (static_cast<std::size_t>(i) >= len) [[unlikely]]
      std::abort();  // Go: panicIndex
    return data[i];
  }
};
bool slice_less(void* ctx, std::ptrdiff_t i, std::ptrdiff_t j) {
  const auto& s = *static_cast<const Int32Slice*>(ctx);
  return s.at(i) < s.at(j);
}
void slice_swap(void* ctx, std::ptrdiff_t i, std::ptrdiff_t j) {
  const auto& s = *static_cast<const Int32Slice*>(ctx);
  std::swap(s.at(i), s.at(j));
}

enum class Sort { monomorphised, function_pointer, function, qsort, slice, copy_only };

template <Sort kSort>
void BM_Generics(benchmark::State& state) {
  const auto& source = shuffled_source();
  std::vector<std::int32_t> work(kSortElements);
  // The comparators reach the sort through an opaque pointer: the compiler cannot inline them.
  bool (*less_ptr)(std::int32_t, std::int32_t) = less_int;
  int (*compare_ptr)(const void*, const void*) = compare_int;
  benchmark::DoNotOptimize(less_ptr);
  benchmark::DoNotOptimize(compare_ptr);
  // A lambda inside the std::function: one indirect call (its invoker) per compare, as through
  // less_ptr. DoNotOptimize makes its stored invoker opaque too.
  std::function<bool(std::int32_t, std::int32_t)> less_function =
      [](std::int32_t a, std::int32_t b) { return a < b; };
  benchmark::DoNotOptimize(less_function);
  // sort.Slice's lessSwap: both closures reached through pointers the compiler cannot see, as
  // pdqsort_func calls Go func values it cannot inline.
  Int32Slice slice{work.data(), work.size()};
  claimbench::go::LessSwap less_swap{&slice_less, &slice_swap, &slice};
  benchmark::DoNotOptimize(less_swap.less);
  benchmark::DoNotOptimize(less_swap.swap);

  const auto sort_once = [&] {
    std::copy(source.begin(), source.end(), work.begin());
    if constexpr (kSort == Sort::monomorphised) std::sort(work.begin(), work.end());
    if constexpr (kSort == Sort::function_pointer) std::sort(work.begin(), work.end(), less_ptr);
    if constexpr (kSort == Sort::function) std::sort(work.begin(), work.end(), less_function);
    if constexpr (kSort == Sort::qsort)
      std::qsort(work.data(), work.size(), sizeof(std::int32_t), compare_ptr);
    if constexpr (kSort == Sort::slice)
      claimbench::go::sort_slice(less_swap, static_cast<std::ptrdiff_t>(work.size()));
  };
  sort_once();
  if (kSort != Sort::copy_only && !std::is_sorted(work.begin(), work.end())) {
    state.SkipWithError("the result is not sorted");
    return;
  }

  claimbench::BenchThread thread(state, kSortElements);  // one op = one element sorted
  for (auto _ : thread) {
    sort_once();
    benchmark::DoNotOptimize(work.data());
    benchmark::ClobberMemory();
  }
}

BENCHMARK_TEMPLATE(BM_Generics, Sort::monomorphised)->Name("BM_Generics/std-sort");
BENCHMARK_TEMPLATE(BM_Generics, Sort::function_pointer)->Name("BM_Generics/fnptr-sort");
BENCHMARK_TEMPLATE(BM_Generics, Sort::function)->Name("BM_Generics/std-function-sort");
BENCHMARK_TEMPLATE(BM_Generics, Sort::qsort)->Name("BM_Generics/qsort");
BENCHMARK_TEMPLATE(BM_Generics, Sort::slice)->Name("BM_Generics/slice-sort");
BENCHMARK_TEMPLATE(BM_Generics, Sort::copy_only)->Name("BM_Generics/copy-only");

}  // namespace
