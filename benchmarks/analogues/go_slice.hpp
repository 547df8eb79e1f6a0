/// A model of a Go slice that grows on append by a pluggable rule: the rule the interview seeds
/// state (SeedsGrowth) or the rule the Go runtime really applies (GoGrowth).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace claimbench::go {

// ---- Go's allocator rounding ---------------------------------------------------------------
//
// Read from golang/go (the search tool's stored copies):
//  - src/internal/runtime/gc/sizeclasses.go @ 100ffa1b33af9e53064716e9ca476f279754b8ef: the 68
//    size classes (class 0 = "not small"), the table src/runtime/sizeclasses.go held before it
//    moved to internal/runtime/gc. An older stored src/runtime/sizeclasses.go (@ 34aeeefd26fd)
//    has 67 classes, without the 24-byte class (added around Go 1.16); that changes nothing in
//    the 8-byte sequences pinned in the tests, which never ask for 17–24 bytes.
//  - src/runtime/msize.go (the version that imports internal/runtime/gc): roundupsize(size,
//    noscan). A small request (<= 32768 - 8 bytes) becomes the smallest class that holds it;
//    only pointer-holding ("scan") objects above 512 bytes add an 8-byte malloc header first.
//    A larger request is rounded up to a whole 8 KiB page.
// This model covers pointer-free element types (int64 and the like): no malloc header.
inline constexpr std::array<std::uint32_t, 68> kSizeClasses = {
    0,     8,     16,    24,    32,    48,    64,    80,    96,    112,   128,   144,  160,   176,
    192,   208,   224,   240,   256,   288,   320,   352,   384,   416,   448,   480,  512,   576,
    640,   704,   768,   896,   1024,  1152,  1280,  1408,  1536,  1792,  2048,  2304, 2688,  3072,
    3200,  3456,  4096,  4864,  5376,  6144,  6528,  6784,  6912,  8192,  9472,  9728, 10240, 10880,
    12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768};
inline constexpr std::size_t kMaxSmallSize = 32768;
inline constexpr std::size_t kPageSize = 8192;

/// Bytes mallocgc hands out for a pointer-free request of `size` bytes (Go's roundupsize with
/// noscan = true). Go looks the class up through two tables indexed by size/8 and size/128;
/// those tables map every size to the smallest class that holds it, which is what this searches.
constexpr std::size_t roundupsize(std::size_t size) noexcept {
  if (size <= kMaxSmallSize) {
    return *std::lower_bound(kSizeClasses.begin(), kSizeClasses.end(), size);
  }
  const std::size_t rounded = size + (kPageSize - 1);
  if (rounded < size) return size;  // overflow: Go returns the request unchanged
  return rounded & ~(kPageSize - 1);
}

// ---- Growth rules ----------------------------------------------------------------------------
//
// Both answer: the backing array holds `old_cap` elements of `elem_size` bytes and an append
// needs room for `new_len` > old_cap; how many elements does the new array hold?

/// The rule as the seeds state it (000 §1 "slice expansion strategy"; 002 Q4 and 004 Q36 only
/// say the factor shrinks for big slices; 002 Q33 and the 003 FAQ say preallocate): when more
/// than twice the old capacity is needed, take exactly what is needed; below 256 elements
/// double; from 256 on multiply by 1.25 until it is enough. No rounding by the allocator.
struct SeedsGrowth {
  static constexpr const char* name = "seeds' rule";
  static constexpr std::size_t next_capacity(std::size_t old_cap, std::size_t new_len,
                                             std::size_t /*elem_size*/) noexcept {
    if (new_len > 2 * old_cap) return new_len;
    if (old_cap < 256) return 2 * old_cap;
    std::size_t cap = old_cap;
    while (cap < new_len)
      cap += cap / 4;  // ×1.25 in integers, as Go <= 1.17 wrote it
    return cap;
  }
};

