// Twin of BM_CasLoop (claims/cas-loop.toml): atomic Add vs the seed's CompareAndSwap retry loop.
package twins

import (
	"sync/atomic"
	"testing"
)

var casCounter struct { // one counter for every worker, on a line pair of its own
	_ [128]byte
	n atomic.Int64
	_ [120]byte
}

// BenchmarkCasLoop: one op = one increment of the shared counter; -test.cpu 1 and 2.
// add: atomic.Int64.Add (LOCK XADDQ). cas-go: the seed's loop (004 Q15): `old := n.Load(); if
// n.CompareAndSwap(old, old+1) { break }`, reloading before every retry because Go's
// CompareAndSwap returns only a bool. Go cannot write the C++ idiom (retry with the value
// CMPXCHG left in RAX), so both C++ CAS variants (cas and cas-go) have this one twin.
// cas_failures = failed CompareAndSwaps per op, as the C++ counter.
//
// Disassembly (go tool objdump -s CasLoop, Go 1.19 amd64): add is one LOCK XADDQ per op; cas-go
// is MOVQ (load), LEAQ 1, LOCK CMPXCHGQ, SETEQ, and on failure an INCQ of the failure count in
// a register and a jump back to the MOVQ load.
func BenchmarkCasLoop(b *testing.B) {
	b.Run("add", func(b *testing.B) {
		runWorkers(b, func(_, ops int) {
			for i := 0; i < ops; i++ {
				casCounter.n.Add(1)
			}
		})
	})
	b.Run("cas-go", func(b *testing.B) {
		var failures atomic.Int64
		runWorkers(b, func(_, ops int) {
			var f int64
			for i := 0; i < ops; i++ {
				for {
					old := casCounter.n.Load()
					if casCounter.n.CompareAndSwap(old, old+1) {
						break
					}
					f++
				}
			}
			failures.Add(f)
		})
		b.ReportMetric(float64(failures.Load())/float64(b.N), "cas_failures")
	})
}
