// Tests for the model of Go's reflect (analogues/reflect.hpp): name encoding, type descriptors,
// FieldByName, and Value's ValueOf / Elem / Field / Int chain.
#include <catch2/catch.hpp>

#include "analogues/reflect.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace reflect = claimbench::go;
using reflect::Kind;
using reflect::ReflectPanic;

namespace {
struct Row {
  std::int64_t id;
  std::int32_t delta;
  double price;
  std::int32_t count;
  std::int64_t secret;
};

constexpr reflect::RType kInt64 = reflect::basic_type(Kind::int64, 8);
constexpr reflect::RType kInt32 = reflect::basic_type(Kind::int32, 4);
constexpr reflect::RType kFloat64 = reflect::basic_type(Kind::float64, 8);

const reflect::StructType& row_type() {
  static const reflect::StructType type("example.com/rows", sizeof(Row), alignof(Row),
                                        {
                                            {"ID", &kInt64, offsetof(Row, id), "json:\"id\""},
                                            {"Delta", &kInt32, offsetof(Row, delta)},
                                            {"Price", &kFloat64, offsetof(Row, price)},
                                            {"Count", &kInt32, offsetof(Row, count)},
                                            {"secret", &kInt64, offsetof(Row, secret)},
                                        });
  return type;
}

reflect::Value elem_of(const Row& row) {
  static const reflect::PtrType ptr_type(&row_type());
  return reflect::value_of(reflect::box_pointer(ptr_type, &row)).elem();
}
}  // namespace

TEST_CASE("reflect: names use Go's encoding (flags, varint length, bytes, tag)",
          "[analogues][reflect]") {
  const auto plain = reflect::Name::encode("Price", {}, true, false);
  REQUIRE(plain.size() == 1 + 1 + 5);
  CHECK(plain[0] == 0x1);  // exported
  CHECK(plain[1] == 5);
  const reflect::Name n(plain.data());
  CHECK(n.name() == "Price");
  CHECK(n.is_exported());
  CHECK_FALSE(n.has_tag());
  CHECK(n.tag().empty());

  const auto tagged = reflect::Name::encode("ID", "json:\"id\"", true, false);
  const reflect::Name t(tagged.data());
  CHECK(t.has_tag());
  CHECK(t.name() == "ID");
  CHECK(t.tag() == "json:\"id\"");

  const std::string long_name(200, 'x');  // a two-byte varint: 200 = 0xc8 0x01
  const auto wide = reflect::Name::encode(long_name, {}, false, true);
  CHECK(wide[1] == 0xc8);
  CHECK(wide[2] == 0x01);
  const reflect::Name w(wide.data());
  CHECK(w.name() == long_name);
  CHECK(w.embedded());
  CHECK_FALSE(w.is_exported());
}

TEST_CASE("reflect: descriptors keep Go's kinds and field order", "[analogues][reflect]") {
  const reflect::StructType& type = row_type();
  CHECK(type.kind_of() == Kind::struct_);
  REQUIRE(type.num_field() == 5);
  CHECK(type.field_desc(0).name.name() == "ID");
  CHECK(type.field_desc(4).name.name() == "secret");
  CHECK(type.field_desc(2).typ->kind_of() == Kind::float64);
  const reflect::PtrType ptr(&type);
  CHECK(ptr.kind_of() == Kind::pointer);
  CHECK((ptr.kind & reflect::kKindDirectIface) != 0);  // a pointer is an eface's data word
}

TEST_CASE("reflect: FieldByName builds the whole StructField", "[analogues][reflect]") {
  const reflect::StructType& type = row_type();
  reflect::StructField price;
  REQUIRE(type.field_by_name("Price", price));
  CHECK(price.name == "Price");
  CHECK(price.offset == offsetof(Row, price));
  CHECK(price.type.data == &kFloat64);
  CHECK(price.pkg_path.empty());
  REQUIRE(price.index.len == 1);
  CHECK(price.index.data[0] == 2);

  reflect::StructField id;
  REQUIRE(reflect::type_field_by_name(type, "ID", id));
  CHECK(id.tag == "json:\"id\"");
  CHECK(id.index.data[0] == 0);

  const reflect::StructField count = type.field(3);  // Type.Field(i): the same StructField
  CHECK(count.name == "Count");
  CHECK(count.offset == offsetof(Row, count));
  REQUIRE(count.index.len == 1);
  CHECK(count.index.data[0] == 3);
  CHECK_THROWS_AS(type.field(5), ReflectPanic);

  reflect::StructField secret;
  REQUIRE(type.field_by_name("secret", secret));
  CHECK(secret.pkg_path == "example.com/rows");  // unexported: the struct's package path
}

TEST_CASE("reflect: FieldByName misses unknown names, prefixes and case changes",
          "[analogues][reflect]") {
  const reflect::StructType& type = row_type();
  reflect::StructField f;
  CHECK_FALSE(type.field_by_name("Missing", f));
  CHECK_FALSE(type.field_by_name("Pri", f));
  CHECK_FALSE(type.field_by_name("price", f));
  CHECK_FALSE(type.field_by_name("", f));
  CHECK(f.index.len == 0);  // a miss leaves the zero StructField
  CHECK_THROWS_AS(reflect::type_field_by_name(kInt64, "ID", f), ReflectPanic);
}

TEST_CASE("reflect: ValueOf(&row).Elem() addresses the struct", "[analogues][reflect]") {
  const Row row{-1234567890123, -7, 2.5, 41, 9};
  const reflect::Value v = elem_of(row);
  CHECK(v.kind() == Kind::struct_);
  CHECK(v.type() == &row_type());
  CHECK(reflect::value_of(reflect::Eface{}).is_valid() == false);  // ValueOf(nil)
}

TEST_CASE("reflect: Field(i) and FieldByName read the field's value", "[analogues][reflect]") {
  const Row row{-1234567890123, -7, 2.5, 41, 9};
  const reflect::Value v = elem_of(row);
  CHECK(v.field(0).int_() == -1234567890123);
  CHECK(v.field(1).int_() == -7);  // sign-extended from int32
  CHECK(v.field(2).float_() == 2.5);
  CHECK(v.field_by_name("Count").int_() == 41);
  CHECK(v.field_by_name("secret").int_() == 9);
  CHECK_FALSE(v.field_by_name("Missing").is_valid());
  CHECK_THROWS_AS(v.field(5), ReflectPanic);
}

TEST_CASE("reflect: a read of the wrong kind panics", "[analogues][reflect]") {
  const Row row{1, 2, 3.0, 4, 5};
  const reflect::Value v = elem_of(row);
  CHECK_THROWS_AS(v.field(2).int_(), ReflectPanic);
  CHECK_THROWS_AS(v.field(0).float_(), ReflectPanic);
  CHECK_THROWS_AS(v.field(0).elem(), ReflectPanic);    // Elem of an int64
  CHECK_THROWS_AS(v.field(0).field(0), ReflectPanic);  // Field of a non-struct
}
