// Tests for claimbench::go::StructType and the typed field reads (analogues/reflect.hpp).
#include <catch2/catch.hpp>

#include "analogues/reflect.hpp"

#include <cstddef>
#include <cstdint>

using claimbench::go::field_float;
using claimbench::go::field_int;
using claimbench::go::Kind;
using claimbench::go::ReflectPanic;
using claimbench::go::StructField;
using claimbench::go::StructType;

namespace {
struct Row {
  std::int64_t id;
  std::int32_t delta;
  double price;
  std::int32_t count;
};

StructType row_type() {
  return StructType({
      {"ID", offsetof(Row, id), Kind::int64},
      {"Delta", offsetof(Row, delta), Kind::int32},
      {"Price", offsetof(Row, price), Kind::float64},
      {"Count", offsetof(Row, count), Kind::int32},
  });
}
}  // namespace

TEST_CASE("reflect: fields keep declaration order and indices", "[analogues][reflect]") {
  const StructType type = row_type();
  REQUIRE(type.num_field() == 4);
  CHECK(type.field(0).name == "ID");
  CHECK(type.field(3).name == "Count");
  for (std::size_t i = 0; i < type.num_field(); ++i)
    CHECK(type.field(i).index == i);
}

TEST_CASE("reflect: FieldByName finds each field's offset and kind", "[analogues][reflect]") {
  const StructType type = row_type();
  const auto price = type.field_by_name("Price");
  REQUIRE(price.has_value());
  CHECK(price->offset == offsetof(Row, price));
  CHECK(price->kind == Kind::float64);
  CHECK(price->index == 2);
  const auto count = type.field_by_name("Count");
  REQUIRE(count.has_value());
  CHECK(count->offset == offsetof(Row, count));
  CHECK(count->index == 3);
}

TEST_CASE("reflect: FieldByName misses unknown names, prefixes and case changes",
          "[analogues][reflect]") {
  const StructType type = row_type();
  CHECK_FALSE(type.field_by_name("Missing").has_value());
  CHECK_FALSE(type.field_by_name("Pri").has_value());
  CHECK_FALSE(type.field_by_name("price").has_value());
  CHECK_FALSE(type.field_by_name("").has_value());
}

TEST_CASE("reflect: typed reads return the field's value", "[analogues][reflect]") {
  const StructType type = row_type();
  const Row row{-1234567890123, -7, 2.5, 41};
  CHECK(field_int(&row, *type.field_by_name("ID")) == -1234567890123);
  CHECK(field_int(&row, *type.field_by_name("Delta")) == -7);  // sign-extended from int32
  CHECK(field_int(&row, *type.field_by_name("Count")) == 41);
  CHECK(field_float(&row, *type.field_by_name("Price")) == 2.5);
}

TEST_CASE("reflect: a read of the wrong kind panics", "[analogues][reflect]") {
  const StructType type = row_type();
  const Row row{1, 2, 3.0, 4};
  CHECK_THROWS_AS(field_int(&row, *type.field_by_name("Price")), ReflectPanic);
  CHECK_THROWS_AS(field_float(&row, *type.field_by_name("ID")), ReflectPanic);
}
