// Go-only claim async-preemption (004 Q3): with one P, how long a runnable goroutine waits
// while another spins in a loop without calls, which since Go 1.14 sysmon preempts by signal.
package twins

import (
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// spinCounter is written by the spinner so the loop has a visible effect.
var spinCounter uint64

// spinWithoutCalls is the seed's `for { }` with an exit: atomic.LoadUint32 is an intrinsic (a
// plain MOVL on amd64), so the loop body has no call and thus no cooperative preemption point.
// Checked with `go test -gcflags=-S`: the loop is MOVL/INCQ/TESTL/JEQ with no CALL.
func spinWithoutCalls(stop *uint32, done *sync.WaitGroup) {
	n := uint64(0)
	for atomic.LoadUint32(stop) == 0 {
		n++
	}
	spinCounter = n
	done.Done()
}

// BenchmarkAsyncPreemption: each op starts a spinner, yields the only P to it, and times how
// long until this goroutine runs again, which only happens when the runtime preempts the spinner.
// Run it with -test.cpu 1 (the claim's one P); with more Ps the wait is near zero.
func BenchmarkAsyncPreemption(b *testing.B) {
	b.Run("call-free-loop", func(b *testing.B) {
		if runtime.GOMAXPROCS(0) != 1 {
			b.Skipf("needs GOMAXPROCS=1 (got %d): with a free P nobody waits", runtime.GOMAXPROCS(0))
		}
		waits := make([]float64, 0, b.N)
		for i := 0; i < b.N; i++ {
			var stop uint32
			var done sync.WaitGroup
			done.Add(1)
			go spinWithoutCalls(&stop, &done) // goes to runnext: it runs at our next yield
			start := time.Now()
			runtime.Gosched() // we go to the global queue; the spinner takes the P
			waits = append(waits, float64(time.Since(start))/1e6)
			atomic.StoreUint32(&stop, 1)
			done.Wait()
		}
		sort.Float64s(waits)
		b.ReportMetric(waits[len(waits)/2], "preempt-wait-ms")
		b.ReportMetric(waits[len(waits)-1], "preempt-wait-max-ms")
	})
}
