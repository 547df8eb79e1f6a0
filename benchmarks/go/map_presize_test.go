// Go twin of BM_MapPresize (claims/map-presize-no-shrink.toml): Go's own map, filled with 2^20
// (and 2^12) random uint64 keys with and without make's size hint, and walked after 99% of its
// keys are deleted vs a fresh map of the survivors. go1.19's map is the bucket map (8-slot
// buckets with tophash bytes, overflow chains, incremental doubling) that the C++ bucket-*
// variants model (GoBucketMap); the C++ swiss-* rows model Go 1.24+'s Swiss table instead.
package twins

import (
	"strconv"
	"testing"
	"unsafe"
)

const (
	mapEntries   = 1 << 20
	mapKeepEvery = 100
)

// mapKeys are splitmix64 outputs, the same keys as the C++ side.
func mapKeys(n int) []uint64 {
	keys := make([]uint64, n)
	state := uint64(0x243f6a8885a308d3)
	for i := range keys {
		state += 0x9e3779b97f4a7c15
		z := state
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		keys[i] = z ^ (z >> 31)
	}
	return keys
}

// mapBuckets reads the table size of a go1.19 map: the runtime's hmap header is
// {count int; flags uint8; B uint8; ...} (runtime/map.go), and the table has 2^B buckets of 8
// slots. Read through unsafe because Go exposes no capacity for maps.
func mapBuckets(m map[uint64]uint64) float64 {
	h := *(*unsafe.Pointer)(unsafe.Pointer(&m))
	return float64(uint64(1) << *(*uint8)(unsafe.Add(h, 9)))
}

var (
	mapSink    map[uint64]uint64
	mapWalkSum uint64
)

// Insert: one op = one insert (the C++ op; ns/op is overridden with time / (b.N × n)). Each
// iteration builds a new map and drops it; unlike the C++ side, dropping is free here and the
// GC's later work on the old maps falls inside the timing, as it does in a Go program.
// go tool objdump (go1.19.8): the fill loop CALLs runtime.mapassign_fast64 per key; the
// result goes to mapSink.
func BenchmarkMapPresize(b *testing.B) {
	for _, n := range []int{1 << 20, 1 << 12} {
		keys := mapKeys(n)
		for _, presize := range []bool{false, true} {
			presize := presize
			name := "grow/" + strconv.Itoa(n)
			if presize {
				name = "reserve/" + strconv.Itoa(n)
			}
			b.Run(name, func(b *testing.B) {
				start := procNowNanos()
				for it := 0; it < b.N; it++ {
					var m map[uint64]uint64
					if presize {
						m = make(map[uint64]uint64, len(keys))
					} else {
						m = make(map[uint64]uint64)
					}
					for i, k := range keys {
						m[k] = uint64(i)
					}
					mapSink = m
				}
				elapsed := procNowNanos() - start
				mapSink = nil
				b.ReportMetric(float64(elapsed)/float64(b.N)/float64(len(keys)), "ns/op")
			})
		}
	}
	// Walk: one op = one range over the whole map. The erased map keeps its 2^B buckets
	// (go1.19 never shrinks a map: golang/go#20135), so range visits every bucket.
	// go tool objdump (go1.19.8): CALL runtime.mapiterinit once per walk, then per element
	// CALL runtime.mapiternext and the key and value loaded through the iterator's pointers.
	// Each map is built only when its walk runs: building and erasing 2^20 keys costs ~0.25 s,
	// and the runner starts one process per variant per round (it was 23 s of a quick suite).
	keys := mapKeys(mapEntries)
	var ratio float64
	erasedMap := func() map[uint64]uint64 {
		erased := make(map[uint64]uint64)
		for i, k := range keys {
			erased[k] = uint64(i)
		}
		before := mapBuckets(erased)
		for i, k := range keys {
			if i%mapKeepEvery != 0 {
				delete(erased, k)
			}
		}
		ratio = mapBuckets(erased) / before
		return erased
	}
	freshMap := func() map[uint64]uint64 {
		fresh := make(map[uint64]uint64)
		for i := 0; i < mapEntries; i += mapKeepEvery {
			fresh[keys[i]] = uint64(i)
		}
		return fresh
	}
	for _, w := range []struct {
		name  string
		build func() map[uint64]uint64
	}{{"walk-erased", erasedMap}, {"walk-fresh", freshMap}} {
		w := w
		input := builtOnce(w.build) // outside the timing, by the first call that runs
		b.Run(w.name, func(b *testing.B) {
			m := input(b)
			var sum uint64
			for it := 0; it < b.N; it++ {
				for k, v := range m {
					sum += k ^ v
				}
			}
			mapWalkSum = sum
			if w.name == "walk-erased" {
				b.ReportMetric(ratio, "capacity_ratio")
			}
			b.ReportMetric(float64(len(m)), "elements")
			b.ReportMetric(mapBuckets(m)*8/float64(len(m)), "slots_per_element")
		})
	}
}
