// Twins of BM_RunQueues, BM_WorkerPool, BM_Oversubscription (local-run-queues, worker-pool, oversubscription).
package twins

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

var schedSink [256]struct {
	v uint64
	_ [56]byte
}

// tinyWork: 8 dependent multiply-shift rounds (~10 ns), as the C++ tiny_work; the result goes
// to a per-worker sink line so it is not dead.
func tinyWork(x uint64) uint64 {
	for i := 0; i < 8; i++ {
		x = x*0x9E3779B97F4A7C15 + (x >> 29)
	}
	return x
}

const (
	rqSpawnersPerWorker = 4
	rqTasksPerWorker    = 1 << 15
	wpTasks             = 10000
)

// BenchmarkRunQueues/{steal,global}: one op = one task, tasks spawning tasks. steal: Go's own
// scheduler -- each spawner goroutine does its work, then `go leaf()` and `go spawner()` again
// (per-P run queues, runnext, stealing: the mechanism the claim is about). global: the pre-1.1
// design in user code -- N = GOMAXPROCS worker goroutines taking tasks from one slice under one
// sync.Mutex with a sync.Cond. N = cores: GOMAXPROCS is set to the PUs the process is pinned
// to (the C++ side is one benchmark thread driving a worker per core of the placement, so the
// runner's GOMAXPROCS, its `threads`, is 1). The claim needs 4; SKIPPED on 2 vCPUs.
func BenchmarkRunQueues(b *testing.B) {
	b.Run("steal", func(b *testing.B) { withProcs(b, pinnedPUs(), rqSteal) })
	b.Run("global", func(b *testing.B) { withProcs(b, pinnedPUs(), rqGlobal) })
}

// rqChainWG is one spawner chain's WaitGroup on its own cache lines. One WaitGroup for all
// chains would put three atomic RMWs per task on a single line that every P writes: on the
// lent 16-core Emerald Rapids (150-200 ns line transfers) that made steal 435 ns/task against
// global's 139 (the queue-under-a-mutex design counts completions under its lock, and the C++
// pool counts them per worker, for the same reason). Per chain, a line is shared only by the P
// running the chain and the Ps that steal its leaves.
type rqChainWG struct {
	wg sync.WaitGroup
	_  [64]byte
}

func rqSteal(b *testing.B) {
	{
		workers := runtime.GOMAXPROCS(0)
		spawners := workers * rqSpawnersPerWorker
		chains := make([]rqChainWG, spawners)
		var spawner func(wg *sync.WaitGroup, left int, x uint64)
		spawner = func(wg *sync.WaitGroup, left int, x uint64) {
			defer wg.Done()
			x = tinyWork(x + uint64(left))
			if left == 0 {
				schedSink[x%256].v++
				return
			}
			wg.Add(2)
			go func() { defer wg.Done(); schedSink[tinyWork(x)%256].v++ }()
			go spawner(wg, left-1, x)
		}
		b.ResetTimer()
		for done := 0; done < b.N; {
			left := (b.N - done) / (2 * spawners)
			if left > rqTasksPerWorker/(2*rqSpawnersPerWorker) {
				left = rqTasksPerWorker / (2 * rqSpawnersPerWorker)
			}
			for s := range chains {
				chains[s].wg.Add(1)
				go spawner(&chains[s].wg, left, uint64(s))
			}
			for s := range chains {
				chains[s].wg.Wait()
			}
			done += spawners * (2*left + 1)
		}
	}
}

func rqGlobal(b *testing.B) {
	{
		type task struct {
			left int
			x    uint64
		}
		var (
			mu      sync.Mutex
			cond    = sync.NewCond(&mu)
			queue   []task
			pending int
			stop    bool
			idle    = make(chan struct{}, 1)
		)
		push := func(t task) { // caller holds mu
			queue = append(queue, t)
			pending++
			cond.Signal()
		}
		workers := runtime.GOMAXPROCS(0)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mu.Lock()
				for {
					for len(queue) == 0 && !stop {
						cond.Wait()
					}
					if stop {
						mu.Unlock()
						return
					}
					t := queue[0]
					queue = queue[1:]
					mu.Unlock()
					x := tinyWork(t.x + uint64(t.left))
					mu.Lock()
					if t.left > 0 {
						push(task{-1, x})         // the leaf
						push(task{t.left - 1, x}) // the spawner again
					}
					if t.left == -1 {
						schedSink[x%256].v++
					}
					pending--
					if pending == 0 {
						idle <- struct{}{}
					}
				}
			}()
		}
		spawners := workers * rqSpawnersPerWorker
		b.ResetTimer()
		for done := 0; done < b.N; {
			left := (b.N - done) / (2 * spawners)
			if left > rqTasksPerWorker/(2*rqSpawnersPerWorker) {
				left = rqTasksPerWorker / (2 * rqSpawnersPerWorker)
			}
			mu.Lock()
			for s := 0; s < spawners; s++ {
				push(task{left, uint64(s)})
			}
			mu.Unlock()
			<-idle
			done += spawners * (2*left + 1)
		}
		b.StopTimer()
		mu.Lock()
		stop = true
		cond.Broadcast()
		mu.Unlock()
		wg.Wait()
	}
}

