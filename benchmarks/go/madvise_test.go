// Go twin of BM_Madvise (claims/madvise-rss.toml): the two madvise calls Go's scavenger uses,
// on 256 MiB of anonymous memory, and what the Go 1.19 runtime itself does with a freed heap.
package twins

import (
	"runtime"
	"runtime/debug"
	"syscall"
	"testing"
)

const (
	madviseBytes = 256 << 20
	// MADV_FREE is 8 on Linux; Go 1.19's syscall package does not export it (the runtime has
	// its own copy, _MADV_FREE, in runtime/defs_linux_amd64.go).
	madvFree = 8
)

var madviseSink []byte

func madviseTouch(region []byte) {
	for off := 0; off < len(region); off += procPageSize {
		region[off] = 1
	}
}

// One op = one experiment (the C++ op): map, touch every page, read RSS, advise, read RSS,
// touch again counting faults, unmap. The loops are plain byte stores into mmapped memory
// (not Go heap), which the compiler cannot drop (the slice's backing array is opaque to it).
func madviseExperiment(b *testing.B, advice int) {
	var touched, after, retained, refaults float64
	pages := float64(madviseBytes / procPageSize)
	for i := 0; i < b.N; i++ {
		before := procRSSBytes()
		region, err := syscall.Mmap(-1, 0, madviseBytes, syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_PRIVATE|syscall.MAP_ANON)
		if err != nil {
			b.Fatalf("mmap of 256 MiB failed: %v", err)
		}
		// 4 KiB pages whatever the THP setting, as on the C++ side.
		_ = syscall.Madvise(region, syscall.MADV_NOHUGEPAGE)
		madviseTouch(region)
		resident := procRSSBytes() - before
		if err := syscall.Madvise(region, advice); err != nil {
			b.Fatalf("madvise(%d) failed: %v", advice, err)
		}
		left := procRSSBytes() - before
		faults := procMinorFaults()
		madviseTouch(region)
		refaults += procMinorFaults() - faults
		touched += resident
		after += left
		if resident > 0 {
			retained += left / resident
		}
		if err := syscall.Munmap(region); err != nil {
			b.Fatalf("munmap failed: %v", err)
		}
	}
	n := float64(b.N)
	b.ReportMetric(touched/n, "rss_touched_bytes")
	b.ReportMetric(after/n, "rss_after_advice_bytes")
	b.ReportMetric(retained/n, "retained_fraction")
	b.ReportMetric(refaults/pages/n, "retouch_faults_per_page")
}

func BenchmarkMadvise(b *testing.B) {
	b.Run("dontneed", func(b *testing.B) { madviseExperiment(b, syscall.MADV_DONTNEED) })
	b.Run("free", func(b *testing.B) { madviseExperiment(b, madvFree) })
	// Not in the C++ suite: what the Go runtime does. A 256 MiB []byte is written, dropped,
	// and debug.FreeOSMemory() runs a GC and returns free pages (the scavenger's work, done at
	// once). Go 1.16+ releases with MADV_DONTNEED by default (GODEBUG=madvdontneed=1), so RSS
	// should fall; under GODEBUG=madvdontneed=0 it uses MADV_FREE and RSS stays.
	b.Run("go-heap", func(b *testing.B) {
		var retained float64
		for i := 0; i < b.N; i++ {
			debug.FreeOSMemory()
			before := procRSSBytes()
			buf := make([]byte, madviseBytes)
			madviseTouch(buf)
			madviseSink = buf
			resident := procRSSBytes() - before
			madviseSink = nil
			runtime.KeepAlive(buf)
			buf = nil
			debug.FreeOSMemory()
			if resident > 0 {
				retained += (procRSSBytes() - before) / resident
			}
		}
		b.ReportMetric(retained/float64(b.N), "retained_fraction")
	})
}
