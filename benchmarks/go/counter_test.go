// Twin of BM_Counter (claims/atomic-mutex-channel.toml): atomic add vs Mutex vs a channel to an owner.
package twins

import (
	"sync"
	"sync/atomic"
	"testing"
)

var (
	ctrAtomic struct {
		_ [64]byte
		n atomic.Int64 // atomic.AddInt64: LOCK XADDQ
		_ [56]byte
	}
	ctrMutex struct { // struct{mu; n}: the mutex next to the value it guards
		_  [64]byte
		mu sync.Mutex
		n  int64
		_  [48]byte
	}
	ctrOwned int64 // the owner goroutine's total, checked after each run
)

// BenchmarkCounter: one op = one increment. atomic and mutex run with -test.cpu 1 and 2
// (threads:1 / threads:2); the channel variants with -test.cpu 2: the benchmark goroutine sends
// each increment to an owner goroutine that applies it (`for d := range ch { n += d }`), as
// BM_Counter/channel does with a sender and an owner thread on two PUs. Go has one channel;
// the C++ side's two wait policies (spin:0 block, spin:1 spin-then-park) both map to it.
//
// Disassembly (go tool objdump -s Counter, Go 1.19 amd64): atomic: LOCK XADDQ per op; mutex:
// the inlined LOCK CMPXCHGL fast path, INCQ of n, LOCK XADDL unlock per op; channel: a CALL
// runtime.chansend1 per op in the sender and runtime.chanrecv2 in the owner.
func BenchmarkCounter(b *testing.B) {
	b.Run("atomic", func(b *testing.B) {
		runWorkers(b, func(_, ops int) {
			for i := 0; i < ops; i++ {
				ctrAtomic.n.Add(1)
			}
		})
	})
	b.Run("mutex", func(b *testing.B) {
		runWorkers(b, func(_, ops int) {
			for i := 0; i < ops; i++ {
				ctrMutex.mu.Lock()
				ctrMutex.n++
				ctrMutex.mu.Unlock()
			}
		})
	})
	for _, capacity := range []int{0, 128} {
		capacity := capacity
		// Two Ps whatever the runner's GOMAXPROCS: the C++ owner thread runs on a second PU.
		b.Run(map[int]string{0: "channel-cap0", 128: "channel-cap128"}[capacity], func(b *testing.B) {
			withProcs(b, 2, func(b *testing.B) { ctrChannel(b, capacity) })
		})
	}
}

func ctrChannel(b *testing.B, capacity int) {
	ch := make(chan int64, capacity)
	done := make(chan int64)
	go func() {
		var n int64
		for d := range ch {
			n += d
		}
		done <- n
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ch <- 1
	}
	close(ch)
	ctrOwned = <-done
	b.StopTimer()
	if ctrOwned != int64(b.N) {
		b.Fatalf("owner applied %d increments, sent %d", ctrOwned, b.N)
	}
}
