// Go twin of BM_FieldOrder (claims/struct-field-order.toml): summing one int64 field over a
// slice of {bool; int64; bool; int64; bool} (40 bytes) vs its largest-first order (24 bytes).
package twins

import (
	"strconv"
	"testing"
	"unsafe"
)

type declaredOrder struct {
	active  bool
	id      int64
	dirty   bool
	value   int64
	visible bool
}

type largestFirst struct {
	id      int64
	value   int64
	active  bool
	dirty   bool
	visible bool
}

var fieldOrderSum int64

// One op = one element summed (the C++ op): b.N elements in whole passes over the slice (the
// last pass cut short), each pass the C++ loop's shape. go tool objdump (go1.19.8): per
// element LEAQ (i)(i*4) for the 40-byte stride (i*2 for 24), one MOVQ of the field
// (0x18(base)(idx*8)), ADDQ into the sum, and the counter's LEAQ/CMPQ/JL: scalar, one load
// per element, as the C++ loop; the sum goes to fieldOrderSum. The slices are allocated
// and filled outside the timing (2^23 elements: 320 MiB vs 192 MiB, far past the LLC), by
// the first call of the variant that uses them: filling both large slices in every process cost
// 0.2 s a process, 4.8 s of a quick suite (the runner starts one process per variant and round).
func fieldOrderDeclared(n int) func(*testing.B) {
	input := builtOnce(func() []declaredOrder {
		items := make([]declaredOrder, n)
		for i := range items {
			items[i].value, items[i].id, items[i].active = int64(i), int64(i*3), i&1 != 0
		}
		return items
	})
	return func(b *testing.B) {
		items := input(b)
		var sum int64
		for done := 0; done < b.N; {
			part := items
			if rest := b.N - done; rest < len(part) {
				part = part[:rest]
			}
			for i := range part {
				sum += part[i].value
			}
			done += len(part)
		}
		fieldOrderSum = sum
		b.ReportMetric(float64(unsafe.Sizeof(declaredOrder{})), "struct_bytes")
	}
}

func fieldOrderLargest(n int) func(*testing.B) {
	input := builtOnce(func() []largestFirst {
		items := make([]largestFirst, n)
		for i := range items {
			items[i].value, items[i].id, items[i].active = int64(i), int64(i*3), i&1 != 0
		}
		return items
	})
	return func(b *testing.B) {
		items := input(b)
		var sum int64
		for done := 0; done < b.N; {
			part := items
			if rest := b.N - done; rest < len(part) {
				part = part[:rest]
			}
			for i := range part {
				sum += part[i].value
			}
			done += len(part)
		}
		fieldOrderSum = sum
		b.ReportMetric(float64(unsafe.Sizeof(largestFirst{})), "struct_bytes")
	}
}

func BenchmarkFieldOrder(b *testing.B) {
	// The same sizes as the C++ static_asserts (Go on amd64 aligns int64 to 8, as C++ does).
	// Checked at run time: go1.19's go/types (and so go vet) computes 33 for declaredOrder, as
	// its StdSizes does not round a struct's size up to its alignment; the compiler says 40.
	if unsafe.Sizeof(declaredOrder{}) != 40 || unsafe.Sizeof(largestFirst{}) != 24 {
		b.Fatalf("struct sizes %d and %d, want 40 and 24",
			unsafe.Sizeof(declaredOrder{}), unsafe.Sizeof(largestFirst{}))
	}
	for _, n := range []int{1 << 23, 1 << 13} {
		b.Run("declared-order/"+strconv.Itoa(n), fieldOrderDeclared(n))
		b.Run("largest-first/"+strconv.Itoa(n), fieldOrderLargest(n))
	}
}
