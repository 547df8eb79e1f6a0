// Replaces the global operator new/delete so benchmarks can count allocations per operation,
// measured rather than inferred (heap-vs-stack, pools, boxing). The counters are thread_local
// plain integers: one increment per allocation (~1 ns), no atomics, no sharing between threads.
#include "claimbench/measure/alloc_count.hpp"

#include <cstddef>
#include <cstdlib>
#include <new>

namespace claimbench {
namespace {
thread_local AllocCount counts;

void* counted_alloc(std::size_t size, std::size_t alignment) {
  count_allocation(size);
  if (size == 0) size = 1;
  void* p = alignment > alignof(std::max_align_t)
                ? std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment)
                : std::malloc(size);
  return p;
}
}  // namespace

AllocCount thread_alloc_count() noexcept {
  return counts;
}

void count_allocation(std::size_t bytes) noexcept {
  ++counts.allocations;
  counts.bytes += bytes;
}

}  // namespace claimbench

void* operator new(std::size_t size) {
  if (void* p = claimbench::counted_alloc(size, 0)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return ::operator new(size);
}
void* operator new(std::size_t size, std::align_val_t al) {
  if (void* p = claimbench::counted_alloc(size, static_cast<std::size_t>(al))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t al) {
  return ::operator new(size, al);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return claimbench::counted_alloc(size, 0);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return claimbench::counted_alloc(size, 0);
}
void* operator new(std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return claimbench::counted_alloc(size, static_cast<std::size_t>(al));
}
void* operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return claimbench::counted_alloc(size, static_cast<std::size_t>(al));
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
