/// Go's sort.Slice (go1.19): pattern-defeating quicksort over two index callbacks, ported.
#pragma once
/// sort.Slice(x, less) builds a lessSwap{Less, Swap} from the caller's closure and a reflect-made
/// swapper (reflectlite.Swapper: for 4-byte elements a closure doing `is[i], is[j] = is[j],
/// is[i]`), then runs pdqsort_func (sort/zsortfunc.go), which reaches the data only through
/// those two calls: every compare and every swap is an indirect call. This is a line-for-line
/// port of go1.19's pdqsort_func and the helpers it uses (insertion sort below 13 elements,
/// heap sort when the depth limit runs out, ninther pivots, pattern breaking with the same
/// xorshift), so for the same input it makes the same compares and swaps in the same order.
/// The Go code is Copyright The Go Authors, BSD-3-Clause (the Go distribution's LICENSE).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace claimbench::go {

/// sort's lessSwap: the two func values pdqsort_func calls, here function pointers over a
/// context (a Go func value is a code pointer plus its closure's captured words).
struct LessSwap {
  bool (*less)(void* ctx, std::ptrdiff_t i, std::ptrdiff_t j) = nullptr;
  void (*swap)(void* ctx, std::ptrdiff_t i, std::ptrdiff_t j) = nullptr;
  void* ctx = nullptr;

  bool Less(std::ptrdiff_t i, std::ptrdiff_t j) const { return less(ctx, i, j); }
  void Swap(std::ptrdiff_t i, std::ptrdiff_t j) const { swap(ctx, i, j); }
};

