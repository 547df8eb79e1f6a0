#pragma once
/// Resident memory of this process, for claims about retention and reservation.

#include <cstddef>
#include <optional>

namespace claimbench {

/// Current resident set size in bytes (/proc/self/statm: resident pages × page size).
std::optional<std::size_t> resident_bytes();

/// Peak resident set size in bytes since the process started (VmHWM in /proc/self/status).
std::optional<std::size_t> peak_resident_bytes();

}  // namespace claimbench
