// Tests for claimbench::go::GoAny: Go's rule for which interface conversions allocate.
#include <catch2/catch.hpp>

#include "analogues/go_any.hpp"

#include <cstdint>
#include <string_view>

using claimbench::go::GoAny;
using claimbench::go::kStaticUint64s;
using claimbench::go::kZeroVal;

namespace {
struct Empty {};
struct Big64 {
  std::int64_t f[8];
};
}  // namespace

TEST_CASE("GoAny: an int64 of 256 or more is copied to the heap (convT64)", "[analogues][go_any]") {
  const GoAny box(std::int64_t{1000});
  CHECK(box.boxed());
  CHECK(GoAny::word_for(std::int64_t{256}) == GoAny::Word::heap);
  std::int64_t out = 0;
  REQUIRE(box.as(out));
  CHECK(out == 1000);
}

TEST_CASE("GoAny: integers below 256 point into staticuint64s, at every size",
          "[analogues][go_any]") {
  const GoAny i64(std::int64_t{255});
  const GoAny u16(std::uint16_t{7});
  const GoAny i32(std::int32_t{0});
  CHECK_FALSE(i64.boxed());
  CHECK(i64.data() == &kStaticUint64s[255]);
  CHECK(u16.data() == &kStaticUint64s[7]);
  CHECK(i32.data() == &kStaticUint64s[0]);
  std::uint16_t small = 0;
  REQUIRE(u16.as(small));
  CHECK(small == 7);
}

TEST_CASE("GoAny: a negative integer is a large unsigned value and allocates",
          "[analogues][go_any]") {
  const GoAny box(std::int32_t{-1});
  CHECK(box.boxed());
  std::int32_t out = 0;
  REQUIRE(box.as(out));
  CHECK(out == -1);
}

TEST_CASE("GoAny: one-byte values never allocate", "[analogues][go_any]") {
  const GoAny box(std::uint8_t{200});
  CHECK_FALSE(box.boxed());
  CHECK(box.data() == &kStaticUint64s[200]);
  std::uint8_t out = 0;
  REQUIRE(box.as(out));
  CHECK(out == 200);
}

TEST_CASE("GoAny: a pointer is the data word itself", "[analogues][go_any]") {
  Big64 value{};
  const GoAny box(&value);
  CHECK_FALSE(box.boxed());
  CHECK(box.data() == &value);
  Big64* out = nullptr;
  REQUIRE(box.as(out));
  CHECK(out == &value);
}

TEST_CASE("GoAny: zero-sized values and the empty string point at zeroVal", "[analogues][go_any]") {
  const GoAny empty(Empty{});
  const GoAny no_text(std::string_view{});
  const GoAny text(std::string_view{"x"});
  CHECK(empty.data() == kZeroVal.data());
  CHECK(no_text.data() == kZeroVal.data());
  CHECK_FALSE(empty.boxed());
  CHECK(text.boxed());  // a non-empty string's header is copied (16 bytes)
  std::string_view out;
  REQUIRE(text.as(out));
  CHECK(out == "x");
}

TEST_CASE("GoAny: a 64-byte struct is copied, and the type assertion checks the type word",
          "[analogues][go_any]") {
  Big64 value{};
  value.f[7] = 42;
  GoAny box(value);
  CHECK(box.boxed());
  Big64 out{};
  REQUIRE(box.as(out));
  CHECK(out.f[7] == 42);
  std::int64_t wrong = 0;
  CHECK_FALSE(box.as(wrong));
  GoAny moved(std::move(box));
  CHECK(moved.boxed());
  CHECK_FALSE(box.boxed());  // NOLINT(bugprone-use-after-move): the moved-from state is defined
  REQUIRE(moved.as(out));
  CHECK(out.f[7] == 42);
}
