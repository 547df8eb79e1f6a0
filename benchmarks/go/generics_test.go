// Go twin of BM_Generics (claims/generics-dictionary.toml): sort 64K int32 copied from one
// fixed shuffled source per op, with the compare inlined, through a func value, through a
// method of the type parameter (a dictionary call), and with the fully type-erased sort.Slice.
package twins

import (
	"math/rand"
	"sort"
	"testing"
)

const genericsElements = 64 * 1024 // 256 KiB of int32: in L2, as on the C++ side

// The three generic sorts are one algorithm written three times (a median-of-three quicksort
// with insertion sort below 12 elements), differing only in how they compare:
//   - sortOrdered[T genericsOrdered]: `<` on T. T = int32 is its own GC shape, so go1.19 stencils a
//     body for it and `<` is a CMPL inline: the monomorphised sort (the C++ std-sort, and what
//     slices.Sort on []int32 compiles to in later Go).
//   - sortFunc[T any](less func(a, b T) bool): one indirect CALL per compare through the func
//     value (slices.SortFunc's shape): the C++ fnptr-sort.
//   - sortMethod[T genericsLesser[T]]: a.Less(b) on the type parameter. go1.19 calls a method of a
//     type parameter through the dictionary (it loads the method's address from the hidden
//     dictionary argument and CALLs it): the generics dictionary of the claim itself. Twinned
//     with the C++ std-function-sort (the middle rung: one indirect call per compare).
//
// sort.Slice is the type-erased sort (reflect-built swapper, less through a closure over an
// index pair): go1.19's pdqsort_func, which the C++ slice-sort ports line for line (the variant
// keeps the name qsort, C's type-erased sort, which glibc runs as a merge sort).
// go tool objdump (go1.19.8): sortOrdered[go.shape.int32_0] has no CALL in its partition loop;
// sortFunc's has `CALL R..` per compare; sortMethod's loads from the dictionary and CALLs.
type genericsOrdered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint32 | ~uint64 | ~float64 | ~string
}

type genericsLesser[T any] interface{ Less(T) bool }

type genericsInt int32

func (a genericsInt) Less(b genericsInt) bool { return a < b }

func sortOrdered[T genericsOrdered](a []T) {
	for len(a) > 12 {
		m := len(a) / 2
		if a[m] < a[0] {
			a[m], a[0] = a[0], a[m]
		}
		if a[len(a)-1] < a[0] {
			a[len(a)-1], a[0] = a[0], a[len(a)-1]
		}
		if a[len(a)-1] < a[m] {
			a[len(a)-1], a[m] = a[m], a[len(a)-1]
		}
		p := a[m]
		i, j := 0, len(a)-1
		for i <= j {
			for a[i] < p {
				i++
			}
			for p < a[j] {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		if j+1 < len(a)-i { // recurse into the smaller part, loop on the larger
			sortOrdered(a[:j+1])
			a = a[i:]
		} else {
			sortOrdered(a[i:])
			a = a[:j+1]
		}
	}
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func sortFunc[T any](a []T, less func(a, b T) bool) {
	for len(a) > 12 {
		m := len(a) / 2
		if less(a[m], a[0]) {
			a[m], a[0] = a[0], a[m]
		}
		if less(a[len(a)-1], a[0]) {
			a[len(a)-1], a[0] = a[0], a[len(a)-1]
		}
		if less(a[len(a)-1], a[m]) {
			a[len(a)-1], a[m] = a[m], a[len(a)-1]
		}
		p := a[m]
		i, j := 0, len(a)-1
		for i <= j {
			for less(a[i], p) {
				i++
			}
			for less(p, a[j]) {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		if j+1 < len(a)-i {
			sortFunc(a[:j+1], less)
			a = a[i:]
		} else {
			sortFunc(a[i:], less)
			a = a[:j+1]
		}
	}
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && less(a[j], a[j-1]); j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func sortMethod[T genericsLesser[T]](a []T) {
	for len(a) > 12 {
		m := len(a) / 2
		if a[m].Less(a[0]) {
			a[m], a[0] = a[0], a[m]
		}
		if a[len(a)-1].Less(a[0]) {
			a[len(a)-1], a[0] = a[0], a[len(a)-1]
		}
		if a[len(a)-1].Less(a[m]) {
			a[len(a)-1], a[m] = a[m], a[len(a)-1]
		}
		p := a[m]
		i, j := 0, len(a)-1
		for i <= j {
			for a[i].Less(p) {
				i++
			}
			for p.Less(a[j]) {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		if j+1 < len(a)-i {
			sortMethod(a[:j+1])
			a = a[i:]
		} else {
			sortMethod(a[i:])
			a = a[:j+1]
		}
	}
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j].Less(a[j-1]); j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

var (
	genericsLess = func(a, b int32) bool { return a < b }
	genericsSink []int32
)

// One op = one element sorted (the C++ op: ns/op is overridden with time / (b.N × 64K)).
// Each iteration copies the fixed shuffled source into the work slice and sorts it; the work
// slice goes to genericsSink so the sort is not dead.
func BenchmarkGenerics(b *testing.B) {
	source := make([]int32, genericsElements)
	for i := range source {
		source[i] = int32(i)
	}
	rand.New(rand.NewSource(42)).Shuffle(len(source), func(i, j int) {
		source[i], source[j] = source[j], source[i]
	})
	work := make([]int32, genericsElements)
	typed := make([]genericsInt, genericsElements)
	variants := []struct {
		name string
		sort func()
	}{
		{"std-sort", func() { copy(work, source); sortOrdered(work) }},
		{"fnptr-sort", func() { copy(work, source); sortFunc(work, genericsLess) }},
		{"std-function-sort", func() {
			for i, v := range source {
				typed[i] = genericsInt(v)
			}
			sortMethod(typed)
		}},
		{"qsort", func() {
			copy(work, source)
			sort.Slice(work, func(i, j int) bool { return work[i] < work[j] })
		}},
		{"copy-only", func() { copy(work, source) }},
	}
	for _, v := range variants {
		v := v
		v.sort()
		if v.name != "copy-only" && v.name != "std-function-sort" &&
			!sort.SliceIsSorted(work, func(i, j int) bool { return work[i] < work[j] }) {
			b.Fatalf("%s: the result is not sorted", v.name)
		}
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			start := procNowNanos()
			for i := 0; i < b.N; i++ {
				v.sort()
			}
			elapsed := procNowNanos() - start
			genericsSink = work
			b.ReportMetric(float64(elapsed)/float64(b.N)/genericsElements, "ns/op")
		})
	}
	for i := 1; i < len(typed); i++ {
		if typed[i] < typed[i-1] {
			b.Fatal("std-function-sort: the result is not sorted")
		}
	}
}
