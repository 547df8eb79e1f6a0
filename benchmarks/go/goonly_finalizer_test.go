// Go-only claim finalizer-extra-cycle (004 Q69): an unreachable object with a finalizer is kept
// by the first GC that finds it (the finalizer needs it) and freed only by a later cycle; one
// without a finalizer is freed by the first.
package twins

import (
	"runtime"
	"testing"
	"time"
)

// finalizedSize is large enough (a large-object span of its own) that freeing it moves
// HeapAlloc by far more than anything else the benchmark allocates meanwhile.
const finalizedSize = 1 << 20

type bigObject [finalizedSize]byte

// held is the one reference; clearing it makes the object unreachable.
var held *bigObject

func heapAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// cyclesUntilFreed drops the object and runs full GC cycles until its memory is gone. Between
// cycles it lets the finalizer goroutine run (waiting for it, at most a second, once queued),
// so every cycle counted is one the finalizer had the chance to finish before.
func cyclesUntilFreed(finalize bool) int {
	ran := make(chan struct{})
	held = new(bigObject)
	held[0] = 1
	if finalize {
		runtime.SetFinalizer(held, func(*bigObject) { close(ran) })
	}
	withObject := heapAlloc()
	held = nil
	for cycles := 1; cycles <= 10; cycles++ {
		runtime.GC() // a full cycle, swept before it returns
		if heapAlloc()+finalizedSize/2 <= withObject {
			return cycles
		}
		if finalize {
			select {
			case <-ran:
			case <-time.After(time.Second):
			}
		}
	}
	return 11 // never freed within ten cycles
}

func BenchmarkFinalizerCycles(b *testing.B) {
	for _, variant := range []struct {
		name     string
		finalize bool
	}{{"with-finalizer", true}, {"plain", false}} {
		b.Run(variant.name, func(b *testing.B) {
			total := 0
			for i := 0; i < b.N; i++ {
				total += cyclesUntilFreed(variant.finalize)
			}
			b.ReportMetric(float64(total)/float64(b.N), "gc-cycles")
		})
	}
}
