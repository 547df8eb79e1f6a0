#pragma once
/// A model of the part of Go's reflect package (go1.19 src/reflect/type.go, value.go) that reading
/// a struct field uses, with Go's data layout and Go's call structure: type descriptors (rtype,
/// ptrType, structType) whose field names are Go's encoded name bytes, an eface, and Value
/// (type, pointer, flag word) with ValueOf, Elem, Field, FieldByName, FieldByIndex and Int.
///
/// What the model keeps, because it is what reflect costs (go tool objdump of go1.19.8):
///  - ValueOf is inlined: the escapes() check of a global (`if dummy.b`) and unpackEface (nil
///    check, the kind byte, the kindDirectIface bit, the flag word). Boxing a pointer allocates
///    nothing: a pointer is the eface's data word.
///  - Elem, Field, FieldByName, FieldByIndex, rtype.FieldByName, structType.FieldByName,
///    structType.Field, name.name and name.tag are calls gc does not inline (CB_NOIPA here);
///    Int and the flag helpers are inlined.
///  - A field's name is not a string but a pointer to name bytes (flags byte, varint length,
///    bytes, then an optional varint-prefixed tag): name.name() decodes the varint on every call,
///    and FieldByName calls it for each field it passes, then compares lengths and, for equal
///    lengths, the bytes (runtime.memequal; memcmp here), and reads the embedded bit.
///  - structType.Field(i) builds a whole StructField (104 bytes: Name, PkgPath, Type, Tag,
///    Offset, Index, Anonymous), decoding the name again and checking the tag, and allocates its
///    Index slice `[]int{i}` on every call (Go issue 2320; 1 alloc/op in go1.19).
///  - gc returns a StructField (13 words, more than the 9 integer result registers) in memory,
///    and on the FieldByName path it zeroes and copies it at every level with calls into
///    runtime.duffzero / runtime.duffcopy: 4 zeroings and 7 copies per lookup
///    (structType.FieldByName 1 + 2, rtype.FieldByName 2 + 3, Value.FieldByName 1 + 2). C++
///    would elide those copies (and GCC merges a chain of moves into one), so each level here
///    writes into a result slot its caller owns and zeroes and copies through duffzero() and
///    duffcopy(), non-inlined calls as in Go, the same number of times.
/// What it leaves out: structs with embedded fields (FieldByNameFunc's breadth-first search
/// panics here), methods, interfaces other than the eface, and the GC: the Index slice is freed
/// when the StructField dies (::operator new/delete, counted as an allocation) where Go's GC
/// reclaims it later.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "codegen.hpp"

namespace claimbench::go {

/// reflect.Kind, with Go's numbering (the kinds the model uses).
enum class Kind : std::uint8_t {
  invalid = 0,
  int_ = 2,
  int8 = 3,
  int16 = 4,
  int32 = 5,
  int64 = 6,
  float64 = 14,
  interface_ = 20,
  pointer = 22,
  struct_ = 25,
};

// rtype.kind's bits above the kind (type.go): set when the type's value is the eface's data word.
inline constexpr std::uint8_t kKindDirectIface = 1 << 5;
inline constexpr std::uint8_t kKindMask = (1 << 5) - 1;

/// Thrown where Go's reflect panics (Value.Int on a float field, say).
class ReflectPanic : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// reflect.rtype: the common header of every type descriptor, with Go's field order (kind is
/// byte 23, as in Go). The model fills size, align and kind.
struct RType {
  std::uintptr_t size = 0;
  std::uintptr_t ptrdata = 0;
  std::uint32_t hash = 0;
  std::uint8_t tflag = 0;
  std::uint8_t align = 0;
  std::uint8_t field_align = 0;
  std::uint8_t kind = 0;

  Kind kind_of() const { return static_cast<Kind>(kind & kKindMask); }
};

/// A scalar type (int64, int32, float64): just the header.
constexpr RType basic_type(Kind kind, std::uintptr_t size) {
  const auto width = static_cast<std::uint8_t>(size);
  return RType{
      .size = size, .align = width, .field_align = width, .kind = static_cast<std::uint8_t>(kind)};
}

/// reflect.ptrType: *T. Pointer-shaped, so its values are an eface's data word.
struct PtrType : RType {
  const RType* elem = nullptr;

