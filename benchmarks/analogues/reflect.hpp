#pragma once
/// A model of the part of Go's reflect package that field access by name uses: a struct type
/// descriptor (reflect.Type), FieldByName as a linear scan comparing names (as
/// reflect's structType.FieldByName does for a struct without embedded fields), and typed reads
/// through a field descriptor (reflect.Value.Field(i).Int() / .Float()), which check the kind and
/// panic on a mismatch.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace claimbench::go {

/// The kinds the model knows (reflect.Kind, abridged).
enum class Kind : std::uint8_t { int32, int64, float64 };

/// One field of a struct: what reflect.StructField carries that access needs.
struct StructField {
  std::string_view name;
  std::size_t offset = 0;
  Kind kind = Kind::int64;
  std::size_t index = 0;
};

/// A struct's type descriptor: its fields in declaration order.
class StructType {
 public:
  explicit StructType(std::vector<StructField> fields) : fields_(std::move(fields)) {
    for (std::size_t i = 0; i < fields_.size(); ++i)
      fields_[i].index = i;
  }

  std::size_t num_field() const { return fields_.size(); }
  const StructField& field(std::size_t i) const { return fields_.at(i); }

  /// FieldByName: compares the name with every field's in order; nullopt when none matches.
  std::optional<StructField> field_by_name(std::string_view name) const {
    for (const StructField& f : fields_) {
      if (f.name == name) return f;
    }
    return std::nullopt;
  }

 private:
  std::vector<StructField> fields_;
};

/// Thrown where Go's reflect panics (Value.Int on a float field, say).
class ReflectPanic : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Value.Field(i).Int(): the integer field `field` of the struct at `base`, sign-extended.
inline std::int64_t field_int(const void* base, const StructField& field) {
  const auto* at = static_cast<const unsigned char*>(base) + field.offset;
  switch (field.kind) {
    case Kind::int32: {
      std::int32_t v;
      std::memcpy(&v, at, sizeof v);
      return v;
    }
    case Kind::int64: {
      std::int64_t v;
      std::memcpy(&v, at, sizeof v);
      return v;
    }
    case Kind::float64:
      break;
  }
  throw ReflectPanic("reflect: call of Value.Int on a float64 field");
}

/// Value.Field(i).Float(): the float64 field `field` of the struct at `base`.
inline double field_float(const void* base, const StructField& field) {
  if (field.kind != Kind::float64)
    throw ReflectPanic("reflect: call of Value.Float on an int field");
  double v;
  std::memcpy(&v, static_cast<const unsigned char*>(base) + field.offset, sizeof v);
  return v;
}

}  // namespace claimbench::go
