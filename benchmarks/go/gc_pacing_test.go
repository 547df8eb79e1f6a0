// Go twin of BM_GcPacing (claims/gc-pacing.toml): Go's own collector at GOGC 50, 100 and 200,
// and at 100 with a 256 MiB never-touched ballast, on the C++ proxy's workload (64-byte
// pointer-holding objects stored over random slots of a 16,384-slot live table). Where the C++
// side needs Boehm GC as a proxy, this is the real thing.
package twins

import (
	"runtime"
	"runtime/debug"
	"testing"
)

const (
	gcLiveSlots     = 1 << 14 // ~1.1 MiB live: the table plus one object per slot
	gcAllocsPerOp   = 1 << 16 // one op = one batch: 4 MiB of 64-byte objects
	gcWarmupGCs     = 4
	gcWarmupBatches = 64 // a cap, for the ballast run: at 257 MiB live it may not collect at all
	gcBallastBytes  = 256 << 20
	// Collections are counted over at least gcMinCountedGCs cycles (or gcMaxCountBatches
	// batches), whatever b.N is. With the ballast the heap goal is ~514 MiB, one cycle per
	// ~128 batches of 4 MiB, so the 20-40 batches b.N gives at 0.05 s see one cycle or none:
	// 1/39 = 0.026 per op (a ratio of ~70 to gogc:100's 1.8) when one happened to land in the
	// window, 0 (no ratio at all) when none did. Counting on, untimed, measures the rate.
	gcMinCountedGCs   = 3
	gcMaxCountBatches = 1024
)

// gcNode is 64 bytes (size class 64) and holds a pointer, so the GC scans it, as Boehm traces
// the C++ Node. The link stays nil: pointing it at another live object would chain dead
// objects to live ones and grow the live set.
type gcNode struct {
	link    *gcNode
	payload [7]uint64
}

var (
	gcTable       []*gcNode
	gcBallastSink []byte
	gcRand        uint64 = 0x9e3779b97f4a7c15
)

// gcBatch allocates one batch. go tool objdump (go1.19.8; gcBatch is inlined into gcPacing):
// per step the xorshift (SHLQ/SHRQ/XORQ), CALL runtime.newobject(type.gcNode), two payload
// stores, an AND $0x3fff for the slot and the pointer store into the table (with the
// write-barrier check): one real allocation per step; gcTable is a package variable, so
// nothing is elided.
func gcBatch() {
	x := gcRand
	table := gcTable
	for i := 0; i < gcAllocsPerOp; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		n := &gcNode{}
		n.payload[0] = x
		n.payload[6] = uint64(i)
		table[x&(gcLiveSlots-1)] = n
	}
	gcRand = x
}

// gcCPUNanos is the CPU time the runtime has charged to GC since the process started:
// go1.19 has no /cpu/classes metric (Go 1.20+), but it keeps MemStats.GCCPUFraction =
// work.totaltime / (∫GOMAXPROCS dt), updated at the end of each cycle (runtime/mgc.go,
// gcMarkTermination; totaltime is the STW phases plus assist, dedicated and fractional mark
// time, idle marking excluded). With GOMAXPROCS constant since start (as under the runner,
// which sets it in the environment), ∫GOMAXPROCS dt at the last GC is (LastGC − start) ×
// GOMAXPROCS; procEpoch (package init) stands in for the runtime's start, a few ms later,
// which shifts each reading by the same small amount and cancels in a difference.
func gcCPUNanos(ms *runtime.MemStats) float64 {
	if ms.LastGC == 0 {
		return 0
	}
	wall := float64(int64(ms.LastGC) - procEpoch.UnixNano())
	return ms.GCCPUFraction * wall * float64(runtime.GOMAXPROCS(0))
}

func gcPacing(b *testing.B, gogc int, ballast bool) {
	old := debug.SetGCPercent(gogc)
	defer debug.SetGCPercent(old)
	gcTable = make([]*gcNode, gcLiveSlots)
	for i := range gcTable {
		gcTable[i] = &gcNode{}
	}
	if ballast && gcBallastSink == nil {
		// noscan, never written: no RSS. Made once per process and kept across the testing
		// package's calls (b.N = 1, then its ramp): a second make reused the freed span and
		// zeroed 256 MiB (0.68 s here), the ballast run's largest cost. Dropped by the parent.
		gcBallastSink = make([]byte, gcBallastBytes)
	} else if !ballast {
		gcBallastSink = nil
	}
	runtime.GC()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for batches := 0; batches < gcWarmupBatches; batches++ { // the heap grows to the setting
		gcBatch()
		runtime.ReadMemStats(&ms1)
		if ms1.NumGC-ms0.NumGC >= gcWarmupGCs {
			break
		}
	}
	runtime.ReadMemStats(&ms0)
	cpu0 := procCPUNanos()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		gcBatch()
	}
	b.StopTimer()
	cpu1 := procCPUNanos()
	runtime.ReadMemStats(&ms1)
	n := float64(b.N)
	// The cycle count per batch, over a window long enough to hold a few cycles: the timed
	// batches, then more untimed ones while fewer than gcMinCountedGCs cycles were seen.
	counted := ms1
	batches := b.N
	for counted.NumGC-ms0.NumGC < gcMinCountedGCs && batches < gcMaxCountBatches {
		gcBatch()
		batches++
		runtime.ReadMemStats(&counted)
	}
	b.ReportMetric(float64(counted.NumGC-ms0.NumGC)/float64(batches), "gc_count")
	b.ReportMetric((gcCPUNanos(&ms1)-gcCPUNanos(&ms0))/n, "gc_cpu_ns")
	b.ReportMetric((cpu1-cpu0)/n, "cpu_ns")
	// The heap goal the pacer set (MemStats.NextGC): the heap size at which the next cycle is
	// due, what GOGC sizes; the C++ side reads the heap in use as each collection starts.
	b.ReportMetric(float64(ms1.NextGC), "peak_heap_bytes")
	b.ReportMetric(float64(ms1.PauseTotalNs-ms0.PauseTotalNs)/n, "gc_pause_ns")
	gcTable = nil
}

// Names as on the C++ side without its "/iterations:1/manual_time" suffix. go1.18+ floors the
// heap goal at 4 MiB × GOGC/100 (heapMinimum), which with this ~1.1 MiB live set is what sets
// the goal at every setting: 2, 4 and 8 MiB, still proportional to GOGC.
func BenchmarkGcPacing(b *testing.B) {
	b.Run("churn/gogc:50", func(b *testing.B) { gcPacing(b, 50, false) })
	b.Run("churn/gogc:100", func(b *testing.B) { gcPacing(b, 100, false) })
	b.Run("churn/gogc:200", func(b *testing.B) { gcPacing(b, 200, false) })
	b.Run("churn/gogc:100-ballast", func(b *testing.B) { gcPacing(b, 100, true) })
	gcBallastSink = nil
}