// BenchmarkWorkerPool: one iteration = one batch of 10,000 tiny tasks (the C++ side's iteration),
// and ns/op is overridden with time / (b.N × 10,000): per task, the C++ side's op (until 0.3.0 it
// was per batch: the same factor on both sides of the ratio, but 10,000 times the C++ number in a
// table). N = cores: each variant runs with GOMAXPROCS = the PUs the process is pinned to (the C++
// pool is one benchmark thread feeding a worker per core of the placement), set inside the variant
// (withProcs): the testing package sets GOMAXPROCS to the -test.cpu value (the runner's 1) before
// it times each sub-benchmark, so a value set in the parent held only for the b.N = 1 call, and
// until 0.2.0 these twins ran on one P (1000 ns per `go` there against 230-650 on two; "workers"
// reports the Ps each variant ran on). goroutine-per-task: `for i := range items { go process(i) };
// wg.Wait()`, what the per-item alternative is in Go. thread-per-task: the same with each goroutine
// locking its OS thread and exiting locked (the thread dies with it, so every task costs a thread
// create and exit, Go's closest form of the C++ std::thread per task). pool: the seed's pattern
// (002 Q17), N workers ranging over a jobs channel buffered for the batch, a WaitGroup for
// completion.
func BenchmarkWorkerPool(b *testing.B) {
	b.Run("goroutine-per-task", func(b *testing.B) { withProcs(b, pinnedPUs(), wpGoroutinePerTask) })
	b.Run("thread-per-task", func(b *testing.B) { withProcs(b, pinnedPUs(), wpThreadPerTask) })
	b.Run("pool", func(b *testing.B) { withProcs(b, pinnedPUs(), wpPool) })
}

// wpReport reports a worker-pool variant per task, and the Ps it ran on.
func wpReport(b *testing.B, clock *batchClock) {
	clock.report(b)
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "workers")
}

func wpGoroutinePerTask(b *testing.B) {
	var wg sync.WaitGroup
	clock := startBatches(wpTasks)
	for i := 0; i < b.N; i++ {
		wg.Add(wpTasks)
		for t := 0; t < wpTasks; t++ {
			go func(t int) { defer wg.Done(); schedSink[t%256].v += tinyWork(uint64(t)) & 1 }(t)
		}
		wg.Wait()
	}
	wpReport(b, clock)
}

func wpThreadPerTask(b *testing.B) {
	var wg sync.WaitGroup
	clock := startBatches(wpTasks)
	for i := 0; i < b.N; i++ {
		wg.Add(wpTasks)
		for t := 0; t < wpTasks; t++ {
			go func(t int) {
				runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
				defer wg.Done()
				schedSink[t%256].v += tinyWork(uint64(t)) & 1
			}(t)
		}
		wg.Wait()
	}
	wpReport(b, clock)
}

func wpPool(b *testing.B) {
	jobs := make(chan int, wpTasks)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		go func(w int) {
			var acc uint64
			for j := range jobs {
				acc += tinyWork(uint64(j)) & 1
				wg.Done()
			}
			schedSink[w%256].v += acc
		}(w)
	}
	b.ResetTimer()
	clock := startBatches(wpTasks)
	for i := 0; i < b.N; i++ {
		wg.Add(wpTasks)
		for t := 0; t < wpTasks; t++ {
			jobs <- t
		}
		wg.Wait()
	}
	wpReport(b, clock)
	b.StopTimer()
	close(jobs)
}

// BenchmarkOversubscription/threads_per_pu:{1,4,16}: GOMAXPROCS set to 1, 4 or 16 times the
// PUs the process is pinned to (taskset N PUs; not -test.cpu, since the runner passes the C++
// side's `threads`, 1), one CPU-bound goroutine per P (each runs
// units of a dependent xorshift chain, no memory traffic), so each PU has that many runnable Ms.
// One op = one unit of 1024 xorshift steps; units are claimed in chunks of 64 from one atomic
// counter (one RMW per 64 µs-scale units). context_switches = OS switches of the process per
// unit (getrusage RUSAGE_SELF, including the benchmark goroutine's thread, which only waits).
func BenchmarkOversubscription(b *testing.B) {
	for _, perPU := range []int{1, 4, 16} {
		perPU := perPU
		b.Run(fmt.Sprintf("threads_per_pu:%d", perPU), func(b *testing.B) {
			pus := pinnedPUs()
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
			workers := pus * perPU
			runtime.GOMAXPROCS(workers)
			var next atomic.Int64
			var wg sync.WaitGroup
			var ru0, ru1 syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
			b.ResetTimer()
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					x := 0x9e3779b97f4a7c15 + uint64(w)
					for {
						first := next.Add(64) - 64
						if first >= int64(b.N) {
							break
						}
						for u := first; u < first+64 && u < int64(b.N); u++ {
							for i := 0; i < 1024; i++ {
								x ^= x << 13
								x ^= x >> 7
								x ^= x << 17
							}
						}
					}
					schedSink[w%256].v += x
				}(w)
			}
			wg.Wait()
			b.StopTimer()
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
			cs := float64((ru1.Nvcsw + ru1.Nivcsw) - (ru0.Nvcsw + ru0.Nivcsw))
			b.ReportMetric(cs/float64(b.N), "context_switches")
		})
	}
}
