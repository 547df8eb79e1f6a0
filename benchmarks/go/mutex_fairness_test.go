// Twin of BM_MutexFairness (claims/mutex-fairness.toml): sync.Mutex (barging) vs a FIFO ticket lock.
package twins

import (
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// mfTicket is a FIFO ticket lock: the Go stand-in for sync.Mutex's starvation mode, where the
// unlocker hands the lock to the oldest waiter. Waiters spin, then yield their P (Gosched) the
// way a parked goroutine gives its thread to other work; never an OS sleep.
type mfTicket struct {
	next    atomic.Uint32
	_       [60]byte
	serving atomic.Uint32
}

func (l *mfTicket) Lock() {
	t := l.next.Add(1) - 1
	for spins := 0; l.serving.Load() != t; spins++ {
		if spins >= 100 {
			runtime.Gosched()
		}
	}
}
func (l *mfTicket) Unlock() { l.serving.Add(1) }

// mfHist is a log-scale histogram of waits in ns: 4 buckets per power of two.
type mfHist [64 * 4]uint64

func (h *mfHist) record(ns int64) {
	if ns < 1 {
		ns = 1
	}
	u := uint64(ns)
	e := bits.Len64(u) - 1
	sub := 0
	if e >= 2 {
		sub = int(u>>(e-2)) & 3
	}
	h[e*4+sub]++
}

func mfPercentile(h *mfHist, q float64) float64 {
	var total uint64
	for _, c := range h {
		total += c
	}
	want := uint64(q * float64(total))
	var seen uint64
	for i, c := range h {
		seen += c
		if seen > want {
			e, sub := i/4, i%4
			return float64(uint64(1)<<e) * (1 + float64(sub)/4)
		}
	}
	return 0
}

// mfProtected: one line updated in full by each critical section, as the C++ side.
type mfProtected struct{ words [8]int64 }

var mfSink atomic.Uint64

func mfOutsideWork(x uint64) uint64 { // ~50 ns dependent multiply-add chain outside the lock
	for i := 0; i < 32; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

// BenchmarkMutexFairness/{mutex,ticket}: one op = one lock round (all workers together), with
// -test.cpu 1 and 2. Every acquisition's wait (time.Now around Lock; the vDSO clock costs
// ~20-60 ns, the same for both locks) goes into a per-worker histogram; pooled p50/p99/p99.9
// are reported as wait_p50_ns, wait_p99_ns, wait_p999_ns. sync.Mutex is the twin of both C++
// barging locks (std-mutex, adaptive-mutex): Go's real mutex spins, parks, and switches to
// FIFO hand-off after a waiter has waited 1 ms (starvation mode).
//
// Disassembly (go tool objdump -s MutexFairness, Go 1.19 amd64): per op two CALL time.Now, the
// inlined lock fast path (LOCK CMPXCHGL / LOCK XADDL for the ticket), 8 ADDQ to the protected
// line, the unlock, the histogram INCQ, and the 32-step IMULQ chain (its result reaches mfSink).
func BenchmarkMutexFairness(b *testing.B) {
	run := func(b *testing.B, lock sync.Locker) {
		var data mfProtected
		n := runtime.GOMAXPROCS(0)
		hists := make([]mfHist, n)
		runWorkers(b, func(id, ops int) {
			h := &hists[id]
			x := uint64(id + 1)
			for i := 0; i < ops; i++ {
				before := time.Now()
				lock.Lock()
				acquired := time.Now()
				for w := range data.words {
					data.words[w]++
				}
				lock.Unlock()
				h.record(acquired.Sub(before).Nanoseconds())
				x = mfOutsideWork(x)
			}
			mfSink.Add(x)
		})
		var pooled mfHist
		for i := range hists {
			for j, c := range hists[i] {
				pooled[j] += c
			}
		}
		b.ReportMetric(mfPercentile(&pooled, 0.50), "wait_p50_ns")
		b.ReportMetric(mfPercentile(&pooled, 0.99), "wait_p99_ns")
		b.ReportMetric(mfPercentile(&pooled, 0.999), "wait_p999_ns")
	}
	b.Run("mutex", func(b *testing.B) { run(b, new(sync.Mutex)) })
	b.Run("ticket", func(b *testing.B) { run(b, new(mfTicket)) })
}
