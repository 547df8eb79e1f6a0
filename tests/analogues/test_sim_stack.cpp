// Tests for claimbench::go::SegmentedStack and ContiguousStack (analogues/sim_stack.hpp).
#include <catch2/catch.hpp>

#include "analogues/sim_stack.hpp"

#include <cstddef>
#include <cstring>
#include <vector>

using claimbench::go::ContiguousStack;
using claimbench::go::SegmentedStack;

namespace {

constexpr std::size_t kSegment = 1024;
constexpr std::size_t kFrame = 128;  // 8 frames fill a segment

void fill(std::byte* frame, std::size_t bytes, int tag) {
  std::memset(frame, tag & 0xff, bytes);
}

bool holds(const std::byte* frame, std::size_t bytes, int tag) {
  for (std::size_t i = 0; i < bytes; ++i) {
    if (frame[i] != static_cast<std::byte>(tag & 0xff)) return false;
  }
  return true;
}

// Recurses `depth` frames deep, each frame tagged with its depth, and checks on the way back
// that every frame still holds its own tag (frames neither overlap nor lose contents when the
// stack grows or splits). Returns false on the first damaged frame.
template <class Stack>
bool recurse(Stack& stack, std::size_t frame_bytes, int depth) {
  if (depth == 0) return true;
  fill(stack.push(frame_bytes), frame_bytes, depth);
  const bool deeper = recurse(stack, frame_bytes, depth - 1);
  // The callee returned: the top of stack is the end of this frame again.
  std::byte* end = stack.pop(frame_bytes);
  (void)end;
  return deeper;
}

template <class Stack>
bool recurse_checked(Stack& stack, std::size_t frame_bytes, int depth) {
  if (depth == 0) return true;
  fill(stack.push(frame_bytes), frame_bytes, depth);
  if (!recurse_checked(stack, frame_bytes, depth - 1)) return false;
  // After the callee's pop the top of stack is the end of this frame; it must still hold its tag.
  std::byte* end_of_callee = stack.push(0);  // zero-size push: current top, no change
  const bool ok = holds(end_of_callee - frame_bytes, frame_bytes, depth);
  stack.pop(frame_bytes);
  return ok;
}

}  // namespace

TEMPLATE_TEST_CASE("sim_stack: frames keep their contents through deep recursion",
                   "[analogues][sim_stack]", SegmentedStack, ContiguousStack) {
  TestType stack(kSegment);
  CHECK(recurse_checked(stack, kFrame, 100));      // 100 frames: many segments / several doublings
  CHECK(recurse_checked(stack, 3 * kSegment, 5));  // frames larger than a segment
  CHECK(recurse(stack, kFrame, 20));
}

TEST_CASE("sim_stack: segmented stack splits at the boundary and frees on return",
          "[analogues][sim_stack]") {
  SegmentedStack stack(kSegment);
  CHECK(stack.segments_in_use() == 1);
  std::vector<std::byte*> frames;
  for (std::size_t i = 0; i < kSegment / kFrame; ++i)
    frames.push_back(stack.push(kFrame));
  CHECK(stack.segments_allocated() == 1);  // the first segment is exactly full, no split yet
  for (std::size_t i = 1; i < frames.size(); ++i)
    CHECK(frames[i] == frames[i - 1] + kFrame);

  // The hot split: one call across the boundary and back, ten times.
  for (int i = 0; i < 10; ++i) {
    std::byte* callee = stack.push(kFrame);
    CHECK(stack.segments_in_use() == 2);
    CHECK(callee != frames.back() + kFrame);  // the callee's frame is in another segment
    std::byte* top = stack.pop(kFrame);
    CHECK(top == frames.back() + kFrame);  // back in the first segment, at its end
    CHECK(stack.segments_in_use() == 1);
  }
  CHECK(stack.segments_allocated() == 11);
  CHECK(stack.segments_freed() == 10);

  // A frame bigger than a segment gets a segment of its own size.
  std::byte* big = stack.push(4 * kSegment);
  std::memset(big, 0x5a, 4 * kSegment);
  CHECK(stack.segments_in_use() == 2);
  stack.pop(4 * kSegment);
  CHECK(stack.segments_in_use() == 1);
}

TEST_CASE("sim_stack: segmented frames never move", "[analogues][sim_stack]") {
  SegmentedStack stack(kSegment);
  std::byte* first = stack.push(kFrame);
  fill(first, kFrame, 7);
  for (int i = 0; i < 50; ++i)
    stack.push(kFrame);  // several more segments
  CHECK(stack.segments_in_use() > 1);
  CHECK(holds(first, kFrame, 7));  // same address, still valid
  for (int i = 0; i < 50; ++i)
    stack.pop(kFrame);
  CHECK(stack.pop(kFrame) == first);
  CHECK(stack.segments_in_use() == 1);
}

TEST_CASE("sim_stack: contiguous stack doubles, copies once and keeps its capacity",
          "[analogues][sim_stack]") {
  ContiguousStack stack(kSegment);
  for (std::size_t i = 0; i < kSegment / kFrame; ++i)
    fill(stack.push(kFrame), kFrame, 1);
  CHECK(stack.growths() == 0);
  const std::byte* before = stack.base();

  // The same oscillation that splits a segmented stack: only the first call grows.
  for (int i = 0; i < 10; ++i) {
    stack.push(kFrame);
    stack.pop(kFrame);
  }
  CHECK(stack.growths() == 1);
  CHECK(stack.capacity() == 2 * kSegment);
  CHECK(stack.bytes_copied() == kSegment);  // the used part, once
  CHECK(stack.base() != before);            // the stack moved
  CHECK(holds(stack.base(), kSegment, 1));  // with its frames' contents

  // Deeper still: doubles until a frame fits.
  stack.push(5 * kSegment);
  CHECK(stack.capacity() == 8 * kSegment);
  CHECK(stack.growths() == 2);
  CHECK(stack.bytes_copied() == kSegment + kSegment);
  stack.pop(5 * kSegment);
  CHECK(stack.capacity() == 8 * kSegment);  // no shrinking on return
}
