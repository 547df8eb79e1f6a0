// GoAny: a model of Go's empty interface (eface) that allocates exactly when Go's runtime does.
//
// An eface is two words, a type pointer and a data word. Converting a value to an interface
// (cmd/compile walk/convert.go dataWord, runtime/iface.go convT*) puts in the data word:
//  - the value itself when the type is pointer-shaped (a pointer, a map, a chan, a func):
//    nothing allocated;
//  - &zeroVal for a zero-sized value (runtime.zeroVal), and for "" (convTstring);
//  - &staticuint64s[v] for a one-byte value, and for a 2-, 4- or 8-byte value whose unsigned
//    value is below 256 (convT16/convT32/convT64; a negative int is a huge uint64: it allocates);
//  - otherwise a pointer to a fresh heap copy: mallocgc(sizeof T) (8 bytes for an int64 >= 256,
//    64 for a 64-byte struct, 16 for a non-empty string's header).
// What this model cannot know is escape analysis: Go puts the box on the stack when the
// interface provably does not escape. GoAny always takes the escaping path, the case the
// interface-boxing claim is about (fmt/log arguments, []any, map values).
//
// The heap copy is made with ::operator new, so the harness's replaced operator new counts it
// as Go's -benchmem counts mallocgc. Go frees the box when the GC finds it dead; GoAny frees it
// in its destructor (C++ has no GC), which is the one cost the model adds.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

namespace claimbench::go {

// Go's type word: one static descriptor per type, compared by address on a type assertion.
struct GoType {
  std::size_t size;
};
template <class T>
inline constexpr GoType kGoTypeOf{std::is_empty_v<T> ? 0 : sizeof(T)};

// runtime.staticuint64s: the 256 values a small integer's data word can point at.
inline constexpr std::array<std::uint64_t, 256> kStaticUint64s = [] {
  std::array<std::uint64_t, 256> table{};
  for (std::uint64_t v = 0; v < table.size(); ++v)
    table[v] = v;
  return table;
}();
// runtime.zeroVal: where every zero-sized value (and the empty string) points.
inline constexpr std::array<std::byte, 16> kZeroVal{};

class GoAny {
 public:
  // Which of Go's cases a value of type T takes (for the tests and the benchmark's comments).
  enum class Word { pointer, zero, static_table, heap };

  template <class T>
  static Word word_for(const T& value) {
    using U = std::decay_t<T>;
    if constexpr (std::is_pointer_v<U>) {
      return Word::pointer;
    } else if constexpr (std::is_empty_v<U>) {
      return Word::zero;
    } else if constexpr (std::is_same_v<U, std::string_view>) {
      return value.empty() ? Word::zero : Word::heap;
    } else if constexpr (std::is_integral_v<U> && sizeof(U) == 1) {
      return Word::static_table;
    } else if constexpr (std::is_integral_v<U> &&
                         (sizeof(U) == 2 || sizeof(U) == 4 || sizeof(U) == 8)) {
      // convT64(val uint64): `if val < uint64(len(staticuint64s))`; the conversion to an
      // unsigned type of the same size is Go's, so -1 is not small.
      return static_cast<std::make_unsigned_t<U>>(value) < kStaticUint64s.size()
                 ? Word::static_table
                 : Word::heap;
    } else {
      return Word::heap;
    }
  }

  GoAny() = default;

  template <class T, class U = std::decay_t<T>>
  requires(!std::is_same_v<U, GoAny> &&
           std::is_trivially_copyable_v<U>) explicit GoAny(const T& value)
      : type_(&kGoTypeOf<U>) {
    switch (word_for(value)) {
      case Word::pointer:
        std::memcpy(&data_, &value, sizeof(void*));
        break;
      case Word::zero:
        data_ = kZeroVal.data();
        break;
      case Word::static_table:
        if constexpr (std::is_integral_v<U>) {
          // Little-endian: the low bytes of staticuint64s[v] are v at every size (Go adds
          // 8 - size on big-endian machines).
          data_ = &kStaticUint64s[static_cast<std::make_unsigned_t<U>>(value)];
        }
        break;
      case Word::heap: {
        void* box = ::operator new(sizeof(U));  // mallocgc(t.size, t, needzero)
        std::memcpy(box, &value, sizeof(U));
        data_ = box;
        owned_ = true;
        break;
      }
    }
  }

  GoAny(const GoAny&) = delete;
  GoAny& operator=(const GoAny&) = delete;
  GoAny(GoAny&& other) noexcept
      : type_(std::exchange(other.type_, nullptr)),
        data_(std::exchange(other.data_, nullptr)),
        owned_(std::exchange(other.owned_, false)) {}
  GoAny& operator=(GoAny&& other) noexcept {
    if (this != &other) {
      release();
      type_ = std::exchange(other.type_, nullptr);
      data_ = std::exchange(other.data_, nullptr);
      owned_ = std::exchange(other.owned_, false);
    }
    return *this;
  }
  ~GoAny() { release(); }

  // x.(T) with the comma-ok form: the type word compared by address, then the value read from
  // the data word (or the data word itself for a pointer-shaped type).
  template <class T>
  bool as(T& out) const {
    if (type_ != &kGoTypeOf<T>) return false;
    if constexpr (std::is_pointer_v<T>) {
      std::memcpy(&out, &data_, sizeof(void*));
    } else if constexpr (!std::is_empty_v<T>) {
      std::memcpy(&out, data_, sizeof(T));
    }
    return true;
  }

  [[nodiscard]] const GoType* type() const { return type_; }
  [[nodiscard]] const void* data() const { return data_; }
  [[nodiscard]] bool boxed() const { return owned_; }  // true when the data word is a heap copy

 private:
  void release() noexcept {
    if (owned_) ::operator delete(const_cast<void*>(data_), type_->size);
    owned_ = false;
  }

  const GoType* type_ = nullptr;
  const void* data_ = nullptr;
  bool owned_ = false;
};

}  // namespace claimbench::go
