// Go-only claim syscall-handoff (004 Q4): a goroutine blocked in a syscall releases its P, so
// CPU-bound goroutines keep their throughput at GOMAXPROCS=1, and the runtime grows threads.
package twins

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// osThreads reads the process's OS thread count from /proc/self/status ("Threads:\t7").
func osThreads() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := s.Text(); strings.HasPrefix(line, "Threads:") {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "Threads:")))
			return n
		}
	}
	return -1
}

// threadsAtStart is the thread count before this benchmark ever entered a blocking syscall:
// the runtime keeps idle Ms forever, so growth must be measured against the process's start.
var (
	threadsAtStart     int
	threadsAtStartOnce sync.Once
	cpuSink            uint64
)

// cpuWork is one unit of CPU-bound work (a few hundred ns of dependent multiply-adds).
func cpuWork(x uint64) uint64 {
	for j := 0; j < 256; j++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

// blockInSyscalls sleeps in nanosleep(2) through syscall.Nanosleep, a raw syscall that holds its
// M (unlike time.Sleep, which parks the goroutine), until stop is set.
func blockInSyscalls(stop *uint32, done *sync.WaitGroup) {
	ts := syscall.Timespec{Nsec: 1_000_000} // 1 ms per call
	for atomic.LoadUint32(stop) == 0 {
		_ = syscall.Nanosleep(&ts, nil)
	}
	done.Done()
}

// BenchmarkSyscallHandoff: b.N units of CPU work shared by two goroutines, alone or while four
// goroutines keep blocking in a syscall. Run it with -test.cpu 1: the claim is about one P.
func BenchmarkSyscallHandoff(b *testing.B) {
	threadsAtStartOnce.Do(func() { threadsAtStart = osThreads() })
	const workers, blockers = 2, 4
	for _, variant := range []struct {
		name     string
		blockers int
	}{{"alone", 0}, {"with-blocking-syscalls", blockers}} {
		b.Run(variant.name, func(b *testing.B) {
			var stop uint32
			var blocked, work sync.WaitGroup
			blocked.Add(variant.blockers)
			for i := 0; i < variant.blockers; i++ {
				go blockInSyscalls(&stop, &blocked)
			}
			work.Add(workers)
			for w := 0; w < workers; w++ {
				go func(w int) {
					x := uint64(w)
					for i := w; i < b.N; i += workers {
						x = cpuWork(x)
					}
					atomic.AddUint64(&cpuSink, x)
					work.Done()
				}(w)
			}
			work.Wait()
			threads := osThreads() // while the blockers still cycle through their syscalls
			atomic.StoreUint32(&stop, 1)
			blocked.Wait()
			b.ReportMetric(float64(threads), "threads")
			b.ReportMetric(float64(threads-threadsAtStart), "extra-threads")
			b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "gomaxprocs")
		})
	}
}
