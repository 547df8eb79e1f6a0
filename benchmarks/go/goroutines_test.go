// Twins of BM_Switch, BM_Spawn, BM_IdleMemory (claims/goroutine-vs-thread.toml): goroutines vs OS threads.
package twins

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"unsafe"
)

var gtSink int

// pingPong passes a token back and forth n times between the benchmark goroutine and a partner
// over two unbuffered channels. With locked=true both goroutines are wired to their own OS
// thread (runtime.LockOSThread), so every hand-off is an OS-thread hand-off: the waker must pass
// its P to the sleeping locked M (startlockedm/stoplockedm: a futex wake and a futex sleep),
// the only way a Go program switches between threads.
func pingPong(b *testing.B, locked bool, pus []int) {
	ping, pong := make(chan int), make(chan int)
	done := make(chan struct{})
	go func() {
		if locked {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			defer pinThread(b, pus, 1)() // restored before the unlock above
		}
		for v := range ping {
			pong <- v + 1
		}
		close(done)
	}()
	if locked {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer pinThread(b, pus, 0)()
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

// allowedPUs returns the PUs this process may run on (sched_getaffinity), in order.
func allowedPUs(b *testing.B) []int {
	var mask [16]uint64 // 1024 PUs, the kernel's default CPU_SETSIZE
	_, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0,
		unsafe.Sizeof(mask), uintptr(unsafe.Pointer(&mask[0])))
	if errno != 0 {
		b.Fatal("sched_getaffinity: ", errno)
	}
	var pus []int
	for w, word := range mask {
		for bit := 0; bit < 64; bit++ {
			if word&(1<<bit) != 0 {
				pus = append(pus, w*64+bit)
			}
		}
	}
	return pus
}

// pinThread pins the calling OS thread (the caller has locked its goroutine to it) to pus[i],
// as the C++ benchmark pins each of its threads to a PU of its own, and returns the function
// that restores the thread's mask (to run before the thread is unlocked and goes back to the
// pool); nothing when pus is nil. Without the pinning Linux's wake-affine placement moves the
// woken thread next to its waker, and a "two-PU" ping-pong runs mostly on one PU (Go 1.19
// measured it at ~1.5x the one-PU cost on a 2-vCPU VM, the pinned C++ hand-off at ~10x).
func pinThread(b *testing.B, pus []int, i int) (restore func()) {
	if pus == nil {
		return func() {}
	}
	var old, mask [16]uint64
	setAffinity := func(trap uintptr, m *[16]uint64) {
		_, _, errno := syscall.RawSyscall(trap, 0, unsafe.Sizeof(*m), uintptr(unsafe.Pointer(&m[0])))
		if errno != 0 {
			b.Fatal("sched_{get,set}affinity: ", errno)
		}
	}
	setAffinity(syscall.SYS_SCHED_GETAFFINITY, &old)
	mask[pus[i]/64] |= 1 << (pus[i] % 64)
	setAffinity(syscall.SYS_SCHED_SETAFFINITY, &mask)
	return func() { setAffinity(syscall.SYS_SCHED_SETAFFINITY, &old) }
}

// pinProcess pins every thread of the process to one PU (threads made later inherit the mask of
// the thread that clones them) and returns the function that gives them all the PUs the
// process had: the twin of a benchmark whose threads share one PU. Pinning only the two locked
// threads is not that: Go's hand-off between locked Ms passes through a third M (handoffp ->
// startm, then startlockedm), which would run on the other PU (~150-280 µs per hand-off).
func pinProcess(b *testing.B, pu int) (restore func()) {
	all := allowedPUs(b)
	setAll := func(pus []int) {
		var mask [16]uint64
		for _, p := range pus {
			mask[p/64] |= 1 << (p % 64)
		}
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			b.Fatal(err)
		}
		for _, task := range tasks {
			tid, _ := strconv.Atoi(task.Name())
			// ESRCH: the thread exited since the listing; nothing to pin.
			_, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, uintptr(tid),
				unsafe.Sizeof(mask), uintptr(unsafe.Pointer(&mask[0])))
			if errno != 0 && errno != syscall.ESRCH {
				b.Fatal("sched_setaffinity: ", errno)
			}
		}
	}
	setAll([]int{pu})
	return func() { setAll(all) }
}

// onFirstPU pins the process to the first PU it may use, for the rest of the benchmark: the C++
// variants of this family run their benchmark thread on the placement's first PU, and the
// threads it starts inherit that PU. The runner pins the twin to both of the claim's PUs
// (claims/goroutine-vs-thread.toml requires 2 cores, for the two-PU switch).
func onFirstPU(b *testing.B) (restore func()) { return pinProcess(b, allowedPUs(b)[0]) }

