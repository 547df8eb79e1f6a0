// Twin of BM_CancelCheck (claims/context-check-interval.toml): polling ctx in a hot loop.
package twins

import (
	"context"
	"testing"
)

const (
	ccElements   = 64 * 1024 // 512 KiB of int64, as the C++ side
	ccCheckEvery = 1024      // the seed's checkEvery
)

var ccSink int64

func ccNever(ctx context.Context, d []int64) (int64, error) {
	var sum int64
	for i := range d {
		sum += d[i]
	}
	return sum, nil
}

// every: the per-iteration `select { case <-ctx.Done(): ... default: }` ("channel select
// isn't free", 004 Q21).
func ccEverySelect(ctx context.Context, d []int64) (int64, error) {
	var sum int64
	for i := range d {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		default:
		}
		sum += d[i]
	}
	return sum, nil
}

// every-locked: ctx.Err() per element (cancelCtx.Err takes the context's mutex in Go 1.19).
func ccEveryErr(ctx context.Context, d []int64) (int64, error) {
	var sum int64
	for i := range d {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		sum += d[i]
	}
	return sum, nil
}

// every1024-modulo: the seed's own form.
func ccModulo(ctx context.Context, d []int64) (int64, error) {
	var sum int64
	for i := range d {
		if i%ccCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		sum += d[i]
	}
	return sum, nil
}

// every1024-stripmined: an outer loop over 1024-element blocks, one poll per block.
func ccStripmined(ctx context.Context, d []int64) (int64, error) {
	var sum int64
	for blk := 0; blk < len(d); blk += ccCheckEvery {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		for _, v := range d[blk : blk+ccCheckEvery] {
			sum += v
		}
	}
	return sum, nil
}

// BenchmarkCancelCheck/<form>: one iteration = one pass summing 64K elements (the C++ side's
// iteration), and ns/op, B/op and allocs/op are per element (batchClock), the C++ side's op, so
// both sides' tables and charts read in the same unit (until 0.3.0 ns/op was per pass, the same
// factor on both sides of every ratio but 65536 times the C++ number in a table). -test.cpu 1. The
// context is a live context.WithCancel that is never cancelled (the common case). Both C++ builds
// (vectorised and scalar) map to these twins: Go's compiler neither vectorises nor unrolls.
//
// Disassembly (go tool objdump -s 'cc(Never|Every|Modulo|Strip)', Go 1.19 amd64): never is a
// scalar ADDQ (load-add) loop with a bounds-check-free range; every: a CALL through the itab to
// Done() and CALL runtime.selectnbrecv per element; every-locked: an itab CALL to Err() per
// element (cancelCtx.Err: Lock, read err, Unlock); modulo: TESTQ $0x3ff / JNE skipping the Err
// CALL; stripmined: the inner loop is the same ADDQ loop as never.
func BenchmarkCancelCheck(b *testing.B) {
	data := make([]int64, ccElements)
	for i := range data {
		data[i] = int64(i + 1)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dead, kill := context.WithCancel(context.Background())
	kill()
	forms := []struct {
		name   string
		f      func(context.Context, []int64) (int64, error)
		checks bool
	}{
		{"never", ccNever, false},
		{"every", ccEverySelect, true},
		{"every-locked", ccEveryErr, true},
		{"every1024-modulo", ccModulo, true},
		{"every1024-stripmined", ccStripmined, true},
	}
	for _, f := range forms {
		f := f
		b.Run(f.name, func(b *testing.B) {
			var want int64 // the data changes as passes run: recompute
			for _, v := range data {
				want += v
			}
			if s, _ := f.f(ctx, data); s != want {
				b.Fatalf("sum %d, want %d", s, want)
			}
			if _, err := f.f(dead, data); (err != nil) != f.checks {
				b.Fatalf("cancelled context: err=%v, form checks=%v", err, f.checks)
			}
			b.ResetTimer()
			clock := startBatches(ccElements) // Go 1.19 has no b.Elapsed
			for i := 0; i < b.N; i++ {
				data[i&(ccElements-1)]++ // one element changes per pass: no sum is invariant
				s, _ := f.f(ctx, data)
				ccSink += s
			}
			b.StopTimer()
			clock.report(b)
		})
	}
}
