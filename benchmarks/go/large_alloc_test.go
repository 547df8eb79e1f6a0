// Go twin of BM_LargeAlloc (claims/large-alloc-path.toml): small vs large allocations, and the
// fresh-pages path, each touching one byte per 4 KiB page of its block.
package twins

import (
	"strconv"
	"syscall"
	"testing"
)

const largeAllocPage = 4096

var largeAllocSink []byte

// largeAllocTouch writes one byte per page, as a program filling the buffer would.
func largeAllocTouch(block []byte, v byte) {
	for off := 0; off < len(block); off += largeAllocPage {
		block[off] = v
	}
}

// Go's split is at 32 KiB (runtime/sizeclasses.go: _MaxSmallSize = 32768): up to 32 KiB a
// block comes from the P's mcache span of its size class; above it, mallocgc's large path
// (mcache.allocLarge → mheap.alloc, a span of whole pages, from the P's page cache or under
// the heap lock) and it is zeroed unless the pages are fresh from the OS (needzero). So
// "make/32768" is the largest small allocation and "make/65536" is already on the large path,
// unlike glibc, whose threshold is 128 KiB. "mmap/1048576" is what the C++ side's hand-run
// path does: fresh pages from the kernel each time (Go takes fresh pages only when the heap
// grows; a steady-state loop reuses swept spans). The C++ analogue of make/1048576 is
// go-large/1048576, a model of this page heap (benchmarks/analogues/go_page_heap.hpp); it
// does not model the GC's mark work, about half of make/1048576's CPU time in pprof here.
//
// Hot loops (go test -gcflags=-S, go1.19.8): make([]byte, n) with the result stored to the
// package-level sink ("make([]byte, n) escapes to heap" in -gcflags=-m) is a call to
// runtime.makeslice per op; then the byte-store loop with stride 4096; nothing is elided.
func BenchmarkLargeAlloc(b *testing.B) {
	for _, n := range []int{32 << 10, 64 << 10, 1 << 20} {
		n := n
		b.Run("make/"+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			faults := procMinorFaults()
			for i := 0; i < b.N; i++ {
				block := make([]byte, n)
				largeAllocTouch(block, byte(i))
				largeAllocSink = block
			}
			b.ReportMetric((procMinorFaults()-faults)/float64(b.N), "page-faults")
		})
	}
	b.Run("mmap/1048576", func(b *testing.B) {
		const n = 1 << 20
		faults := procMinorFaults()
		for i := 0; i < b.N; i++ {
			block, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE,
				syscall.MAP_PRIVATE|syscall.MAP_ANON)
			if err != nil {
				b.Fatalf("mmap of 1 MiB failed: %v", err)
			}
			largeAllocTouch(block, byte(i))
			if err := syscall.Munmap(block); err != nil {
				b.Fatalf("munmap failed: %v", err)
			}
		}
		b.ReportMetric((procMinorFaults()-faults)/float64(b.N), "page-faults")
	})
}