/// Go's real rule (Go 1.18 and later; the stored src/runtime/slice.go @
/// 00a0fc3fd7d34bb72145779e2c36e3beaebd7d64, functions growslice and nextslicecap): the same
/// "take what is needed" and "double below 256" steps, then a smooth step
/// newcap += (newcap + 3*256) / 4 repeated until it is enough (starts near 2× at 256 and falls
/// towards 1.25× as the slice grows), and finally growslice rounds the byte size up with
/// roundupsize and divides back, so the capacity fills the whole size class or page run.
struct GoGrowth {
  static constexpr const char* name = "Go's rule";
  static constexpr std::size_t nextslicecap(std::size_t old_cap, std::size_t new_len) noexcept {
    const std::size_t doublecap = old_cap + old_cap;
    if (new_len > doublecap) return new_len;
    constexpr std::size_t threshold = 256;
    if (old_cap < threshold) return doublecap;
    std::size_t newcap = old_cap;
    while (newcap < new_len)
      newcap += (newcap + 3 * threshold) >> 2;
    return newcap;
  }
  static constexpr std::size_t next_capacity(std::size_t old_cap, std::size_t new_len,
                                             std::size_t elem_size) noexcept {
    const std::size_t capmem = roundupsize(nextslicecap(old_cap, new_len) * elem_size);
    return capmem / elem_size;
  }
};

// ---- The slice ---------------------------------------------------------------------------------

/// A slice owned by one variable, the shape of `s = append(s, x)` in a loop: the header (pointer,
/// len, cap) plus counters of what growing cost. Unlike a Go slice it owns its array (move-only,
/// no aliasing of a shared backing array) and frees the old array at once where Go's GC frees
/// it later. Elements are pointer-free, trivially copyable values, copied with memcpy as
/// growslice copies with memmove.
template <class T, class Growth>
class GoSlice {
  static_assert(std::is_trivially_copyable_v<T>, "the model covers pointer-free element types");

 public:
  GoSlice() = default;  // the nil slice: len 0, cap 0, no array
  GoSlice(GoSlice&& other) noexcept { swap(other); }
  GoSlice& operator=(GoSlice&& other) noexcept {
    GoSlice(std::move(other)).swap(*this);
    return *this;
  }
  GoSlice(const GoSlice&) = delete;
  GoSlice& operator=(const GoSlice&) = delete;
  ~GoSlice() { release(data_); }

  /// make([]T, len, cap): one zeroed array of exactly `cap` elements (Go's make keeps the cap
  /// asked for; the allocator's rounding only shows up in append's growth).
  static GoSlice make(std::size_t len, std::size_t cap) {
    GoSlice s;
    s.data_ = allocate(cap);
    std::memset(static_cast<void*>(s.data_), 0, cap * sizeof(T));
    s.len_ = len;
    s.cap_ = cap;
    return s;
  }

  /// append(s, v): writes in place while len < cap, otherwise grows first.
  void append(const T& value) {
    if (len_ == cap_) [[unlikely]]
      grow(len_ + 1);
    data_[len_++] = value;
  }

  std::size_t size() const noexcept { return len_; }
  std::size_t capacity() const noexcept { return cap_; }
  T* data() noexcept { return data_; }
  const T* data() const noexcept { return data_; }
  T& operator[](std::size_t i) noexcept { return data_[i]; }
  const T& operator[](std::size_t i) const noexcept { return data_[i]; }

  /// Backing arrays append allocated (the first append to a nil slice counts: it allocates).
  std::size_t grows() const noexcept { return grows_; }
  /// Bytes append copied from old arrays into new ones.
  std::size_t bytes_copied() const noexcept { return bytes_copied_; }

  void swap(GoSlice& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(len_, other.len_);
    std::swap(cap_, other.cap_);
    std::swap(grows_, other.grows_);
    std::swap(bytes_copied_, other.bytes_copied_);
  }

 private:
  static T* allocate(std::size_t n) {
    return n == 0 ? nullptr : static_cast<T*>(::operator new(n * sizeof(T)));
  }
  static void release(T* p) noexcept { ::operator delete(static_cast<void*>(p)); }

  // growslice for a pointer-free type: new array, copy the old elements, clear the part beyond
  // the new length (memclrNoHeapPointers(p+newlenmem, capmem-newlenmem)); append then writes
  // the new element.
  [[gnu::noinline]] void grow(std::size_t new_len) {
    const std::size_t new_cap = Growth::next_capacity(cap_, new_len, sizeof(T));
    T* fresh = allocate(new_cap);
    if (len_ > 0) std::memcpy(static_cast<void*>(fresh), data_, len_ * sizeof(T));
    std::memset(static_cast<void*>(fresh + new_len), 0, (new_cap - new_len) * sizeof(T));
    release(data_);
    data_ = fresh;
    cap_ = new_cap;
    ++grows_;
    bytes_copied_ += len_ * sizeof(T);
  }

