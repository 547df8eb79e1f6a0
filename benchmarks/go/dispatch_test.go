// Go twin of BM_Dispatch (claims/dynamic-dispatch.toml): f(x) = 3x+1 over 4096 uint32 called
// directly (inlined), through an interface, through an interface the compiler can see the
// concrete type of, and through a func value.
package twins

import "testing"

const dispatchElements = 4096

type dispatchOp interface{ Apply(x uint32) uint32 }

type dispatchAffine struct{}
type dispatchMix struct{}
type dispatchRotate struct{}

func (dispatchAffine) Apply(x uint32) uint32 { return x*3 + 1 }
func (dispatchMix) Apply(x uint32) uint32    { return x ^ 0x9e3779b9 }
func (dispatchRotate) Apply(x uint32) uint32 { return x<<7 | x>>25 }

// Three implementations behind an index the compiler cannot see (dispatchPick is a package
// variable), so the interface call stays indirect, as the C++ virtual call does.
var (
	dispatchOps   = [3]dispatchOp{dispatchAffine{}, dispatchMix{}, dispatchRotate{}}
	dispatchFuncs = [3]func(uint32) uint32{
		func(x uint32) uint32 { return x*3 + 1 },
		func(x uint32) uint32 { return x ^ 0x9e3779b9 },
		func(x uint32) uint32 { return x<<7 | x>>25 },
	}
	dispatchPick int
	dispatchSum  uint32
	dispatchData = func() *[dispatchElements]uint32 {
		var d [dispatchElements]uint32
		for i := range d {
			d[i] = uint32(i + 1)
		}
		return &d
	}()
)

// One op = one call on one element (the C++ op); the loop walks the 4096 elements over and
// over (i & 4095: the array length is a constant, so there is no bounds check).
// Go's compiler does not vectorise, so "direct" and "direct-scalar" are the same Go loop;
// both names exist so that each C++ variant has its twin.
//
// go tool objdump of the test binary (go1.19.8), per element:
//   - direct: Apply inlined: LEAL (DI)(DI*2) and two LEALs into the sum; no CALL.
//   - virtual: the method pointer reloaded from the itab (MOVQ 0x18(SI)) and CALL DI. Go's
//     ABI has no callee-saved registers, so the loop spills the sum and counter before the
//     call and reloads five values after it: more per call than the C++ virtual call pays.
//   - final: -gcflags=-m=2 says "devirtualizing op.Apply to dispatchAffine", but go1.19
//     devirtualises after inlining, so it becomes a direct CALL dispatchAffine.Apply, not
//     inlined (the same spills around the call): Go's "final" is a direct, out-of-line call.
//   - std-function: CALL through the closure's code pointer (DX = the closure), same spills.
//
// The b.N bound is re-read from memory (CMPQ 0x190(AX)) in every loop alike.
func dispatchLoopDirect(b *testing.B) {
	var f dispatchAffine
	d := dispatchData
	var sum uint32
	for i := 0; i < b.N; i++ {
		sum += f.Apply(d[i&(dispatchElements-1)])
	}
	dispatchSum = sum
}

func BenchmarkDispatch(b *testing.B) {
	b.Run("direct", dispatchLoopDirect)
	b.Run("direct-scalar", dispatchLoopDirect)
	b.Run("virtual", func(b *testing.B) {
		op := dispatchOps[dispatchPick]
		d := dispatchData
		var sum uint32
		for i := 0; i < b.N; i++ {
			sum += op.Apply(d[i&(dispatchElements-1)])
		}
		dispatchSum = sum
	})
	b.Run("final", func(b *testing.B) {
		var op dispatchOp = dispatchAffine{}
		d := dispatchData
		var sum uint32
		for i := 0; i < b.N; i++ {
			sum += op.Apply(d[i&(dispatchElements-1)])
		}
		dispatchSum = sum
	})
	b.Run("std-function", func(b *testing.B) {
		fn := dispatchFuncs[dispatchPick]
		d := dispatchData
		var sum uint32
		for i := 0; i < b.N; i++ {
			sum += fn(d[i&(dispatchElements-1)])
		}
		dispatchSum = sum
	})
}
