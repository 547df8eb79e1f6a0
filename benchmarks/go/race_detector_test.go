// Go twin of BM_RaceDetector (claims/race-detector-overhead.toml): the four fixed two-goroutine
// workloads of benchmarks/race_workloads.cpp, in Go. The claim compares a plain build with a
// race-enabled one, so the twin is this same file built twice: `go test -c` and
// `go test -race -c` (ThreadSanitizer's runtime, linked from runtime/race's .syso; needs cgo),
// each run with -test.cpu 2 and one sub-benchmark per process (VmHWM is the process's peak).
// The ratio is race-binary / plain-binary for the same sub-benchmark name.
package twins

import (
	"sync"
	"sync/atomic"
	"testing"
)

const raceGoroutines = 2

var raceSink uint64

func raceRun(body func(i int)) {
	var wg sync.WaitGroup
	wg.Add(raceGoroutines)
	for i := 0; i < raceGoroutines; i++ {
		go func(i int) {
			defer wg.Done()
			body(i)
		}(i)
	}
	wg.Wait()
}

func raceXorshift(x *uint64) uint64 {
	*x ^= *x << 13
	*x ^= *x >> 7
	*x ^= *x << 17
	return *x
}

// A map shared by two goroutines behind one sync.Mutex.
func raceMutexMap() bool {
	const keys, updates = 1 << 16, 150_000
	m := make(map[uint64]uint64, keys)
	for k := uint64(0); k < keys; k++ {
		m[k] = 0
	}
	var mu sync.Mutex
	raceRun(func(i int) {
		x := uint64(0x9e3779b97f4a7c15) + uint64(i)
		for n := 0; n < updates; n++ {
			key := raceXorshift(&x) % keys
			mu.Lock()
			m[key]++
			mu.Unlock()
		}
	})
	total := uint64(0)
	for _, v := range m {
		total += v
	}
	return len(m) == keys && total == raceGoroutines*updates
}

// A producer and a consumer over a buffered channel of capacity 128.
func raceChannel() bool {
	const messages = 40_000
	ch := make(chan uint64, 128)
	var sum uint64
	raceRun(func(i int) {
		if i == 0 {
			for m := uint64(1); m <= messages; m++ {
				ch <- m
			}
			close(ch)
			return
		}
		for m := range ch {
			sum += m
		}
	})
	return sum == messages*(messages+1)/2
}

// Two goroutines incrementing one atomic counter.
func raceAtomicCounter() bool {
	const adds = 1_000_000
	var counter uint64
	raceRun(func(int) {
		for n := 0; n < adds; n++ {
			atomic.AddUint64(&counter, 1)
		}
	})
	return atomic.LoadUint64(&counter) == raceGoroutines*adds
}

// Each goroutine fills and sums its own half of a 32 MiB []uint64, no synchronisation inside.
func raceDisjointSlices() bool {
	const elements, passes = 32 << 20 >> 3, 2
	data := make([]uint64, elements)
	var sums [raceGoroutines]uint64
	raceRun(func(i int) {
		begin := elements / raceGoroutines * i
		end := begin + elements/raceGoroutines
		var sum uint64
		for pass := 0; pass < passes; pass++ {
			for k := begin; k < end; k++ {
				data[k] = uint64(k + pass)
			}
			for k := begin; k < end; k++ {
				sum += data[k]
			}
		}
		sums[i] = sum
	})
	var expected uint64
	for pass := 0; pass < passes; pass++ {
		expected += elements*(elements-1)/2 + elements*uint64(pass)
	}
	return sums[0]+sums[1] == expected
}

// One op = one run of the workload (the C++ side times a whole child launch: it adds process
// start-up to both sides; its child_work_ns is the workload alone, this op's twin).
// child_maxrss_bytes is this process's VmHWM after the runs: run one sub-benchmark per process
// (-test.bench '^BenchmarkRaceDetector/mutex-map$'), or it includes the others' peaks.
// Every workload checks its own result, so a broken build cannot pass as a fast one.
func BenchmarkRaceDetector(b *testing.B) {
	for _, w := range []struct {
		name string
		run  func() bool
	}{
		{"mutex-map", raceMutexMap},
		{"channel", raceChannel},
		{"atomic-counter", raceAtomicCounter},
		{"disjoint-slices", raceDisjointSlices},
	} {
		w := w
		b.Run(w.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if !w.run() {
					b.Fatalf("%s computed a wrong result", w.name)
				}
			}
			b.ReportMetric(procStatusBytes("VmHWM"), "child_maxrss_bytes")
			b.ReportMetric(raceFlag(raceEnabled), "race_enabled")
		})
	}
}

func raceFlag(v bool) float64 {
	if v {
		return 1
	}
	return 0
}