  T* data_ = nullptr;
  std::size_t len_ = 0;
  std::size_t cap_ = 0;
  std::size_t grows_ = 0;
  std::size_t bytes_copied_ = 0;
};

// ---- Where the two rules part ----------------------------------------------------------------

/// The capacities a slice passes through when elements of `elem_size` bytes are appended one at
/// a time to a nil slice until it holds `up_to` elements (one entry per growth).
template <class Growth>
std::vector<std::size_t> capacity_sequence(std::size_t elem_size, std::size_t up_to) {
  std::vector<std::size_t> caps;
  std::size_t cap = 0;
  while (cap < up_to) {
    cap = Growth::next_capacity(cap, cap + 1, elem_size);  // grows when len == cap
    caps.push_back(cap);
  }
  return caps;
}

/// One growth step where the seeds' rule and Go's rule give different capacities. `grow` counts
/// from 1; 0 in a capacity means that rule had already reached the target size.
struct GrowthDifference {
  std::size_t grow = 0;
  std::size_t seeds_cap = 0;
  std::size_t go_cap = 0;
  bool operator==(const GrowthDifference&) const = default;
};

/// The growth steps (appending one at a time to a nil slice, up to `up_to` elements) at which
/// the seeds' rule and Go's rule disagree.
inline std::vector<GrowthDifference> growth_differences(std::size_t elem_size, std::size_t up_to) {
  const auto seeds = capacity_sequence<SeedsGrowth>(elem_size, up_to);
  const auto real = capacity_sequence<GoGrowth>(elem_size, up_to);
  std::vector<GrowthDifference> out;
  for (std::size_t i = 0; i < std::max(seeds.size(), real.size()); ++i) {
    const std::size_t a = i < seeds.size() ? seeds[i] : 0;
    const std::size_t b = i < real.size() ? real[i] : 0;
    if (a != b) out.push_back({i + 1, a, b});
  }
  return out;
}

/// The comparison as a Markdown table (readable as plain text too): the growth steps both rules
/// share, then every step where they differ with each rule's capacity and growth factor, then
/// the totals. claims/slice-growth.toml carries this table verbatim; a unit test recomputes it.
inline std::string growth_table(std::size_t elem_size, std::size_t up_to) {
  const auto seeds = capacity_sequence<SeedsGrowth>(elem_size, up_to);
  const auto real = capacity_sequence<GoGrowth>(elem_size, up_to);
  const auto cell = [](const std::vector<std::size_t>& caps, std::size_t i) -> std::string {
    if (i >= caps.size()) return "—";
    return std::to_string(caps[i]);
  };
  const auto factor = [](const std::vector<std::size_t>& caps, std::size_t i) -> std::string {
    if (i == 0 || i >= caps.size()) return "";
    char text[32];
    std::snprintf(text, sizeof text, "%.2f",
                  static_cast<double>(caps[i]) / static_cast<double>(caps[i - 1]));
    return text;
  };
  // Elements copied to reach `up_to`: every growth copies the old capacity's worth, since it
  // happens when len == cap.
  const auto copied = [](const std::vector<std::size_t>& caps) {
    std::size_t total = 0;
    for (std::size_t i = 0; i + 1 < caps.size(); ++i)
      total += caps[i];
    return total;
  };

  std::string out = "| grow | seeds' rule: cap | × | Go's rule: cap | × |\n";
  out += "|---:|---:|---:|---:|---:|\n";
  std::size_t shared = 0;
  while (shared < seeds.size() && shared < real.size() && seeds[shared] == real[shared])
    ++shared;
  if (shared > 0) {
    out += "| 1–" + std::to_string(shared) + " | " + std::to_string(seeds.front()) + " … " +
           std::to_string(seeds[shared - 1]) + " | | same | |\n";
  }
  for (std::size_t i = shared; i < std::max(seeds.size(), real.size()); ++i) {
    out += "| " + std::to_string(i + 1) + " | " + cell(seeds, i) + " | " + factor(seeds, i) +
           " | " + cell(real, i) + " | " + factor(real, i) + " |\n";
  }
  out += "| grows | " + std::to_string(seeds.size()) + " | | " + std::to_string(real.size()) +
         " | |\n";
  out += "| elements copied | " + std::to_string(copied(seeds)) + " | | " +
         std::to_string(copied(real)) + " | |\n";
  return out;
}

}  // namespace claimbench::go
