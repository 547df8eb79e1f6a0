// Go-only claim time-after-loop (004 Q12): time.After in a hot select loop allocates a timer per
// iteration that stays live until it fires (before Go 1.23); a reused time.Timer does neither.
package twins

import (
	"testing"
	"time"
)

// retainedTimeout is the timeout each select arms. The seed's example uses 2 s; we use 100 ms so
// that at millions of iterations per second the timers still pending stay in the tens of MiB,
// while the measuring window (retentionWindow iterations, a few ms) is far shorter, so no timer
// of the window fires before the live heap is read.
const retainedTimeout = 100 * time.Millisecond

// ready always has a value, so the select takes the message case and the timeout never wins:
// the hot loop of the seed, where messages arrive faster than the timeout.
var ready = make(chan int, 1)

func BenchmarkTimeAfterLoop(b *testing.B) {
	b.Run("time-after", func(b *testing.B) {
		measureRetention(b, func() {
			ready <- 1
			select {
			case <-ready:
			case <-time.After(retainedTimeout):
			}
		})
	})
	b.Run("reused-timer", func(b *testing.B) {
		timer := time.NewTimer(retainedTimeout)
		measureRetention(b, func() {
			ready <- 1
			// The seed's fix: Stop, drain if it had fired, Reset.
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(retainedTimeout)
			select {
			case <-ready:
			case <-timer.C:
			}
		})
		timer.Stop()
	})
}
