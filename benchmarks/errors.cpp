// Errors as values vs exceptions, and reflection-style field access
// (claims/exceptions-vs-errors.toml, claims/reflection-cost.toml).
//
// BM_Errors: a call three functions deep (top -> mid -> leaf, each noipa so the calls and the
// propagation stay as written) whose leaf "parses" its input and fails on a negative one. The
// failure travels back as a thrown exception caught in the benchmark loop (the C++ reference),
// as a Go panic recovered at a boundary (a model of Go's runtime, analogues/go_panic.hpp: a
// defer record, the stack walked as Go's gentraceback walks it, longjmp back), as
// std::expected<int, Errc> checked and returned at every level (Go's `if err != nil { return
// err }`, with a sentinel error that does not allocate), as an error code with an out
// parameter, and as std::expected<int, std::string> whose message is built at the failure (one
// heap allocation, the model of errors.New / fmt.Errorf at the call site). Happy path: every
// input valid; failing path: every input fails at the leaf.
//
// BM_Reflection: read one int64 field ("Updated", the 7th of 8) from each of 256 structs,
// directly (a load at a fixed offset), through the model of reflect with the field index found
// once (reflect.ValueOf(&o).Elem().Field(idx).Int()), or with a by-name lookup on every read
// (reflect.ValueOf(&o).Elem().FieldByName("Updated").Int()). analogues/reflect.hpp models Go's
// reflect with its layout and call structure (see there): the eface and escapes() check of
// ValueOf, Elem's and Field's flag arithmetic, FieldByName decoding each field's name bytes,
// building a StructField with its Index allocation, and gc's duffzero/duffcopy of that 104-byte
// result at each level.
//
// Disassembly (objdump -d --no-show-raw-insn build/release/bench | c++filt, g++ 12.2 -O3 -g,
// x86-64 baseline SSE2, no -march), checked for each hot loop:
//  - BM_Errors timed loops: 16 `call top_<style>` per iteration, none hoisted. top and mid are
//    each a real call to the next level; the expected levels test the has-value byte (bit 32 of
//    RAX: std::expected<int, Errc> comes back in one register) and branch; the throw levels have
//    no test at all. leaf_throw's failing arm is in .cold: __cxa_allocate_exception(4) then
//    __cxa_throw; the catch is a landing pad in the benchmark's .cold part (__cxa_begin_catch,
//    read the code, __cxa_end_catch). panic: the loop calls call_panic 16 times; call_panic
//    stores the record (closure pointer, bits byte, its CFA), links it through %fs, calls
//    _setjmp, calls top_panic, unlinks, tests the bits byte and calls the closure indirectly
//    (`call *0x20(%rsp)`: the pointer is reloaded after top_panic, not devirtualised), which
//    calls go_recover. leaf_panic's failing arm stores 22 and calls go_panic<long> (noinline, as
//    gopanic is a call), which builds the box (kGoTypeOf<long>, &kStaticUint64s[22]: no
//    allocation), calls run_defers with its caller's return address and CFA (where the walk
//    starts), then `call longjmp` (not folded: the jump is the only way out). leaf_message
//    builds its 27-byte string with operator new (counted: 1 alloc per failing call); mid/top
//    move it without allocating.
//  - BM_Reflection direct: `add (%rax),%rdx; add $0x38,%rax` per struct (the 56-byte stride),
//    scalar, not unrolled. cached, per struct: the inlined ValueOf (`cmpb $0x0,dummy`, the
//    kind byte at +0x17 of the *Order descriptor, the kindDirectIface test, the flag word),
//    `call Value::elem` (kind compare, indir test, nil test, ptrType.elem, its kind byte, flags),
//    `call Value::field` (kind compare, bounds check, fields[i].typ's kind byte, the name's
//    exported bit, offset add) and the inlined Int (kind through a jump table, one load).
//    uncached, per struct: ValueOf, `call Value::elem`, `call Value::field_by_name`: 4 calls to
//    duffzero, 7 to duffcopy, type_field_by_name -> StructType::field_by_name (per field
//    `call Name::name` decoding the varint, a length compare, `call memcmp` for "Created" and
//    "Updated", the embedded bit), StructType::field (`call Name::name`, `call Name::tag`,
//    `call operator new[]` for Index), Value::field_by_index -> Value::field, then one
//    `call operator delete[]` when the StructField dies. Nothing hoisted: every call is noipa
//    (Go does not inline them either) and the loop has 256 of each.
#include <array>
#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analogues/go_any.hpp"
#include "analogues/go_panic.hpp"
#include "analogues/reflect.hpp"
#include "claimbench/measure/bench.hpp"
#include "codegen.hpp"

