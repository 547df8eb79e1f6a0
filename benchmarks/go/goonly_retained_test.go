// Shared by the Go-only heap-retention twins (time-after-loop, context-leak): live heap growth
// per iteration, measured over a window shorter than the timers' duration.
package twins

import (
	"runtime"
	"testing"
)

// retentionWindow is how many iterations the live heap is measured over. It must finish well
// before retainedTimeout, or timers would fire and free their memory inside the window.
const retentionWindow = 10000

// liveHeap is the heap still reachable after a full collection (runtime.GC sweeps before it
// returns, so HeapAlloc then counts live objects only).
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// measureRetention runs op b.N times and reports the live heap left behind per iteration over
// the first min(b.N, retentionWindow) iterations as "live-heap-bytes/op".
func measureRetention(b *testing.B, op func()) {
	b.ReportAllocs()
	window := b.N
	if window > retentionWindow {
		window = retentionWindow
	}
	b.StopTimer()
	before := liveHeap()
	b.StartTimer()
	for i := 0; i < window; i++ {
		op()
	}
	b.StopTimer()
	after := liveHeap()
	b.StartTimer()
	for i := window; i < b.N; i++ {
		op()
	}
	grown := float64(after) - float64(before)
	b.ReportMetric(grown/float64(window), "live-heap-bytes/op")
}
