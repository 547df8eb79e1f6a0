/// Models of goroutine stacks: Go's pre-1.4 segmented stacks and the contiguous (copying) stacks
/// Go has used since 1.4. Simulated call stacks of frames, not real machine stacks: a "call"
/// pushes a frame, a "return" pops it, and the models differ only in what happens when a frame
/// does not fit.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>
#include <utility>

namespace claimbench::go {

/// Segmented stack (Go 1.0–1.3): fixed-size segments linked into a list. A frame that does not
/// fit in the current segment gets a new segment (morestack: allocate and link); when the frame
/// that opened a segment returns, the segment is unlinked and freed (lessstack). Frames never
/// move. A call depth hovering at a segment boundary allocates and frees a segment on every call:
/// the "hot split".
class SegmentedStack {
 public:
  explicit SegmentedStack(std::size_t segment_bytes) : segment_bytes_(segment_bytes) {
    top_ = new_segment(segment_bytes_, nullptr);
  }
  SegmentedStack(const SegmentedStack&) = delete;
  SegmentedStack& operator=(const SegmentedStack&) = delete;
  ~SegmentedStack() {
    while (top_ != nullptr) {
      Segment* prev = top_->prev;
      free_segment(top_);
      top_ = prev;
    }
  }

  /// A call: reserves `frame_bytes` and returns the frame's memory.
  std::byte* push(std::size_t frame_bytes) {
    if (top_->capacity - top_->used < frame_bytes) [[unlikely]]
      split(frame_bytes);
    std::byte* frame = top_->memory() + top_->used;
    top_->used += frame_bytes;
    return frame;
  }

  /// A return from a frame of `frame_bytes`; returns the new top of stack (the end of the
  /// caller's frame). Frees the segment when its first frame returns.
  std::byte* pop(std::size_t frame_bytes) {
    top_->used -= frame_bytes;
    if (top_->used == 0 && top_->prev != nullptr) [[unlikely]]
      unsplit();
    return top_->memory() + top_->used;
  }

  std::size_t segments_allocated() const noexcept { return allocated_; }
  std::size_t segments_freed() const noexcept { return freed_; }
  /// Segments currently linked (1 for an empty stack).
  std::size_t segments_in_use() const noexcept { return allocated_ - freed_; }

 private:
  struct alignas(std::max_align_t) Segment {  // frames after it start max-aligned
    Segment* prev;
    std::size_t capacity;
    std::size_t used;
    // Frames follow the header in the same allocation.
    std::byte* memory() noexcept { return reinterpret_cast<std::byte*>(this + 1); }
  };
  static_assert(sizeof(Segment) % alignof(std::max_align_t) == 0);

  Segment* new_segment(std::size_t capacity, Segment* prev) {
    void* raw = ::operator new(sizeof(Segment) + capacity);
    ++allocated_;
    return ::new (raw) Segment{prev, capacity, 0};
  }
  void free_segment(Segment* s) noexcept { ::operator delete(static_cast<void*>(s)); }

  // morestack: a frame larger than a segment gets a segment of its own size.
  [[gnu::noinline]] void split(std::size_t frame_bytes) {
    top_ = new_segment(std::max(segment_bytes_, frame_bytes), top_);
  }
  // lessstack: back to the caller's segment, freeing this one.
  [[gnu::noinline]] void unsplit() noexcept {
    Segment* done = top_;
    top_ = done->prev;
    free_segment(done);
    ++freed_;
  }

  std::size_t segment_bytes_;
  Segment* top_ = nullptr;
  std::size_t allocated_ = 0;
  std::size_t freed_ = 0;
};

/// Contiguous stack (Go 1.4+): one block. A frame that does not fit makes the runtime allocate a
/// block twice as large (again until it fits), copy the used part over and free the old block
/// (copystack; Go also rewrites pointers into the stack, which this model has none of, so
/// frame addresses simply change). The block keeps its size when the depth falls again: Go only
/// shrinks a stack during GC when under a quarter of it is used, which this model leaves out.
class ContiguousStack {
 public:
  explicit ContiguousStack(std::size_t initial_bytes)
      : base_(static_cast<std::byte*>(::operator new(initial_bytes))), capacity_(initial_bytes) {}
  ContiguousStack(const ContiguousStack&) = delete;
  ContiguousStack& operator=(const ContiguousStack&) = delete;
  ~ContiguousStack() { ::operator delete(static_cast<void*>(base_)); }

  /// A call: reserves `frame_bytes` and returns the frame's memory (valid until the next push,
  /// which may move the whole stack).
  std::byte* push(std::size_t frame_bytes) {
    if (capacity_ - used_ < frame_bytes) [[unlikely]]
      grow(frame_bytes);
    std::byte* frame = base_ + used_;
    used_ += frame_bytes;
    return frame;
  }

  /// A return from a frame of `frame_bytes`; returns the new top of stack.
  std::byte* pop(std::size_t frame_bytes) {
    used_ -= frame_bytes;
    return base_ + used_;
  }

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t growths() const noexcept { return growths_; }
  std::size_t bytes_copied() const noexcept { return bytes_copied_; }
  const std::byte* base() const noexcept { return base_; }

 private:
  [[gnu::noinline]] void grow(std::size_t frame_bytes) {
    std::size_t capacity = std::max<std::size_t>(capacity_ * 2, 1);
    while (capacity - used_ < frame_bytes)
      capacity *= 2;
    auto* fresh = static_cast<std::byte*>(::operator new(capacity));
    std::memcpy(fresh, base_, used_);
    ::operator delete(static_cast<void*>(base_));
    base_ = fresh;
    capacity_ = capacity;
    ++growths_;
    bytes_copied_ += used_;
  }

  std::byte* base_;
  std::size_t capacity_;
  std::size_t used_ = 0;
  std::size_t growths_ = 0;
  std::size_t bytes_copied_ = 0;
};

}  // namespace claimbench::go
