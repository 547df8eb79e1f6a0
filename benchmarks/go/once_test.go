// Twin of BM_Once (claims/once-fast-path.toml): sync.Once after the first call vs a load vs a Mutex.
package twins

import (
	"sync"
	"sync/atomic"
	"testing"
)

var (
	onceSeed      int32 = 41 // the value each form hands out, not a compile-time constant
	oncePublished struct {
		_ [64]byte
		v atomic.Int32
		_ [60]byte
	}
	onceState struct {
		_    [64]byte
		once sync.Once
		v    int32
		_    [56]byte
	}
	onceMutex struct {
		_    [64]byte
		mu   sync.Mutex
		init bool
		v    int32
		_    [48]byte
	}
	onceSink [256]struct {
		v int64
		_ [56]byte
	}
)

func onceInit() { onceState.v = onceSeed + 1 } // a package-level func: Do(f) allocates no closure

func onceGet() int32 {
	onceState.once.Do(onceInit) // Do's fast path (atomic load of done, test, branch) is inlined
	return onceState.v
}

func mutexGet() int32 {
	onceMutex.mu.Lock()
	if !onceMutex.init {
		onceMutex.v = onceSeed + 1
		onceMutex.init = true
	}
	v := onceMutex.v
	onceMutex.mu.Unlock()
	return v
}

// BenchmarkOnce/{acquire,go-once,mutex}: one op = obtaining the initialised int once;
// -test.cpu 1 and 2. acquire: atomic.Int32.Load of a published value (the baseline); go-once:
// sync.Once.Do then read the value; mutex: Lock, test `initialised`, read, Unlock on every call.
// The C++ forms static (function-local static) and call-once (std::call_once) have no Go
// counterpart: Go has no function-local statics, and sync.Once is what call_once is for.
//
// Disassembly (go tool objdump -s Once, Go 1.19 amd64): acquire is a MOVL load per op; go-once
// inlines Do to MOVL done / TESTL / JEQ (never taken after the first call) plus the MOVL of v;
// mutex inlines LOCK CMPXCHGL and LOCK XADDL around the test. Each op's value is added into a
// register sum stored to onceSink after the loop, so no load is dead.
func BenchmarkOnce(b *testing.B) {
	oncePublished.v.Store(onceSeed + 1)
	onceGet()
	mutexGet()
	b.Run("acquire", func(b *testing.B) {
		runWorkers(b, func(id, ops int) {
			var acc int64
			for i := 0; i < ops; i++ {
				acc += int64(oncePublished.v.Load())
			}
			onceSink[id%256].v += acc
		})
	})
	b.Run("go-once", func(b *testing.B) {
		runWorkers(b, func(id, ops int) {
			var acc int64
			for i := 0; i < ops; i++ {
				acc += int64(onceGet())
			}
			onceSink[id%256].v += acc
		})
	})
	b.Run("mutex", func(b *testing.B) {
		runWorkers(b, func(id, ops int) {
			var acc int64
			for i := 0; i < ops; i++ {
				acc += int64(mutexGet())
			}
			onceSink[id%256].v += acc
		})
	})
}
