// Twins of BM_Switch, BM_Spawn, BM_IdleMemory (claims/goroutine-vs-thread.toml): goroutines vs OS threads.
package twins

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var gtSink int

// pingPong passes a token back and forth n times between the benchmark goroutine and a partner
// over two unbuffered channels. With locked=true both goroutines are wired to their own OS
// thread (runtime.LockOSThread), so every hand-off is an OS-thread hand-off: the waker must pass
// its P to the sleeping locked M (startlockedm/stoplockedm: a futex wake and a futex sleep),
// the only way a Go program switches between threads.
func pingPong(b *testing.B, locked bool) {
	ping, pong := make(chan int), make(chan int)
	done := make(chan struct{})
	go func() {
		if locked {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
		}
		for v := range ping {
			pong <- v + 1
		}
		close(done)
	}()
	if locked {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
	}
	b.ResetTimer()
	v := 0
	for i := 0; i < b.N; i += 2 { // one op = one switch; a round trip is two
		ping <- v
		v = <-pong
	}
	b.StopTimer()
	close(ping)
	<-done
	gtSink += v
}

// BenchmarkSwitch: one op = one switch. goroutine (-test.cpu 1): two goroutines hand a token over
// unbuffered channels on one P: each hand-off parks one goroutine and runs the other in user
// space (gopark, runqput/runnext, schedule, gogo), Go's own switch with the scheduler in it.
// gosched (-test.cpu 1): the same two goroutines yielding with runtime.Gosched, the switch with
// no channel. thread-locked: the ping-pong with both goroutines locked to OS threads on the
// runner's GOMAXPROCS (1: the twin of thread-same-pu, one PU); thread-locked/pus:2: the same
// with GOMAXPROCS 2, the twin of thread-two-pus (a C++ benchmark of one thread whose peer runs
// on the second PU, so the runner gives it GOMAXPROCS 1: the twin sets 2 itself).
//
// Disassembly (go tool objdump -s Switch, Go 1.19 amd64): a CALL runtime.chansend1 and
// runtime.chanrecv1 per round trip (CALL runtime.Gosched per op in gosched).
func BenchmarkSwitch(b *testing.B) {
	b.Run("goroutine", func(b *testing.B) { pingPong(b, false) })
	b.Run("gosched", func(b *testing.B) {
		var wg sync.WaitGroup
		wg.Add(1)
		n := b.N / 2
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				runtime.Gosched()
			}
		}()
		b.ResetTimer()
		for i := 0; i < b.N-n; i++ {
			runtime.Gosched()
		}
		wg.Wait()
	})
	b.Run("thread-locked", func(b *testing.B) { pingPong(b, true) })
	b.Run("thread-locked/pus:2", func(b *testing.B) {
		withProcs(b, 2, func(b *testing.B) { pingPong(b, true) })
	})
}

// BenchmarkSpawn: one op = start a unit and wait for it to finish. goroutine: `go f()` and a
// channel receive (the g and its 2 KiB stack come from the per-P free list after the first).
// thread-locked: a goroutine that locks its thread and exits still locked, so the runtime
// terminates that OS thread (Go 1.10+), and the next spawn's hand-off needs a new one (clone via
// newm): Go's nearest form of a thread per task. -test.cpu 1.
func BenchmarkSpawn(b *testing.B) {
	b.Run("goroutine", func(b *testing.B) {
		done := make(chan int)
		for i := 0; i < b.N; i++ {
			go func(i int) { done <- i }(i)
			gtSink += <-done
		}
	})
	b.Run("thread-locked", func(b *testing.B) {
		done := make(chan int)
		for i := 0; i < b.N; i++ {
			go func(i int) {
				runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
				done <- i
			}(i)
			gtSink += <-done
		}
	})
}

// residentBytes returns the process's resident set in bytes (/proc/self/statm).
func residentBytes(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(raw))
	r, _ := strconv.ParseFloat(f[1], 64)
	return r * float64(os.Getpagesize())
}

const gtIdleUnits = 2000

// BenchmarkIdleMemory: one op = park 2,000 units (each touches 256 bytes of locals and blocks on
// a channel), measure, release. rss_bytes per unit = (with units parked) minus (after they
// exited, two GCs and debug.FreeOSMemory returned their memory: the GC's markrootFreeGStacks
// frees dead goroutines' stacks, an exited locked thread is gone). The g structs (~400 B each)
// are never freed by Go, so rss_bytes slightly undercounts goroutines.
// vm_bytes per unit = the stack memory Go sets aside for the unit (MemStats.StackInuse, parked
// minus before). Go's stacks, its threads' included, are carved from address space the heap
// has already mapped, which it never unmaps: statm's size moves only when a new span has to be
// mapped (~35 KB per thread the first time 2,000 threads start, then 0), and "parked minus
// after" is 0 by construction, so neither measures what a unit reserves.
// thread-locked units hold an OS thread each; in a non-cgo binary Go creates its threads itself:
// clone onto a g0 stack of 8 KiB (proc.go allocm: malg(8192)) plus a 32 KiB signal stack
// (os_linux.go mpreinit: malg(32 * 1024)), both from the Go heap, not glibc's 8 MiB pthread
// stack (with cgo, pthread_create makes the thread and its default stack). -test.cpu 1.
func BenchmarkIdleMemory(b *testing.B) {
	run := func(b *testing.B, locked bool) {
		var rss, vm float64
		var before, during runtime.MemStats
		for i := 0; i < b.N; i++ {
			runtime.ReadMemStats(&before)
			var parked sync.WaitGroup
			release := make(chan struct{})
			parked.Add(gtIdleUnits)
			for u := 0; u < gtIdleUnits; u++ {
				go func(u int) {
					if locked {
						runtime.LockOSThread() // exits locked: the thread goes with it
					}
					var locals [256]byte
					locals[u%256] = byte(u)
					gtSink += int(locals[(u+1)%256]) * 0
					parked.Done()
					<-release
				}(u)
			}
			parked.Wait()
			runtime.ReadMemStats(&during)
			rssParked := residentBytes(b)
			close(release)
			runtime.GC()
			runtime.GC()
			debug.FreeOSMemory()
			rssAfter := residentBytes(b)
			rss += (rssParked - rssAfter) / gtIdleUnits
			vm += float64(during.StackInuse-before.StackInuse) / gtIdleUnits
		}
		b.ReportMetric(rss/float64(b.N), "rss_bytes")
		b.ReportMetric(vm/float64(b.N), "vm_bytes")
	}
	b.Run("goroutine", func(b *testing.B) { run(b, false) })
	b.Run("thread-locked", func(b *testing.B) { run(b, true) })
}
