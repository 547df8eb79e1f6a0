/// Marks an allocator model's free slots for AddressSanitizer (no-ops in other builds).
#pragma once

// A model allocator (GoSpanAlloc, GoHeap) hands out slots of memory it got in bulk, so ASan
// sees none of its frees: poisoning a slot from its free until it is handed out again makes a
// use of a freed object a report, as with malloc.
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define CLAIMBENCH_SPAN_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define CLAIMBENCH_SPAN_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define CLAIMBENCH_SPAN_POISON(p, n) static_cast<void>(0)
#define CLAIMBENCH_SPAN_UNPOISON(p, n) static_cast<void>(0)
#endif
