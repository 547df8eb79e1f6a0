// GOMAXPROCS for twins whose C++ side spans more PUs than its Google Benchmark thread count.
package twins

import (
	"runtime"
	"testing"
)

// withProcs runs f with GOMAXPROCS = n and restores the caller's value. The runner sets
// GOMAXPROCS to the C++ reference's `threads`, which is 1 for a C++ benchmark whose one
// benchmark thread drives peers of its own (a channel's consumer on a second PU, a worker pool
// over every PU of the placement). Such a twin names its Ps itself (cores:N in the name, or the
// PUs the process was pinned to) so the Go side runs on as many Ps as the C++ side has threads.
func withProcs(b *testing.B, n int, f func(b *testing.B)) {
	if n < 1 {
		n = 1
	}
	old := runtime.GOMAXPROCS(n)
	defer runtime.GOMAXPROCS(old)
	f(b)
}

// pinnedPUs: the PUs this process may run on (runtime.NumCPU reads the affinity mask at start),
// the Go form of the C++ placement's PU count when the runner pins the twin to the same PUs.
func pinnedPUs() int { return runtime.NumCPU() }