namespace {

namespace go = claimbench::go;

// ---- BM_Errors -------------------------------------------------------------------------------

constexpr int kCallsPerIteration = 16;  // one op = one top-level call
constexpr int kFailCode = 22;

enum class Errc : int { ok = 0, negative = kFailCode };
struct ParseError {  // small, no message: the throw's cost is the unwinding, not a string
  int code;
};

// Each style returns value-or-error up the same three frames. noipa: no inlining, cloning or
// interprocedural constant propagation, so each level really calls the next and really checks.

// panic/recover: the leaf throws; the middle frames carry no checks (zero-cost happy path).
CB_NOIPA int leaf_throw(int x) {
  if (x < 0) throw ParseError{kFailCode};
  return x * 3 + 1;
}
CB_NOIPA int mid_throw(int x) {
  return leaf_throw(x) + 1;
}
CB_NOIPA int top_throw(int x) {
  return mid_throw(x) + 1;
}

// Errors as values that do not allocate (Go: `return 0, ErrNegative`, a sentinel).
using Result = std::expected<int, Errc>;
CB_NOIPA Result leaf_expected(int x) {
  if (x < 0) return std::unexpected(Errc::negative);
  return x * 3 + 1;
}
CB_NOIPA Result mid_expected(int x) {
  const Result r = leaf_expected(x);
  if (!r) return std::unexpected(r.error());
  return *r + 1;
}
CB_NOIPA Result top_expected(int x) {
  const Result r = mid_expected(x);
  if (!r) return std::unexpected(r.error());
  return *r + 1;
}

// C-style: an error code returned, the value through an out parameter.
CB_NOIPA Errc leaf_code(int x, int* out) {
  if (x < 0) return Errc::negative;
  *out = x * 3 + 1;
  return Errc::ok;
}
CB_NOIPA Errc mid_code(int x, int* out) {
  int v = 0;
  if (const Errc e = leaf_code(x, &v); e != Errc::ok) return e;
  *out = v + 1;
  return Errc::ok;
}
CB_NOIPA Errc top_code(int x, int* out) {
  int v = 0;
  if (const Errc e = mid_code(x, &v); e != Errc::ok) return e;
  *out = v + 1;
  return Errc::ok;
}

// Errors as values that allocate (Go: errors.New or fmt.Errorf at the failure). The message is
// longer than std::string's 15-byte small buffer, so building it is one heap allocation; moving
// it up the frames is not.
using MessageResult = std::expected<int, std::string>;
CB_NOIPA MessageResult leaf_message(int x) {
  if (x < 0) return std::unexpected(std::string("parse: negative input value"));
  return x * 3 + 1;
}
CB_NOIPA MessageResult mid_message(int x) {
  MessageResult r = leaf_message(x);
  if (!r) return std::unexpected(std::move(r.error()));
  return *r + 1;
}
CB_NOIPA MessageResult top_message(int x) {
  MessageResult r = mid_message(x);
  if (!r) return std::unexpected(std::move(r.error()));
  return *r + 1;
}

// panic/recover, modelled on Go's mechanism (analogues/go_panic.hpp) rather than on C++'s
// exceptions: the leaf boxes its value and panics, the panic walks the stack (Go's two steps per
// frame: analogues/frame_walk.hpp) to the frame that holds the recover boundary, runs its
// deferred closure (which recovers) and jumps back into that frame with longjmp. The frames in
// between are skipped without running anything: leaf, mid and top hold only ints (nothing to
// destroy; Go would run their defers, and they have none), and go_panic destroys its box and
// record before it jumps.
CB_NOIPA int leaf_panic(int x) {
  // Go: panic(parseError{22}): an 8-byte pointer-free value below 256 boxes through
  // convT64 into staticuint64s, no allocation; GoAny applies the same rule to the int64.
  if (x < 0) go::go_panic(std::int64_t{kFailCode});
  return x * 3 + 1;
}
CB_NOIPA int mid_panic(int x) {
  return leaf_panic(x) + 1;
}
CB_NOIPA int top_panic(int x) {
  return mid_panic(x) + 1;
}

// func() { if e := recover(); e != nil { r = -e.(parseError).code } }: called through the
// record's pointer on every way out, as go1.19 calls an open-coded defer's closure.
CB_NOIPA void deferred_recover(go::Defer& d) {
  const go::GoAny e = go::go_recover();
  if (std::int64_t code = 0; e.as(code))
    *static_cast<volatile int*>(d.env) = -static_cast<int>(code);
}

// The Go twin's callPanic, the seeds' pattern: a protected call pays for its recover boundary
// even when nothing panics (Go twin: 14.7 ns against 6.4 for the error-value call). Happy path
// here: link the record (defer_push), record the resume point (setjmp: ~3 ns, Go's is static
// funcdata plus the sp its walk finds), call, then deferreturn calls the closure, which calls
// go_recover (nil). After a recovery setjmp returns 1: the panic has run the closure and
// unlinked the record, so nothing reads d again (its fields changed after setjmp), and r is
// volatile (the closure writes it between setjmp and longjmp).
CB_NOIPA int call_panic(int x) {
  volatile int r = 0;  // Go's named result, in memory: the closure captures it
  go::Defer d;
  go::defer_push(d, &deferred_recover, &r, __builtin_dwarf_cfa());
  if (setjmp(d.resume) == 0) {
    r = top_panic(x);
    go::deferreturn(d);
  }
  return r;
}

enum class Style { throw_catch, panic_recover, expected, error_code, expected_alloc };

// The value for a valid input, or minus the error code: what the caller does with either.
template <Style kStyle>
int call(int x) {
  if constexpr (kStyle == Style::throw_catch) {
    try {
      return top_throw(x);
    } catch (const ParseError& e) {
      return -e.code;
    }
  }
  if constexpr (kStyle == Style::panic_recover) {
    return call_panic(x);
  }
  if constexpr (kStyle == Style::expected) {
    const Result r = top_expected(x);
    return r ? *r : -static_cast<int>(r.error());
  }
  if constexpr (kStyle == Style::error_code) {
    int v = 0;
    const Errc e = top_code(x, &v);
    return e == Errc::ok ? v : -static_cast<int>(e);
  }
  if constexpr (kStyle == Style::expected_alloc) {
    const MessageResult r = top_message(x);
    return r ? *r : -(r.error().empty() ? 0 : kFailCode);
  }
}

template <Style kStyle, bool kFail>
void BM_Errors(benchmark::State& state) {
  std::array<int, kCallsPerIteration> inputs{};
  for (int i = 0; i < kCallsPerIteration; ++i)
    inputs[static_cast<std::size_t>(i)] = kFail ? -(i + 1) : i + 1;
  // Every style must return the value on success and the error on failure.
  if (call<kStyle>(5) != 5 * 3 + 3 || call<kStyle>(-5) != -kFailCode) {
    state.SkipWithError("the call chain returns the wrong value or error");
    return;
  }

  claimbench::BenchThread thread(state, kCallsPerIteration);
  for (auto _ : thread) {
    int sum = 0;
    for (const int x : inputs)
      sum += call<kStyle>(x);
    benchmark::DoNotOptimize(sum);
  }
}

// clang-format off
BENCHMARK_TEMPLATE(BM_Errors, Style::throw_catch, false)->Name("BM_Errors/throw/happy");
BENCHMARK_TEMPLATE(BM_Errors, Style::throw_catch, true)->Name("BM_Errors/throw/fail");
BENCHMARK_TEMPLATE(BM_Errors, Style::panic_recover, false)->Name("BM_Errors/panic/happy");
BENCHMARK_TEMPLATE(BM_Errors, Style::panic_recover, true)->Name("BM_Errors/panic/fail");
BENCHMARK_TEMPLATE(BM_Errors, Style::expected, false)->Name("BM_Errors/expected/happy");
BENCHMARK_TEMPLATE(BM_Errors, Style::expected, true)->Name("BM_Errors/expected/fail");
BENCHMARK_TEMPLATE(BM_Errors, Style::error_code, false)->Name("BM_Errors/errcode/happy");
BENCHMARK_TEMPLATE(BM_Errors, Style::error_code, true)->Name("BM_Errors/errcode/fail");
BENCHMARK_TEMPLATE(BM_Errors, Style::expected_alloc, true)->Name("BM_Errors/expected-alloc/fail");
// clang-format on

// ---- BM_Reflection ---------------------------------------------------------------------------

namespace reflect = claimbench::go;

// Go: type Order struct { ID int64; Quantity, Status int32; Price float64; Customer, Created,
// Updated, Shipped int64 }.
struct Order {
  std::int64_t id;
  std::int32_t quantity;
  std::int32_t status;
  double price;
  std::int64_t customer;
  std::int64_t created;
  std::int64_t updated;
  std::int64_t shipped;
};
static_assert(sizeof(Order) == 56);

constexpr std::size_t kOrders = 256;  // 14 KiB: in L1, so every variant reads from L1
constexpr std::string_view kField = "Updated";

// The descriptors Go's compiler emits for int64, int32, float64, Order and *Order.
constexpr reflect::RType kInt64Type = reflect::basic_type(reflect::Kind::int64, 8);
constexpr reflect::RType kInt32Type = reflect::basic_type(reflect::Kind::int32, 4);
constexpr reflect::RType kFloat64Type = reflect::basic_type(reflect::Kind::float64, 8);

const reflect::StructType& order_type() {
  static const reflect::StructType type("claimbench/twins", sizeof(Order), alignof(Order),
                                        {
                                            {"ID", &kInt64Type, offsetof(Order, id)},
                                            {"Quantity", &kInt32Type, offsetof(Order, quantity)},
                                            {"Status", &kInt32Type, offsetof(Order, status)},
                                            {"Price", &kFloat64Type, offsetof(Order, price)},
                                            {"Customer", &kInt64Type, offsetof(Order, customer)},
                                            {"Created", &kInt64Type, offsetof(Order, created)},
                                            {"Updated", &kInt64Type, offsetof(Order, updated)},
                                            {"Shipped", &kInt64Type, offsetof(Order, shipped)},
                                        });
  return type;
}
const reflect::PtrType& order_ptr_type() {
  static const reflect::PtrType type(&order_type());
  return type;
}

// Go compiles none of these loops to SIMD, so none is vectorised here (only direct could be).
// cached and uncached are the twin's expressions: reflect.ValueOf(&orders[i]).Elem().Field(idx)
// .Int() and reflect.ValueOf(&orders[i]).Elem().FieldByName("Updated").Int().
CB_SCALAR_BUILD std::int64_t sum_direct(const Order* orders) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < kOrders; ++i)
    sum += orders[i].updated;
  return sum;
}
CB_SCALAR_BUILD std::int64_t sum_cached(const Order* orders, std::size_t idx) {
  const reflect::PtrType& ptr_type = order_ptr_type();
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < kOrders; ++i)
    sum += reflect::value_of(reflect::box_pointer(ptr_type, &orders[i])).elem().field(idx).int_();
  return sum;
}
CB_SCALAR_BUILD std::int64_t sum_uncached(const Order* orders, std::string_view name) {
  const reflect::PtrType& ptr_type = order_ptr_type();
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < kOrders; ++i)
    sum += reflect::value_of(reflect::box_pointer(ptr_type, &orders[i]))
               .elem()
               .field_by_name(name)
               .int_();
  return sum;
}

