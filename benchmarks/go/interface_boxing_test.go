// Go twin of BM_Boxing (claims/interface-boxing.toml): a value handed over as an `any`, for an
// int64, a pointer and a 64-byte struct, vs the same value passed as its concrete type.
package twins

import "testing"

type big64 struct{ f [8]int64 }

// boxSink is where the callee keeps the interface, as fmt/log arguments, []any elements and
// map values do: the interface escapes, so the conversion must put a non-pointer value in a
// heap box (runtime.convT64 for 8-byte values, convTnoptr for other pointer-free ones) unless
// the runtime has a shortcut (values < 256: staticuint64s; zero-sized and single-byte values).
// This is the case the claim is about; the "-local" rows show the case escape analysis removes.
var boxSink any

var boxingSum int64

// go build -gcflags=-m (go1.19.8): "leaking param: x" for the three escaping callees, "x does
// not escape" for the -local ones; at the call sites "i escapes to heap" /
// "v escapes to heap" for any-int / any-64B and "does not escape" for the -local rows.
// -gcflags=-S: any-int calls runtime.convT64 per op, any-64B runtime.convTnoptr (64 bytes
// copied to a fresh object), any-pointer stores the pointer itself into the data word (no
// call); the -local rows build the box in the caller's frame.
//
//go:noinline
func sumBoxedInt(x any) int64 { boxSink = x; return x.(int64) }

//go:noinline
func sumBoxedPtr(x any) int64 { boxSink = x; return x.(*big64).f[0] }

//go:noinline
func sumBoxed64(x any) int64 { boxSink = x; v := x.(big64); return v.f[0] + v.f[7] }

//go:noinline
func sumLocalInt(x any) int64 { return x.(int64) }

//go:noinline
func sumLocal64(x any) int64 { v := x.(big64); return v.f[0] + v.f[7] }

//go:noinline
func sumConcreteInt(v int64) int64 { return v }

//go:noinline
func sumConcrete64(v big64) int64 { return v.f[0] + v.f[7] }

// One op = one conversion and call (the C++ op). Values start at 1000, above the 0-255 range
// that convT64 serves from runtime.staticuint64s without allocating (runtime/iface.go).
func BenchmarkBoxing(b *testing.B) {
	b.Run("concrete-int", func(b *testing.B) {
		b.ReportAllocs()
		var sum int64
		for i := int64(1000); i < int64(b.N)+1000; i++ {
			sum += sumConcreteInt(i)
		}
		boxingSum = sum
	})
	b.Run("any-int", func(b *testing.B) {
		b.ReportAllocs()
		var sum int64
		for i := int64(1000); i < int64(b.N)+1000; i++ {
			sum += sumBoxedInt(i)
		}
		boxingSum = sum
	})
	b.Run("any-pointer", func(b *testing.B) {
		b.ReportAllocs()
		storage := &big64{}
		var sum int64
		for i := int64(1000); i < int64(b.N)+1000; i++ {
			storage.f[0] = i
			sum += sumBoxedPtr(storage)
		}
		boxingSum = sum
	})
	b.Run("concrete-64B", func(b *testing.B) {
		b.ReportAllocs()
		var sum int64
		for i := int64(1000); i < int64(b.N)+1000; i++ {
			v := big64{[8]int64{i, i, i, i, i, i, i, i + 1}}
			sum += sumConcrete64(v)
		}
		boxingSum = sum
	})
	b.Run("any-64B", func(b *testing.B) {
		b.ReportAllocs()
		var sum int64
		for i := int64(1000); i < int64(b.N)+1000; i++ {
			v := big64{[8]int64{i, i, i, i, i, i, i, i + 1}}
			sum += sumBoxed64(v)
		}
		boxingSum = sum
	})
	// Not in the C++ suite: the same conversions into an interface that does not escape.
	b.Run("any-int-local", func(b *testing.B) {
		b.ReportAllocs()
		var sum int64
		for i := int64(1000); i < int64(b.N)+1000; i++ {
			sum += sumLocalInt(i)
		}
		boxingSum = sum
	})
	b.Run("any-64B-local", func(b *testing.B) {
		b.ReportAllocs()
		var sum int64
		for i := int64(1000); i < int64(b.N)+1000; i++ {
			v := big64{[8]int64{i, i, i, i, i, i, i, i + 1}}
			sum += sumLocal64(v)
		}
		boxingSum = sum
	})
	// A value below 256: convT64 returns a pointer into staticuint64s, no allocation.
	b.Run("any-int-small", func(b *testing.B) {
		b.ReportAllocs()
		var sum int64
		for i := 0; i < b.N; i++ {
			sum += sumBoxedInt(int64(i & 255))
		}
		boxingSum = sum
	})
}
