// Go twin of BM_SliceGrowth (claims/slice-growth.toml): build a 1,000,000-element []int64 by
// appending one element at a time, from a nil slice (append's real growth, runtime.growslice)
// or after make([]int64, 0, n).
package twins

import "testing"

const sliceElements = 1_000_000

var sliceSink []int64

// sliceGrowthCounts replays the from-nil build once, untimed, counting the growths (cap
// changes) and the bytes each copied: deterministic for a given Go release (go1.19:
// nextslicecap doubles below 256 elements, then newcap += (newcap + 3*256)/4, then
// roundupsize to a size class or to whole pages; runtime/slice.go growslice).
func sliceGrowthCounts() (grows, copied float64) {
	var s []int64
	for i := 0; i < sliceElements; i++ {
		c := cap(s)
		s = append(s, int64(i))
		if cap(s) != c {
			grows++
			copied += float64(i * 8)
		}
	}
	return grows, copied
}

// One op = one build of 1M elements (the C++ op). go tool objdump (go1.19.8): per element a
// compare of len+1 against cap, the store of i, and, when full, a CALL runtime.growslice (a new
// array from mallocgc, memmove of the old elements, the tail cleared for pointer-free types
// only as far as needed); the result goes to sliceSink so nothing is dead. go-make's make is
// one runtime.makeslice of 8 MB (a large object, zeroed unless its pages are fresh).
// The old arrays are garbage, freed by the GC later (C++ frees each at once).
func BenchmarkSliceGrowth(b *testing.B) {
	grows, copied := sliceGrowthCounts()
	b.Run("go-rule", func(b *testing.B) {
		b.ReportAllocs()
		for n := 0; n < b.N; n++ {
			var s []int64
			for i := 0; i < sliceElements; i++ {
				s = append(s, int64(i))
			}
			sliceSink = s
		}
		b.ReportMetric(grows, "grows")
		b.ReportMetric(copied, "copied_bytes")
	})
	b.Run("go-make", func(b *testing.B) {
		b.ReportAllocs()
		for n := 0; n < b.N; n++ {
			s := make([]int64, 0, sliceElements)
			for i := 0; i < sliceElements; i++ {
				s = append(s, int64(i))
			}
			sliceSink = s
		}
		b.ReportMetric(0, "grows")
		b.ReportMetric(0, "copied_bytes")
	})
}
