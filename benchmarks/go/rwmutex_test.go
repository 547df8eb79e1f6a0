// Twin of BM_RWMutex (claims/rwmutex-vs-mutex.toml): sync.Mutex vs sync.RWMutex vs atomic.Pointer COW.
package twins

import (
	"sync"
	"sync/atomic"
	"testing"
)

const (
	rwWriteEvery = 1000 // w1000: one op in 1000 is a write
	rwWords      = 64   // the snapshot: 64 × 8 bytes, as the C++ side
	rwLongPasses = 64   // long read: 64 passes over the 64 words (~1 µs)
)

type rwSnapshot struct{ word [rwWords]uint64 }

// rwSink keeps every read's result alive: a package-level sink the compiler cannot drop.
var rwSink atomic.Uint64

func rwRead(s *rwSnapshot, long bool) uint64 {
	if !long {
		return s.word[0]
	}
	var sum uint64
	for pass := 0; pass < rwLongPasses; pass++ {
		for _, w := range s.word {
			sum += w
		}
	}
	return sum
}

// The three guarded forms a Go programmer writes. The lock and the data sit on different lines.
type rwMutexed struct {
	mu   sync.Mutex
	_    [56]byte
	data rwSnapshot
}
type rwRWMutexed struct {
	mu   sync.RWMutex
	_    [40]byte
	data rwSnapshot
}
type rwCow struct {
	cur    atomic.Pointer[rwSnapshot] // the seed's atomic.Pointer COW (004 Q13)
	_      [56]byte
	writer sync.Mutex
}

type rwGuard interface {
	read(long bool) uint64
	write(i int)
}

func (g *rwMutexed) read(long bool) uint64 {
	g.mu.Lock()
	v := rwRead(&g.data, long)
	g.mu.Unlock()
	return v
}
func (g *rwMutexed) write(i int) { g.mu.Lock(); g.data.word[i%rwWords]++; g.mu.Unlock() }

func (g *rwRWMutexed) read(long bool) uint64 {
	g.mu.RLock()
	v := rwRead(&g.data, long)
	g.mu.RUnlock()
	return v
}
func (g *rwRWMutexed) write(i int) { g.mu.Lock(); g.data.word[i%rwWords]++; g.mu.Unlock() }

func (g *rwCow) read(long bool) uint64 { return rwRead(g.cur.Load(), long) }
func (g *rwCow) write(i int) {
	g.writer.Lock()
	next := *g.cur.Load() // copy on write; the old snapshot is left to the GC
	next.word[i%rwWords]++
	g.cur.Store(&next)
	g.writer.Unlock()
}

// BenchmarkRWMutex/<lock>/<short|long>/<w0|w1000>: one op = one read (or, every 1000th op in
// w1000, one write), as the C++ side. Locks: mutex (sync.Mutex: the twin of both gomutex and
// std::mutex), rwmutex (sync.RWMutex: twin of gorw and shared-mutex), cow (atomic.Pointer).
// Run with -test.cpu 1 and 2 (reader threads).
//
// Disassembly (go tool objdump -s RWMutex, Go 1.19 amd64): the op loop calls the guard through
// an interface (an indirect CALL, ~1-2 ns, the same for every lock so it cancels in the
// ratios); inside, Lock/RLock's fast paths are inlined (LOCK CMPXCHGL for Mutex.Lock, LOCK XADDL
// on readerCount for RLock); the long read is 64 × 64 ADDQ loads, not folded (the sum goes to
// rwSink via LOCK XADDQ once per op).
func BenchmarkRWMutex(b *testing.B) {
	forms := []struct {
		name string
		make func() rwGuard
	}{
		{"mutex", func() rwGuard { return new(rwMutexed) }},
		{"rwmutex", func() rwGuard { return new(rwRWMutexed) }},
		{"cow", func() rwGuard { g := new(rwCow); g.cur.Store(new(rwSnapshot)); return g }},
	}
	for _, f := range forms {
		for _, long := range []bool{false, true} {
			for _, writes := range []bool{false, true} {
				f, long, writes := f, long, writes
				name := f.name + "/short"
				if long {
					name = f.name + "/long"
				}
				if writes {
					name += "/w1000"
				} else {
					name += "/w0"
				}
				b.Run(name, func(b *testing.B) {
					g := f.make()
					runWorkers(b, func(id, ops int) {
						untilWrite := rwWriteEvery - id*(rwWriteEvery/2) // stagger the writers
						if untilWrite <= 0 {
							untilWrite += rwWriteEvery
						}
						var acc uint64
						nwrites := 0
						for op := 0; op < ops; op++ {
							if writes {
								untilWrite--
								if untilWrite == 0 {
									untilWrite = rwWriteEvery
									g.write(nwrites)
									nwrites++
									continue
								}
							}
							acc += g.read(long)
						}
						rwSink.Add(acc)
					})
				})
			}
		}
	}
}
