#pragma once
/// Counts heap allocations per thread through a replaced global operator new.

#include <cstdint>

namespace claimbench {

struct AllocCount {
  std::uint64_t allocations = 0;
  std::uint64_t bytes = 0;
};

/// Allocations made by the calling thread since it started (operator new and new[] of every
/// form; malloc called directly is not seen). Linking this in replaces operator new/delete.
AllocCount thread_alloc_count() noexcept;

}  // namespace claimbench
