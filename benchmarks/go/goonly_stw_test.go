// Go-only claim stw-pauses (001, memory model and GC): stop-the-world pauses stay under 1 ms
// (Go 1.17+), read from runtime/metrics while goroutines allocate against a large live heap.
package twins

import (
	"math"
	"runtime/metrics"
	"sync"
	"testing"
)

// pausesMetric is the Go 1.19 name (Go 1.22 renamed it /sched/pauses/total/gc:seconds and keeps
// this one as a deprecated alias).
const pausesMetric = "/gc/pauses:seconds"

// node is pointer-rich so that marking the live heap is real work (a []byte heap is not scanned).
type node struct {
	left, right *node
	payload     [6]uint64
}

// liveHeapNodes: 1M nodes of 64 B, a 64 MiB live heap the collector must trace every cycle.
const liveHeapNodes = 1 << 20

var (
	liveNodes     []*node
	liveNodesOnce sync.Once
)

func buildLiveHeap() {
	liveNodes = make([]*node, liveHeapNodes)
	for i := range liveNodes {
		liveNodes[i] = &node{}
		if i > 0 {
			liveNodes[i].left = liveNodes[i-1]
		}
	}
}

func readPauses() *metrics.Float64Histogram {
	sample := []metrics.Sample{{Name: pausesMetric}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return sample[0].Value.Float64Histogram()
}

// pauseQuantile is the q-quantile of the pauses counted between two reads of the histogram, as
// the upper edge of its bucket (conservative: a pause is never reported shorter than it was).
func pauseQuantile(before, after *metrics.Float64Histogram, q float64) (seconds float64, n uint64) {
	counts := make([]uint64, len(after.Counts))
	for i := range counts {
		counts[i] = after.Counts[i] - before.Counts[i]
		n += counts[i]
	}
	if n == 0 {
		return math.NaN(), 0
	}
	rank := uint64(math.Ceil(q * float64(n)))
	seen := uint64(0)
	for i, c := range counts {
		seen += c
		if seen >= rank {
			upper := after.Buckets[i+1]
			if math.IsInf(upper, 1) {
				upper = after.Buckets[i]
			}
			return upper, n
		}
	}
	return math.NaN(), n
}

// garbageSink receives each fresh allocation so none is optimised away; replacing a live node
// now and then keeps the write barrier and the live heap's shape in play.
var garbageSink *node

// BenchmarkGCPauses: every goroutine (one per P, b.RunParallel) allocates short-lived nodes and
// rewires the live heap; each op is one 64-byte allocation. Reports the p99 and the largest STW
// pause seen during the run, and how many pauses it saw.
func BenchmarkGCPauses(b *testing.B) {
	liveNodesOnce.Do(buildLiveHeap)
	b.Run("alloc-heavy-64MiB-live", func(b *testing.B) {
		before := readPauses()
		if before == nil {
			b.Skipf("runtime/metrics has no %s in this Go", pausesMetric)
		}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := uint64(0)
			for pb.Next() {
				n := &node{}
				n.payload[0] = i
				if i%64 == 0 {
					j := (i * 2654435761) % liveHeapNodes
					n.left = liveNodes[j].left
					liveNodes[j] = n // the old node becomes garbage; n joins the live heap
				}
				garbageSink = n
				i++
			}
		})
		b.StopTimer()
		after := readPauses()
		p99, count := pauseQuantile(before, after, 0.99)
		maxPause, _ := pauseQuantile(before, after, 1)
		b.ReportMetric(float64(count), "pauses")
		if count == 0 {
			return // a run too short for a GC cycle (-benchtime=1x) has no pause to report
		}
		b.ReportMetric(p99*1e9, "stw-p99-ns")
		b.ReportMetric(maxPause*1e9, "stw-max-ns")
	})
}
