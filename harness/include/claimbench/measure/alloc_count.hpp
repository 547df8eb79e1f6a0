#pragma once
/// Counts heap allocations per thread through a replaced global operator new.

#include <cstddef>
#include <cstdint>

namespace claimbench {

struct AllocCount {
  std::uint64_t allocations = 0;
  std::uint64_t bytes = 0;
};

/// Allocations made by the calling thread since it started (operator new and new[] of every
/// form, and count_allocation; malloc called directly is not seen). Linking this in replaces
/// operator new/delete.
AllocCount thread_alloc_count() noexcept;

/// Counts one allocation of `bytes` on the calling thread, for a benchmark's model of another
/// runtime's allocator (Go's size-class spans) that hands out objects without operator new.
void count_allocation(std::size_t bytes) noexcept;

}  // namespace claimbench