// BenchmarkSwitch: one op = one switch. goroutine (-test.cpu 1): two goroutines hand a token over
// unbuffered channels on one P: each hand-off parks one goroutine and runs the other in user
// space (gopark, runqput/runnext, schedule, gogo), Go's own switch with the scheduler in it.
// gosched (-test.cpu 1): the same two goroutines yielding with runtime.Gosched, the switch with
// no channel. thread-locked: the ping-pong with both goroutines locked to OS threads on the
// runner's GOMAXPROCS (1: the twin of thread-same-pu), the whole process pinned to the first PU
// the runner gives it, as the C++ pair is; thread-locked/pus:2: the same with GOMAXPROCS
// 2, each thread pinned to a PU of its own, the twin of thread-two-pus (a C++ benchmark of one
// thread whose peer runs on the second PU, so the runner gives it GOMAXPROCS 1: the twin sets
// 2 itself). The runner pins the process to both PUs for either; without the per-thread pins
// the kernel placed the pair as it liked (pus:2 then cost ~11 µs per hand-off, pinned 30-100
// µs under load on the 2-vCPU VM, as the C++ pair).
//
// Disassembly (go tool objdump -s Switch, Go 1.19 amd64): a CALL runtime.chansend1 and
// runtime.chanrecv1 per round trip (CALL runtime.Gosched per op in gosched).
func BenchmarkSwitch(b *testing.B) {
	b.Run("goroutine", func(b *testing.B) {
		defer onFirstPU(b)()
		pingPong(b, false, nil)
	})
	b.Run("gosched", func(b *testing.B) {
		defer onFirstPU(b)()
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
	b.Run("thread-locked", func(b *testing.B) {
		defer onFirstPU(b)()
		pingPong(b, true, nil)
	})
	b.Run("thread-locked/pus:2", func(b *testing.B) {
		pus := allowedPUs(b)
		if len(pus) < 2 {
			b.Skip("needs 2 PUs in the affinity mask")
		}
		withProcs(b, 2, func(b *testing.B) { pingPong(b, true, pus[:2]) })
	})
}

// BenchmarkSpawn: one op = start a unit and wait for it to finish. goroutine: `go f()` and a
// channel receive (the g and its 2 KiB stack come from the per-P free list after the first).
// thread-locked: a goroutine that locks its thread and exits still locked, so the runtime
// terminates that OS thread (Go 1.10+), and the next spawn's hand-off needs a new one (clone via
// newm): Go's nearest form of a thread per task. -test.cpu 1.
func BenchmarkSpawn(b *testing.B) {
	b.Run("goroutine", func(b *testing.B) {
		defer onFirstPU(b)()
		done := make(chan int)
		for i := 0; i < b.N; i++ {
			go func(i int) { done <- i }(i)
			gtSink += <-done
		}
	})
	b.Run("thread-locked", func(b *testing.B) {
		defer onFirstPU(b)()
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

// stackBytes returns the heap memory Go holds as stacks, its threads' g0 and signal stacks
// included. runtime/metrics, not ReadMemStats: ReadMemStats stops the world and flushes the
// per-P caches, which changes what the next units' stacks cost in resident memory.
func stackBytes() float64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(sample)
	return float64(sample[0].Value.Uint64())
}

const gtIdleUnits = 2000

// BenchmarkIdleMemory: one iteration = park 2,000 units (each touches 256 bytes of locals and
// blocks on a channel), measure, release; ns/op is per unit. rss_bytes per unit = (with units
// parked) minus (after they exited, two GCs and debug.FreeOSMemory returned their memory: the GC's
// markrootFreeGStacks frees dead goroutines' stacks, an exited locked thread is gone). The g
// structs (~400 B each) are never freed by Go, so rss_bytes slightly undercounts goroutines.
// vm_bytes per unit = the stack memory Go sets aside for the unit (heap stacks, parked minus
// after). Go's stacks, its threads' included, are carved from address space the heap has
// already mapped and never unmaps: statm's size moves only when a new span must be mapped
// (~35 KB per thread the first time 2,000 threads start, then 0), and its "parked minus after"
// is 0 by construction, so statm cannot say what a unit reserves. An exited M's g0 stack is
// freed only at the next allocm (proc.go: sched.freem), so threads read a little low.
// thread-locked units hold an OS thread each; in a non-cgo binary Go creates its threads itself:
// clone onto a g0 stack of 8 KiB (proc.go allocm: malg(8192)) plus a 32 KiB signal stack
// (os_linux.go mpreinit: malg(32 * 1024)), both from the Go heap, not glibc's 8 MiB pthread
// stack (with cgo, pthread_create makes the thread and its default stack). -test.cpu 1.
func BenchmarkIdleMemory(b *testing.B) {
	run := func(b *testing.B, locked bool) {
		defer onFirstPU(b)()
		var rss, vm float64
		clock := startBatches(gtIdleUnits)
		for i := 0; i < b.N; i++ {
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
			rssParked := residentBytes(b)
			stacksParked := stackBytes()
			close(release)
			runtime.GC()
			runtime.GC()
			debug.FreeOSMemory()
			rssAfter := residentBytes(b)
			rss += (rssParked - rssAfter) / gtIdleUnits
			vm += (stacksParked - stackBytes()) / gtIdleUnits
		}
		b.ReportMetric(rss/float64(b.N), "rss_bytes")
		b.ReportMetric(vm/float64(b.N), "vm_bytes")
		clock.report(b) // per unit, as the C++ side's op (time is not judged: it includes the GCs)
	}
	b.Run("goroutine", func(b *testing.B) { run(b, false) })
	b.Run("thread-locked", func(b *testing.B) { run(b, true) })
}