  explicit constexpr PtrType(const RType* element)
      : RType{.size = sizeof(void*),
              .ptrdata = sizeof(void*),
              .align = sizeof(void*),
              .field_align = sizeof(void*),
              .kind = static_cast<std::uint8_t>(static_cast<std::uint8_t>(Kind::pointer) |
                                                kKindDirectIface)},
        elem(element) {}
};

/// reflect.name: a pointer to encoded bytes. Byte 0 holds flags (bit 0 exported, bit 1 has a
/// tag, bit 3 embedded); then the name's length as a varint and its bytes; then, with a tag,
/// the tag's varint length and bytes.
class Name {
 public:
  Name() = default;
  explicit Name(const std::uint8_t* bytes) : bytes_(bytes) {}

  bool is_exported() const { return (*bytes_ & (1 << 0)) != 0; }
  bool has_tag() const { return (*bytes_ & (1 << 1)) != 0; }
  bool embedded() const { return (*bytes_ & (1 << 3)) != 0; }

  /// name.readVarint: (bytes read, value) of the varint at off.
  std::pair<std::size_t, std::size_t> read_varint(std::size_t off) const {
    std::size_t v = 0;
    for (std::size_t i = 0;; ++i) {
      const std::uint8_t x = bytes_[off + i];
      v += static_cast<std::size_t>(x & 0x7f) << (7 * i);
      if ((x & 0x80) == 0) return {i + 1, v};
    }
  }

  /// name.name: not inlined by gc; decodes the length on every call.
  CB_NOIPA std::string_view name() const {
    if (bytes_ == nullptr) return {};
    const auto [i, l] = read_varint(1);
    return {reinterpret_cast<const char*>(bytes_ + 1 + i), l};
  }

  /// name.tag: not inlined by gc either.
  CB_NOIPA std::string_view tag() const {
    if (!has_tag()) return {};
    const auto [i, l] = read_varint(1);
    const auto [i2, l2] = read_varint(1 + i + l);
    return {reinterpret_cast<const char*>(bytes_ + 1 + i + l + i2), l2};
  }

  /// newName: Go's encoding of a name (and tag) into bytes.
  static std::vector<std::uint8_t> encode(std::string_view name, std::string_view tag,
                                          bool exported, bool embedded) {
    std::vector<std::uint8_t> b;
    b.push_back(static_cast<std::uint8_t>((exported ? 1 << 0 : 0) | (tag.empty() ? 0 : 1 << 1) |
                                          (embedded ? 1 << 3 : 0)));
    const auto put = [&b](std::string_view s) {
      for (std::size_t n = s.size();; n >>= 7) {  // writeVarint
        if (n < 0x80) {
          b.push_back(static_cast<std::uint8_t>(n));
          break;
        }
        b.push_back(static_cast<std::uint8_t>((n & 0x7f) | 0x80));
      }
      b.insert(b.end(), s.begin(), s.end());
    };
    put(name);
    if (!tag.empty()) put(tag);
    return b;
  }

