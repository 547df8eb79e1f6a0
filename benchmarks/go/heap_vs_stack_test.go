// Go twin of BM_HeapVsStack (claims/heap-vs-stack.toml): return a small struct by value vs
// return a pointer to a fresh one, which escape analysis moves to the heap.
package twins

import "testing"

type point3 struct{ x, y, z int64 }

// Both kept out of line, as the C++ side's noinline: inlined, makePoint would vanish and
// escape analysis could keep newPoint's object on the caller's stack.
//
// go build -gcflags=-m (go1.19.8): "&point3{...} escapes to heap" in newPoint; makePoint
// allocates nothing. go test -gcflags=-S: makePoint returns x, y, z in AX, BX, CX (register
// ABI); newPoint calls runtime.newobject(type.point3) and stores the three fields.
//
//go:noinline
func makePoint(i int64) point3 { return point3{i, i + 1, i + 2} }

//go:noinline
func newPoint(i int64) *point3 { return &point3{i, i + 1, i + 2} }

var heapVsStackSink int64

// One op = one call (the C++ op). The hot loops (checked with -gcflags=-S): a CALL to
// makePoint / newPoint per iteration and an add of two of the returned fields into a register
// sum, stored to heapVsStackSink after the loop; the caller drops the pointer at once, so each
// heap op leaves one 24-byte object (size class 24) to the GC.
func BenchmarkHeapVsStack(b *testing.B) {
	b.Run("value", func(b *testing.B) {
		b.ReportAllocs()
		var sum int64
		for i := 0; i < b.N; i++ {
			p := makePoint(int64(i))
			sum += p.x + p.z
		}
		heapVsStackSink = sum
	})
	b.Run("heap", func(b *testing.B) {
		b.ReportAllocs()
		var sum int64
		for i := 0; i < b.N; i++ {
			p := newPoint(int64(i))
			sum += p.x + p.z
		}
		heapVsStackSink = sum
	})
}
