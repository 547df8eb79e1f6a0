// Twin of BM_ChannelBuffering (claims/channel-buffering.toml): unbuffered vs buffered hand-off.
package twins

import (
	"fmt"
	"testing"
)

var chbSum int64 // the consumer's sum, checked after each run

// BenchmarkChannelBuffering/cores:{2,1}/cap{0,1,128}: one op = one message. The benchmark
// goroutine sends 0, 1, 2, ... and a consumer goroutine sums them (the sum is checked). The C++
// placements map to GOMAXPROCS, set here (withProcs) because the C++ side is one benchmark
// thread with its consumer as a peer: cores:2 = two Ps (on two PUs when pinned to two),
// cores:1 = one P (Go switches between producer and consumer in user space, no OS switch). The C++ wait policies
// (spin:0 / spin:1) both map to Go's one channel. pair_cs = OS context switches of the whole
// process per message (getrusage RUSAGE_SELF), the Go side of the C++ pair_cs: how often a
// hand-off really went through the kernel (goroutine switches are not OS switches).
//
// Disassembly (go tool objdump -s ChannelBuffering, Go 1.19 amd64): one CALL runtime.chansend1
// per op in the producer loop, one runtime.chanrecv2 per message in the consumer.
func BenchmarkChannelBuffering(b *testing.B) {
	for _, cores := range []int{2, 1} {
		for _, capacity := range []int{0, 1, 128} {
			cores, capacity := cores, capacity
			name := fmt.Sprintf("cores:%d/cap%d", cores, capacity)
			b.Run(name, func(b *testing.B) { withProcs(b, cores, func(b *testing.B) { chbRun(b, capacity) }) })
		}
	}
}

func chbRun(b *testing.B, capacity int) {
	ch := make(chan int64, capacity)
	done := make(chan int64)
	go func() {
		var sum int64
		for v := range ch {
			sum += v
		}
		done <- sum
	}()
	cs := osContextSwitches()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ch <- int64(i)
	}
	close(ch)
	chbSum = <-done
	b.StopTimer()
	cs = osContextSwitches() - cs
	n := int64(b.N)
	if chbSum != n*(n-1)/2 {
		b.Fatalf("consumer summed %d, want %d", chbSum, n*(n-1)/2)
	}
	b.ReportMetric(cs/float64(b.N), "pair_cs")
}