 private:
  const std::uint8_t* bytes_ = nullptr;
};

/// A reflect.Type interface value: (itab, *rtype). Every Type in the model is an *rtype, so the
/// itab is one constant.
struct TypeIface {
  const void* itab = nullptr;
  const RType* data = nullptr;
};
inline constexpr char kRTypeItab = 0;  // stands for go.itab.*reflect.rtype,reflect.Type

/// A []int: data, len, cap. It owns its array (Go's GC would).
struct IntSlice {
  std::unique_ptr<std::intptr_t[]> data;
  std::size_t len = 0;
  std::size_t cap = 0;
};

/// reflect.StructField: what Type.Field and Type.FieldByName return (104 bytes, as in Go).
/// Movable, not copyable: a "copy" of Go's moves the slice header and leaves no second owner.
struct StructField {
  std::string_view name;
  std::string_view pkg_path;  // empty for an exported field
  TypeIface type;
  std::string_view tag;
  std::uintptr_t offset = 0;
  IntSlice index;
  bool anonymous = false;
};

/// runtime.duffzero / runtime.duffcopy as gc calls them for a StructField in memory: a call
/// that zeroes, or copies, the struct into a slot (a copy moves the Index slice header, so there
/// is no second owner). The returning forms build a fresh slot, so no slot is zeroed that gc
/// does not zero; the others write into an existing one (a function's result).
CB_NOIPA inline StructField duffzero() {
  return StructField{};
}
CB_NOIPA inline void duffzero(StructField& dst) {
  dst = StructField{};
}
CB_NOIPA inline StructField duffcopy(StructField& src) {
  return std::move(src);
}
CB_NOIPA inline void duffcopy(StructField& dst, StructField& src) {
  dst = std::move(src);
}

/// One field as a struct type stores it: reflect.structField {name, typ, offset}.
struct StructFieldDesc {
  Name name;
  const RType* typ = nullptr;
  std::uintptr_t offset = 0;
};

/// A field to declare: its Go name (exported when it starts with an upper-case letter), type,
/// offset and tag.
struct FieldSpec {
  std::string_view name;
  const RType* type = nullptr;
  std::size_t offset = 0;
  std::string_view tag = {};
};

/// reflect.structType: the header, the package path, and the fields in declaration order, each
/// name in bytes of its own (as Go's linker lays names out).
class StructType : public RType {
 public:
  StructType(std::string_view pkg_path, std::size_t type_size, std::size_t type_align,
             const std::vector<FieldSpec>& fields)
      : RType{.size = type_size,
              .align = static_cast<std::uint8_t>(type_align),
              .field_align = static_cast<std::uint8_t>(type_align),
              .kind = static_cast<std::uint8_t>(Kind::struct_)} {
    pkg_path_ = Name(store(Name::encode(pkg_path, {}, false, false)));
    for (const FieldSpec& f : fields) {
      const bool exported = !f.name.empty() && f.name.front() >= 'A' && f.name.front() <= 'Z';
      fields_.push_back(
          {Name(store(Name::encode(f.name, f.tag, exported, false))), f.type, f.offset});
    }
    fields_data_ = fields_.data();
    num_fields_ = fields_.size();
  }
  StructType(const StructType&) = delete;
  StructType& operator=(const StructType&) = delete;

  std::size_t num_field() const { return num_fields_; }
  const StructFieldDesc& field_desc(std::size_t i) const { return fields_.at(i); }
  const StructFieldDesc* fields() const { return fields_data_; }

  /// structType.Field(i): builds the StructField in its caller's slot (zeroed first, as gc
  /// zeroes the named result), allocating the Index slice.
  CB_NOIPA StructField field(std::size_t i) const {
    if (i >= num_fields_) throw ReflectPanic("reflect: Field index out of bounds");
    const StructFieldDesc& p = fields_data_[i];
    StructField f;
    f.type = TypeIface{p.typ == nullptr ? nullptr : &kRTypeItab, p.typ};  // toType
    f.name = p.name.name();
    f.anonymous = p.name.embedded();
    if (!p.name.is_exported()) f.pkg_path = pkg_path_.name();
    if (const std::string_view tag = p.name.tag(); !tag.empty()) f.tag = tag;
    f.offset = p.offset;
    f.index.data = std::make_unique<std::intptr_t[]>(1);  // []int{i}: mallocgc(8)
    f.index.data[0] = static_cast<std::intptr_t>(i);
    f.index.len = f.index.cap = 1;
    return f;
  }