namespace sort_detail {

using Int = std::ptrdiff_t;  // Go's int
enum class Hint { unknown, increasing, decreasing };

inline void insertion_sort(const LessSwap& data, Int a, Int b) {
  for (Int i = a + 1; i < b; i++) {
    for (Int j = i; j > a && data.Less(j, j - 1); j--)
      data.Swap(j, j - 1);
  }
}

inline void sift_down(const LessSwap& data, Int lo, Int hi, Int first) {
  Int root = lo;
  for (;;) {
    Int child = 2 * root + 1;
    if (child >= hi) break;
    if (child + 1 < hi && data.Less(first + child, first + child + 1)) child++;
    if (!data.Less(first + root, first + child)) return;
    data.Swap(first + root, first + child);
    root = child;
  }
}

inline void heap_sort(const LessSwap& data, Int a, Int b) {
  const Int first = a;
  const Int lo = 0;
  const Int hi = b - a;
  for (Int i = (hi - 1) / 2; i >= 0; i--)
    sift_down(data, i, hi, first);
  for (Int i = hi - 1; i >= 0; i--) {
    data.Swap(first, first + i);
    sift_down(data, lo, i, first);
  }
}

inline void order2(const LessSwap& data, Int& a, Int& b, int& swaps) {
  if (data.Less(b, a)) {
    swaps++;
    std::swap(a, b);
  }
}

inline Int median(const LessSwap& data, Int a, Int b, Int c, int& swaps) {
  order2(data, a, b, swaps);
  order2(data, b, c, swaps);
  order2(data, a, b, swaps);
  return b;
}

inline Int median_adjacent(const LessSwap& data, Int a, int& swaps) {
  return median(data, a - 1, a, a + 1, swaps);
}

inline void reverse_range(const LessSwap& data, Int a, Int b) {
  for (Int i = a, j = b - 1; i < j; i++, j--)
    data.Swap(i, j);
}

struct Pivot {
  Int index;
  Hint hint;
};

inline Pivot choose_pivot(const LessSwap& data, Int a, Int b) {
  constexpr Int kShortestNinther = 50;
  constexpr int kMaxSwaps = 4 * 3;
  const Int l = b - a;
  int swaps = 0;
  Int i = a + l / 4 * 1;
  Int j = a + l / 4 * 2;
  Int k = a + l / 4 * 3;
  if (l >= 8) {
    if (l >= kShortestNinther) {
      i = median_adjacent(data, i, swaps);
      j = median_adjacent(data, j, swaps);
      k = median_adjacent(data, k, swaps);
    }
    j = median(data, i, j, k, swaps);
  }
  if (swaps == 0) return {j, Hint::increasing};
  if (swaps == kMaxSwaps) return {j, Hint::decreasing};
  return {j, Hint::unknown};
}

inline bool partial_insertion_sort(const LessSwap& data, Int a, Int b) {
  constexpr int kMaxSteps = 5;
  constexpr Int kShortestShifting = 50;
  Int i = a + 1;
  for (int step = 0; step < kMaxSteps; step++) {
    while (i < b && !data.Less(i, i - 1))
      i++;
    if (i == b) return true;
    if (b - a < kShortestShifting) return false;
    data.Swap(i, i - 1);
    if (i - a >= 2) {
      for (Int j = i - 1; j >= 1; j--) {
        if (!data.Less(j, j - 1)) break;
        data.Swap(j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (Int j = i + 1; j < b; j++) {
        if (!data.Less(j, j - 1)) break;
        data.Swap(j, j - 1);
      }
    }
  }
  return false;
}

inline void break_patterns(const LessSwap& data, Int a, Int b) {
  const Int length = b - a;
  if (length < 8) return;
  auto random = static_cast<std::uint64_t>(length);  // xorshift seeded with the length
  const auto modulus = std::uint64_t{1} << std::bit_width(static_cast<std::uint64_t>(length));
  for (Int idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; idx++) {
    random ^= random << 13;
    random ^= random >> 17;
    random ^= random << 5;
    auto other = static_cast<Int>(random & (modulus - 1));
    if (other >= length) other -= length;
    data.Swap(idx, a + other);
  }
}

struct Partitioned {
  Int mid;
  bool already;
};

inline Partitioned partition(const LessSwap& data, Int a, Int b, Int pivot) {
  data.Swap(a, pivot);
  Int i = a + 1;
  Int j = b - 1;
  while (i <= j && data.Less(i, a))
    i++;
  while (i <= j && !data.Less(j, a))
    j--;
  if (i > j) {
    data.Swap(j, a);
    return {j, true};
  }
  data.Swap(i, j);
  i++;
  j--;
  for (;;) {
    while (i <= j && data.Less(i, a))
      i++;
    while (i <= j && !data.Less(j, a))
      j--;
    if (i > j) break;
    data.Swap(i, j);
    i++;
    j--;
  }
  data.Swap(j, a);
  return {j, false};
}

inline Int partition_equal(const LessSwap& data, Int a, Int b, Int pivot) {
  data.Swap(a, pivot);
  Int i = a + 1;
  Int j = b - 1;
  for (;;) {
    while (i <= j && !data.Less(a, i))
      i++;
    while (i <= j && data.Less(a, j))
      j--;
    if (i > j) break;
    data.Swap(i, j);
    i++;
    j--;
  }
  return i;
}

inline void pdqsort(const LessSwap& data, Int a, Int b, int limit) {
  constexpr Int kMaxInsertion = 12;
  bool was_balanced = true;
  bool was_partitioned = true;
  for (;;) {
    const Int length = b - a;
    if (length <= kMaxInsertion) {
      insertion_sort(data, a, b);
      return;
    }
    if (limit == 0) {
      heap_sort(data, a, b);
      return;
    }
    if (!was_balanced) {
      break_patterns(data, a, b);
      limit--;
    }
    auto [pivot, hint] = choose_pivot(data, a, b);
    if (hint == Hint::decreasing) {
      reverse_range(data, a, b);
      pivot = (b - 1) - (pivot - a);
      hint = Hint::increasing;
    }
    if (was_balanced && was_partitioned && hint == Hint::increasing) {
      if (partial_insertion_sort(data, a, b)) return;
    }
    if (a > 0 && !data.Less(a - 1, pivot)) {
      a = partition_equal(data, a, b, pivot);
      continue;
    }
    const auto [mid, already] = partition(data, a, b, pivot);
    was_partitioned = already;
    const Int left = mid - a;
    const Int right = b - mid;
    const Int balance_threshold = length / 8;
    if (left < right) {
      was_balanced = left >= balance_threshold;
      pdqsort(data, a, mid, limit);
      a = mid + 1;
    } else {
      was_balanced = right >= balance_threshold;
      pdqsort(data, mid + 1, b, limit);
      b = mid;
    }
  }
}

}  // namespace sort_detail

/// sort.Slice's body once the lessSwap is built: pdqsort_func(data, 0, n, bits.Len(uint(n))).
inline void sort_slice(const LessSwap& data, std::ptrdiff_t n) {
  sort_detail::pdqsort(data, 0, n, static_cast<int>(std::bit_width(static_cast<std::uint64_t>(n))));
}

}  // namespace claimbench::go
