// Twins of BM_AllocatorCache and BM_ObjectPool (allocator-thread-cache, object-pool): mcache, sync.Pool.
package twins

import (
	"bytes"
	"sync"
	"testing"
)

// acLive ring: each worker keeps its last 8 blocks alive, so a block becomes garbage 8 ops after
// it was allocated, as the C++ side frees the block it allocated 8 ops earlier.
const acLive = 8

var (
	acSizes  = [4]int{16, 32, 48, 64} // four of Go's small size classes
	acGlobal sync.Mutex               // the strawman: one lock around every allocation
	acRings  [256]struct {
		ring [acLive][]byte
		_    [64 - (acLive*24)%64]byte
	}
)

// BenchmarkAllocatorCache/{mcache,global-mutex}: one op = allocate a 16-64 byte block (cycling
// through four sizes), write it, drop the one allocated 8 ops earlier; -test.cpu 1 and 2.
// mcache: plain make([]byte, n), served from the P's mcache without a lock (the twin of glibc's
// per-thread tcache); global-mutex: the same make under one sync.Mutex. The C++ jemalloc and
// tcmalloc rows have no Go counterpart (Go has one allocator). allocs/op via b.ReportAllocs.
// Go also pays GC work for the garbage, which the C++ free does not.
//
// Disassembly (go tool objdump -s AllocatorCache, Go 1.19 amd64): a CALL runtime.makeslice per
// op (the ring store makes the block escape), a MOVB of the write, the ring slot store with its
// write barrier check.
func BenchmarkAllocatorCache(b *testing.B) {
	run := func(b *testing.B, locked bool) {
		b.ReportAllocs()
		runWorkers(b, func(id, ops int) {
			r := &acRings[id%256].ring
			for i := 0; i < ops; i++ {
				n := acSizes[i&3]
				if locked {
					acGlobal.Lock()
				}
				blk := make([]byte, n)
				if locked {
					acGlobal.Unlock()
				}
				blk[n-1] = byte(i)
				r[i%acLive] = blk
			}
		})
	}
	b.Run("mcache", func(b *testing.B) { run(b, false) })
	b.Run("global-mutex", func(b *testing.B) { run(b, true) })
}

const (
	opBufBytes = 4096
	opUseBytes = 64
)

// The seeds' pool (004 Q17/Q58, 001): a sync.Pool of *bytes.Buffer.
var (
	opPool = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, opBufBytes)) }}
	opMu   sync.Mutex
	opFree []*bytes.Buffer // the one-mutex pool
	opSink [256]struct {
		b *bytes.Buffer
		_ [56]byte
	}
	opPayload = bytes.Repeat([]byte{7}, opUseBytes)
)

// BenchmarkObjectPool/{new,sync-pool,mutex-pool}: one op = get a 4 KiB buffer, write 64 bytes,
// give it back; -test.cpu 1 and 2. new: bytes.NewBuffer(make([]byte, 0, 4096)) per op (the twin
// of new/delete; Go zeroes the 4 KiB and leaves it to the GC); sync-pool: Get, Reset, Write,
// Put (the seed's code); mutex-pool: the same through one slice under one sync.Mutex.
// allocs/op via b.ReportAllocs.
//
// Disassembly (go tool objdump -s ObjectPool, Go 1.19 amd64): new: CALL runtime.makeslice
// (4096, escapes to opSink) and runtime.newobject per op; sync-pool: CALL sync.(*Pool).Get and
// Put, with the type assertion's itab compare, and bytes.(*Buffer).Write.
func BenchmarkObjectPool(b *testing.B) {
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		runWorkers(b, func(id, ops int) {
			s := &opSink[id%256].b
			for i := 0; i < ops; i++ {
				buf := bytes.NewBuffer(make([]byte, 0, opBufBytes))
				buf.Write(opPayload)
				*s = buf
			}
		})
	})
	b.Run("sync-pool", func(b *testing.B) {
		b.ReportAllocs()
		runWorkers(b, func(id, ops int) {
			s := &opSink[id%256].b
			for i := 0; i < ops; i++ {
				buf := opPool.Get().(*bytes.Buffer)
				buf.Reset() // must reset before use
				buf.Write(opPayload)
				*s = buf
				opPool.Put(buf)
			}
		})
	})
	b.Run("mutex-pool", func(b *testing.B) {
		b.ReportAllocs()
		runWorkers(b, func(id, ops int) {
			s := &opSink[id%256].b
			for i := 0; i < ops; i++ {
				opMu.Lock()
				var buf *bytes.Buffer
				if n := len(opFree); n > 0 {
					buf, opFree = opFree[n-1], opFree[:n-1]
				}
				opMu.Unlock()
				if buf == nil {
					buf = bytes.NewBuffer(make([]byte, 0, opBufBytes))
				}
				buf.Reset()
				buf.Write(opPayload)
				*s = buf
				opMu.Lock()
				opFree = append(opFree, buf)
				opMu.Unlock()
			}
		})
	})

	// Retention: one burst of 256 requests from a fresh pool, each holding 64 buffers at once;
	// about one use in 64 grows its buffer to 1 MiB. uncapped puts every buffer back; capped
	// keeps only those under 64 KiB (the seed's `if b.Cap() < 64<<10`). pooled_capacity_bytes
	// is the sum of the capacities of the buffers the pool holds after the burst (the C++
	// counter of the same name; the check's pool_rss_bytes is resident memory, which Go cannot
	// attribute to the pool: a fresh 1 MiB span is not touched beyond the bytes written). GCs
	// during the burst (the 1 MiB allocations trigger them) empty the pool as they do in
	// production. One op = one burst.
	for _, capped := range []bool{false, true} {
		capped := capped
		name := map[bool]string{false: "retention-uncapped", true: "retention-capped"}[capped]
		b.Run(name, func(b *testing.B) {
			var pinned float64
			for it := 0; it < b.N; it++ {
				pool := &sync.Pool{New: func() any { return new(bytes.Buffer) }}
				held := make([]*bytes.Buffer, 64)
				use := 0
				for req := 0; req < 256; req++ {
					for k := range held {
						buf := pool.Get().(*bytes.Buffer)
						buf.Reset()
						n := opUseBytes
						if use%64 == 63 {
							n = 1 << 20
						}
						use++
						buf.Grow(n)
						buf.Write(opPayload)
						held[k] = buf
					}
					for k, buf := range held {
						if !capped || buf.Cap() < 64<<10 {
							pool.Put(buf)
						}
						held[k] = nil
					}
				}
				// Drain: Get until the pool calls New, summing what it held (private slot,
				// shared lists, victim cache). No GC runs in between, unlike HeapInuse
				// deltas, which also count the dropped garbage.
				fresh := false
				pool.New = func() any { fresh = true; return new(bytes.Buffer) }
				for !fresh {
					if buf := pool.Get().(*bytes.Buffer); !fresh {
						pinned += float64(buf.Cap())
					}
				}
			}
			b.ReportMetric(pinned/float64(b.N), "pooled_capacity_bytes")
			// The C++ check's metric: the bytes the pool pins. C++ reads it as the RSS the pool
			// holds (full minus emptied); a Go heap keeps garbage resident until the next cycle, so
			// RSS cannot be pinned on the pool without forcing GCs, and the capacity the pool keeps
			// reachable is the same quantity with the garbage left out.
			b.ReportMetric(pinned/float64(b.N), "pool_rss_bytes")
		})
	}
}