  /// structType.FieldByName, the quick path for a struct without embedded fields: name.name()
  /// for each field in order, a length compare, the bytes for equal lengths, the embedded bit.
  /// Go returns (StructField, bool); here the field goes to `out`, the bool is returned.
  CB_NOIPA bool field_by_name(std::string_view name, StructField& out) const {
    duffzero(out);  // the named result
    bool has_embeds = false;
    if (!name.empty()) {
      for (std::size_t i = 0; i < num_fields_; ++i) {
        const StructFieldDesc& tf = fields_data_[i];
        if (tf.name.name() == name) {
          StructField call = field(i);       // the call's result slot in this frame
          StructField tmp = duffcopy(call);  // copied out of it
          duffcopy(out, tmp);                // and into the result
          return true;
        }
        if (tf.name.embedded()) has_embeds = true;
      }
    }
    if (has_embeds) throw ReflectPanic("model: FieldByNameFunc (embedded fields) not modelled");
    return false;
  }

 private:
  const std::uint8_t* store(std::vector<std::uint8_t> bytes) {
    names_.push_back(std::make_unique<std::uint8_t[]>(bytes.size()));
    std::memcpy(names_.back().get(), bytes.data(), bytes.size());
    return names_.back().get();
  }

  Name pkg_path_;
  const StructFieldDesc* fields_data_ = nullptr;  // Go's slice header: data and len, read
  std::size_t num_fields_ = 0;                    // directly (no size() division)
  std::vector<StructFieldDesc> fields_;
  std::vector<std::unique_ptr<std::uint8_t[]>> names_;
};

/// rtype.FieldByName: the kind check, the cast to *structType, and the result zeroed and copied
/// through this frame as gc does (two zeroings, three copies).
CB_NOIPA inline bool type_field_by_name(const RType& t, std::string_view name, StructField& out) {
  duffzero(out);
  if (t.kind_of() != Kind::struct_) throw ReflectPanic("reflect: FieldByName of non-struct type");
  StructField call = duffzero();
  const bool ok = static_cast<const StructType&>(t).field_by_name(name, call);
  StructField tmp = duffcopy(call);
  StructField tmp2 = duffcopy(tmp);
  duffcopy(out, tmp2);
  return ok;
}

/// An empty interface (eface): the type word and the data word.
struct Eface {
  const RType* typ = nullptr;
  const void* word = nullptr;
};

/// reflect.dummy: ValueOf's escapes(x) writes x here when dummy.b is set, which it never is;
/// the point is that the compiler cannot know, so x escapes, and every ValueOf loads dummy.b.
struct EscapeSink {
  bool b = false;
  Eface x;
};
inline EscapeSink dummy;  // never written: the load and branch are what it costs (as in Go)

/// reflect.Value: the type, a pointer to the value (or the value), and the flag word.
class Value {
 public:
  // value.go's flag bits: the kind in the low 5, then stickyRO, embedRO, indir, addr, method.
  static constexpr std::uintptr_t kFlagKindMask = (1 << 5) - 1;
  static constexpr std::uintptr_t kFlagStickyRO = 1 << 5;
  static constexpr std::uintptr_t kFlagEmbedRO = 1 << 6;
  static constexpr std::uintptr_t kFlagIndir = 1 << 7;
  static constexpr std::uintptr_t kFlagAddr = 1 << 8;
  static constexpr std::uintptr_t kFlagRO = kFlagStickyRO | kFlagEmbedRO;

  Value() = default;
  Value(const RType* typ, const void* ptr, std::uintptr_t flag)
      : typ_(typ), ptr_(ptr), flag_(flag) {}

  Kind kind() const { return static_cast<Kind>(flag_ & kFlagKindMask); }
  bool is_valid() const { return flag_ != 0; }
  const RType* type() const { return typ_; }

  /// Value.Elem for a pointer (the interface case is not modelled).
  CB_NOIPA Value elem() const {
    if (kind() == Kind::pointer) {
      const void* ptr = ptr_;
      if ((flag_ & kFlagIndir) != 0) ptr = *static_cast<const void* const*>(ptr);
      if (ptr == nullptr) return Value{};
      const RType* typ = static_cast<const PtrType*>(typ_)->elem;
      std::uintptr_t fl = (flag_ & kFlagRO) | kFlagIndir | kFlagAddr;
      fl |= static_cast<std::uintptr_t>(typ->kind_of());
      return Value{typ, ptr, fl};
    }
    throw ReflectPanic("reflect: call of reflect.Value.Elem on a non-pointer Value");
  }

