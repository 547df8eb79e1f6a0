// Go twin of BM_Reserve (claims/virtual-reservation.toml): an 8 GiB MAP_NORESERVE mapping, the
// call Go's runtime uses to reserve arenas, and what touching 1024 of its pages costs.
package twins

import (
	"syscall"
	"testing"
)

const (
	reserveBytes   = 8 << 30
	reserveTouched = 1024
	reserveStride  = reserveBytes / reserveTouched // 8 MiB: spread over the whole reservation
)

func reserveMap(b *testing.B) []byte {
	region, err := syscall.Mmap(-1, 0, reserveBytes, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		b.Fatalf("mmap of 8 GiB failed (vm.overcommit_memory = 2?): %v", err)
	}
	// One 4 KiB page per touch whatever the THP setting, as on the C++ side.
	_ = syscall.Madvise(region, syscall.MADV_NOHUGEPAGE)
	return region
}

// The touch loop is a byte store every 8 MiB into the mapping (opaque to the compiler); the
// faults are read from getrusage around it.
func BenchmarkReserve(b *testing.B) {
	b.Run("reserve", func(b *testing.B) { // one op = one reservation
		var delta float64
		for i := 0; i < b.N; i++ {
			before := procRSSBytes()
			region := reserveMap(b)
			delta += procRSSBytes() - before
			if err := syscall.Munmap(region); err != nil {
				b.Fatalf("munmap failed: %v", err)
			}
		}
		b.ReportMetric(delta/float64(b.N), "rss_delta_bytes")
	})
	b.Run("touch", func(b *testing.B) { // one op = one touched page, as on the C++ side
		// b.N pages are touched in experiments of up to 1024 (the last may be shorter), so
		// ns/op is per touched page with the map and unmap spread over them, as in C++.
		var faults, rssPages, pte float64
		experiments := 0
		for done := 0; done < b.N; done += reserveTouched {
			before := procRSSBytes()
			pteBefore := procStatusBytes("VmPTE")
			region := reserveMap(b)
			touches := b.N - done
			if touches > reserveTouched {
				touches = reserveTouched
			}
			f := procMinorFaults()
			for k := 0; k < touches; k++ {
				region[k*reserveStride] = 1
			}
			faults += procMinorFaults() - f
			rssPages += (procRSSBytes() - before) / float64(procPageSize)
			pte += procStatusBytes("VmPTE") - pteBefore
			if err := syscall.Munmap(region); err != nil {
				b.Fatalf("munmap failed: %v", err)
			}
			experiments++
		}
		pages := float64(b.N)
		b.ReportMetric(faults/pages, "page-faults")
		b.ReportMetric(rssPages/pages, "rss_pages")
		b.ReportMetric(pte/float64(experiments), "pte_bytes")
	})
}
