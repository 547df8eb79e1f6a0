/// Log-scale histogram of non-negative integers (clock ticks), fixed size, no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace claimbench {

// Not a Go mechanism: a measurement helper for latency distributions (lock waits), kept here
// with the analogues because the benchmarks include it and it has tests of its own.
//
// Buckets: values 0..7 exactly, then 8 sub-buckets per power of two (an HDR-histogram layout with
// 3 sub-bucket bits), so a bucket spans at most 1/8 of its lower bound: a reported percentile is
// within 12.5% of the true value and usually within 6% (the bucket's midpoint is reported).
// record() is a count-leading-zeros, a shift and an increment: cheap enough for a timed loop.
class LogHistogram {
 public:
  static constexpr int kSubBits = 3;
  static constexpr std::uint64_t kSub = std::uint64_t{1} << kSubBits;  // 8
  static constexpr std::size_t kBuckets = (64 - kSubBits + 1) * kSub;  // 496

  static constexpr std::size_t bucket_of(std::uint64_t value) noexcept {
    if (value < kSub) return static_cast<std::size_t>(value);
    const int msb = 63 - __builtin_clzll(value);  // >= kSubBits
    const std::uint64_t sub = (value >> (msb - kSubBits)) & (kSub - 1);
    return static_cast<std::size_t>(msb - kSubBits + 1) * kSub + static_cast<std::size_t>(sub);
  }
  /// Smallest value that lands in `bucket`.
  static constexpr std::uint64_t lower_bound(std::size_t bucket) noexcept {
    if (bucket < kSub) return bucket;
    const int msb = static_cast<int>(bucket / kSub) + kSubBits - 1;
    return (kSub + bucket % kSub) << (msb - kSubBits);
  }
  /// Largest value that lands in `bucket`.
  static constexpr std::uint64_t upper_bound(std::size_t bucket) noexcept {
    return bucket + 1 < kBuckets ? lower_bound(bucket + 1) - 1 : ~std::uint64_t{0};
  }

  void record(std::uint64_t value) noexcept {
    ++counts_[bucket_of(value)];
    ++total_;
    if (value > max_) max_ = value;
  }

  void merge(const LogHistogram& other) noexcept {
    for (std::size_t i = 0; i < kBuckets; ++i)
      counts_[i] += other.counts_[i];
    total_ += other.total_;
    if (other.max_ > max_) max_ = other.max_;
  }

  void clear() noexcept {
    counts_.fill(0);
    total_ = 0;
    max_ = 0;
  }

  std::uint64_t count() const noexcept { return total_; }
  std::uint64_t max() const noexcept { return max_; }

  /// The value below which a fraction q (0 < q <= 1) of the recorded values lie, as the midpoint
  /// of the bucket holding the ceil(q * count)-th smallest value (exact below 8), clamped to the
  /// largest value recorded. 0 when empty.
  double percentile(double q) const noexcept {
    if (total_ == 0) return 0;
    auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total_));
    if (static_cast<double>(rank) < q * static_cast<double>(total_)) ++rank;  // ceil
    if (rank < 1) rank = 1;
    if (rank > total_) rank = total_;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) {
        const double lo = static_cast<double>(lower_bound(i));
        const double hi = static_cast<double>(upper_bound(i));
        const double mid = lo + (hi - lo) / 2;
        return mid > static_cast<double>(max_) ? static_cast<double>(max_) : mid;
      }
    }
    return static_cast<double>(max_);  // unreachable: the counts sum to total_
  }

 private:
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t total_ = 0;
  std::uint64_t max_ = 0;
};

static_assert(LogHistogram::bucket_of(7) == 7 && LogHistogram::bucket_of(8) == 8);
static_assert(LogHistogram::bucket_of(15) == 15 && LogHistogram::bucket_of(16) == 16);
static_assert(LogHistogram::bucket_of(~std::uint64_t{0}) == LogHistogram::kBuckets - 1);
static_assert(LogHistogram::lower_bound(16) == 16 && LogHistogram::lower_bound(17) == 18);

}  // namespace claimbench