  /// Value.Field(i): the kind and bounds checks, the field's flags (inherited permission bits,
  /// the field's kind, read-only for an unexported field) and its address.
  CB_NOIPA Value field(std::size_t i) const {
    if (kind() != Kind::struct_) throw ReflectPanic("reflect: call of reflect.Value.Field");
    const auto* tt = static_cast<const StructType*>(typ_);
    if (i >= tt->num_field()) throw ReflectPanic("reflect: Field index out of range");
    const StructFieldDesc& field = tt->fields()[i];
    const RType* typ = field.typ;
    std::uintptr_t fl = (flag_ & (kFlagStickyRO | kFlagIndir | kFlagAddr)) |
                        static_cast<std::uintptr_t>(typ->kind_of());
    if (!field.name.is_exported()) fl |= field.name.embedded() ? kFlagEmbedRO : kFlagStickyRO;
    return Value{typ, static_cast<const unsigned char*>(ptr_) + field.offset, fl};
  }

  /// Value.FieldByIndex: one index is one Field (the nested walk is not modelled).
  CB_NOIPA Value field_by_index(const IntSlice& index) const {
    if (index.len == 1) return field(static_cast<std::size_t>(index.data[0]));
    throw ReflectPanic("model: FieldByIndex through embedded structs not modelled");
  }

  /// Value.FieldByName: mustBe(Struct), then the type's FieldByName (the StructField copied
  /// through this frame twice, as gc does), then FieldByIndex.
  CB_NOIPA Value field_by_name(std::string_view name) const {
    if (kind() != Kind::struct_) throw ReflectPanic("reflect: call of reflect.Value.FieldByName");
    StructField call = duffzero();
    const bool ok = type_field_by_name(*typ_, name, call);
    StructField tmp = duffcopy(call);
    StructField f = duffcopy(tmp);
    if (ok) return field_by_index(f.index);
    return Value{};
  }

  /// Value.Int: inlined by gc; a switch on the kind, then a load of the kind's width.
  std::int64_t int_() const {
    switch (kind()) {
      case Kind::int_:
      case Kind::int64: {
        std::int64_t v;
        std::memcpy(&v, ptr_, sizeof v);
        return v;
      }
      case Kind::int8:
        return *static_cast<const std::int8_t*>(ptr_);
      case Kind::int16: {
        std::int16_t v;
        std::memcpy(&v, ptr_, sizeof v);
        return v;
      }
      case Kind::int32: {
        std::int32_t v;
        std::memcpy(&v, ptr_, sizeof v);
        return v;
      }
      default:
        break;
    }
    throw ReflectPanic("reflect: call of reflect.Value.Int on a non-integer Value");
  }

  /// Value.Float.
  double float_() const {
    if (kind() != Kind::float64) throw ReflectPanic("reflect: call of reflect.Value.Float");
    double v;
    std::memcpy(&v, ptr_, sizeof v);
    return v;
  }

 private:
  const RType* typ_ = nullptr;
  const void* ptr_ = nullptr;
  std::uintptr_t flag_ = 0;
};

/// reflect.ValueOf, inlined as gc inlines it: escapes(i), then unpackEface.
inline Value value_of(Eface i) {
  if (i.typ == nullptr) return Value{};
  if (dummy.b) dummy.x = i;  // escapes(i)
  std::uintptr_t f = static_cast<std::uintptr_t>(i.typ->kind_of());
  if ((i.typ->kind & kKindDirectIface) == 0) f |= Value::kFlagIndir;  // ifaceIndir
  return Value{i.typ, i.word, f};
}

/// Boxing a *T into an interface: pointer-shaped, so the pointer is the data word (no
/// allocation, as in Go).
template <class T>
Eface box_pointer(const PtrType& type, const T* p) {
  return Eface{&type, p};
}

}  // namespace claimbench::go