enum class Access { direct, cached, uncached };

template <Access kAccess>
void BM_Reflection(benchmark::State& state) {
  std::vector<Order> orders(kOrders);
  std::int64_t expected = 0;
  for (std::size_t i = 0; i < kOrders; ++i) {
    const auto v = static_cast<std::int64_t>(i);
    orders[i] = Order{v, 1, 2, 3.0, v * 2, v * 3, v * 5 + 1, v * 7};
    expected += orders[i].updated;
  }
  reflect::StructField found;  // the cache: looked up once, as the twin does before its loop
  if (!reflect::type_field_by_name(order_type(), kField, found) || found.index.len != 1) {
    state.SkipWithError("reflect found no field Updated");
    return;
  }
  const auto idx = static_cast<std::size_t>(found.index.data[0]);

  const auto run = [&] {
    if constexpr (kAccess == Access::direct) return sum_direct(orders.data());
    if constexpr (kAccess == Access::cached) return sum_cached(orders.data(), idx);
    if constexpr (kAccess == Access::uncached) return sum_uncached(orders.data(), kField);
  };
  if (run() != expected) {
    state.SkipWithError("the access read the wrong field");
    return;
  }

  claimbench::BenchThread thread(state, kOrders);  // one op = one field read
  std::size_t step = 0;
  for (auto _ : thread) {
    orders[step++ % kOrders].updated += 1;  // fresh data: the sum is not loop-invariant
    std::int64_t sum = run();
    benchmark::DoNotOptimize(sum);
  }
}

BENCHMARK_TEMPLATE(BM_Reflection, Access::direct)->Name("BM_Reflection/direct");
BENCHMARK_TEMPLATE(BM_Reflection, Access::cached)->Name("BM_Reflection/cached");
BENCHMARK_TEMPLATE(BM_Reflection, Access::uncached)->Name("BM_Reflection/uncached");

}  // namespace
