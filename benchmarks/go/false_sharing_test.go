// Twin of BM_FalseSharing (claims/false-sharing.toml): per-goroutine counters, packed or padded.
package twins

import (
	"sync/atomic"
	"testing"
)

const fsMaxWorkers = 256

// The seeds' paddedCounter (004 Q18/Q60): one atomic.Int64 on its own 64-byte line. padded128
// pads to a pair of lines (Intel's spatial prefetcher fetches 128-byte pairs).
type paddedCounter struct {
	v atomic.Int64
	_ [64 - 8]byte // isolate on its own 64-byte cache line
}

type padded128Counter struct {
	v atomic.Int64
	_ [128 - 8]byte
}

type plainPadded struct {
	v int64
	_ [64 - 8]byte
}

// Package-level slices, as `var counters [N]int64` / `var shards [N]paddedCounter` in the
// seeds, placed on a 128-byte boundary (alignedSlice) so thread 0's and 1's packed counters
// always share one line.
var (
	fsPacked      = alignedSlice[atomic.Int64](fsMaxWorkers, 128)
	fsPadded64    = alignedSlice[paddedCounter](fsMaxWorkers, 128)
	fsPadded128   = alignedSlice[padded128Counter](fsMaxWorkers, 128)
	fsPlainPacked = alignedSlice[int64](fsMaxWorkers, 128)
	fsPlainPadded = alignedSlice[plainPadded](fsMaxWorkers, 128)
)

// BenchmarkFalseSharing: one op = one increment of the worker's own counter. Run with
// -test.cpu 1 and 2 (threads:1 / threads:2 of the C++ side).
//
// Disassembly (go test -c, go tool objdump -s FalseSharing, Go 1.19 amd64): the atomic loops
// are `LOCK XADDQ` on the counter's address per op (atomic.Int64.Add is an intrinsic); the plain
// loops load, INCQ and store to memory through the slice element's pointer every op -- Go's
// compiler does not keep a memory location in a register across loop iterations, so the line
// is written on every op like counters[i]++ in the seeds.
func BenchmarkFalseSharing(b *testing.B) {
	b.Run("packed", func(b *testing.B) {
		s := fsPacked
		runWorkers(b, func(id, ops int) {
			c := &s[id]
			for i := 0; i < ops; i++ {
				c.Add(1)
			}
		})
	})
	b.Run("padded64", func(b *testing.B) {
		s := fsPadded64
		runWorkers(b, func(id, ops int) {
			c := &s[id].v
			for i := 0; i < ops; i++ {
				c.Add(1)
			}
		})
	})
	b.Run("padded128", func(b *testing.B) {
		s := fsPadded128
		runWorkers(b, func(id, ops int) {
			c := &s[id].v
			for i := 0; i < ops; i++ {
				c.Add(1)
			}
		})
	})
	b.Run("plain-packed", func(b *testing.B) {
		s := fsPlainPacked
		runWorkers(b, func(id, ops int) {
			c := &s[id]
			for i := 0; i < ops; i++ {
				*c++
			}
		})
	})
	b.Run("plain-padded64", func(b *testing.B) {
		s := fsPlainPadded
		runWorkers(b, func(id, ops int) {
			c := &s[id].v
			for i := 0; i < ops; i++ {
				*c++
			}
		})
	})
}
