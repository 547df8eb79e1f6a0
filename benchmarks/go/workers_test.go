// Shared scaffolding for the multi-threaded twins: workers that split b.N ops, aligned slots.
package twins

import (
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// runWorkers is the Go form of a Google Benchmark run with N threads: it starts
// runtime.GOMAXPROCS(0) goroutines (N = the -test.cpu value, as the C++ side's thread count),
// splits b.N ops between them as evenly as possible and times from a common start to the last
// finish. ns/op is then wall time over all ops of all workers, the C++ side's ns_per_op.
func runWorkers(b *testing.B, body func(id, ops int)) {
	n := runtime.GOMAXPROCS(0)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for id := 0; id < n; id++ {
		ops := b.N / n
		if id < b.N%n {
			ops++
		}
		go func(id, ops int) {
			defer done.Done()
			ready.Done()
			<-start
			body(id, ops)
		}(id, ops)
	}
	ready.Wait()
	b.ResetTimer()
	close(start)
	done.Wait()
	b.StopTimer()
}

// alignedSlice returns n zeroed Ts starting on an address that is a multiple of align, carved
// out of a pointer-free byte allocation. Go aligns arrays only to their element's alignment (8
// bytes), not to a cache line, and a packed pair that straddled a line boundary would hide false
// sharing. T must hold no pointers (the GC does not scan the byte backing).
func alignedSlice[T any](n int, align uintptr) []T {
	var zero T
	backing := make([]byte, uintptr(n)*unsafe.Sizeof(zero)+align)
	p := unsafe.Pointer(&backing[0])
	off := (align - uintptr(p)%align) % align
	return unsafe.Slice((*T)(unsafe.Add(p, off)), n)
}

// osContextSwitches is the process's voluntary + involuntary context switches so far (all its
// threads), from getrusage(RUSAGE_SELF): the count the C++ side takes per thread.
func osContextSwitches() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Nvcsw + ru.Nivcsw)
}

// batchClock reports a twin whose b.N iteration is a batch of `per` C++ ops (a pass over 64K
// elements, 10,000 tasks, 2,000 parked units) per C++ op: it overrides ns/op, B/op and allocs/op
// with time, bytes and allocations over b.N × per, so both sides' tables and charts read in one
// unit. The memory counts come from runtime.ReadMemStats, as the testing package takes them.
type batchClock struct {
	per   int
	start time.Time
	mem   runtime.MemStats
}

func startBatches(per int) *batchClock {
	c := &batchClock{per: per}
	runtime.ReadMemStats(&c.mem)
	c.start = time.Now()
	return c
}

func (c *batchClock) report(b *testing.B) {
	elapsed := time.Since(c.start)
	var end runtime.MemStats
	runtime.ReadMemStats(&end)
	ops := float64(b.N) * float64(c.per)
	b.ReportMetric(float64(elapsed.Nanoseconds())/ops, "ns/op")
	b.ReportMetric(float64(end.TotalAlloc-c.mem.TotalAlloc)/ops, "B/op")
	b.ReportMetric(float64(end.Mallocs-c.mem.Mallocs)/ops, "allocs/op")
}

// builtOnce returns a getter for a variant's input that builds it on its first call, outside the
// timing (it resets the timer after building), and hands the same value to every later call of
// the testing package in that process. The runner starts one process per variant and round, so
// an input built in the parent benchmark for every variant was paid by all of them.
func builtOnce[T any](build func() T) func(b *testing.B) T {
	var value T
	built := false
	return func(b *testing.B) T {
		if !built {
			value, built = build(), true
			b.ResetTimer()
		}
		return value
	}
}
