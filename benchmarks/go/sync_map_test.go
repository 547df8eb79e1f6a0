// Twin of BM_SyncMap (claims/sync-map.toml): sync.Map vs map+Mutex, map+RWMutex, 16 shards.
package twins

import (
	"runtime"
	"sync"
	"testing"
)

// smKey scrambles 0..n-1 like the C++ key_of (splitmix64's finalizer), so no map gets a lucky
// layout; Go's maps hash with a per-map seed anyway.
func smKey(i uint64) uint64 {
	i = (i ^ (i >> 30)) * 0xBF58476D1CE4E5B9
	i = (i ^ (i >> 27)) * 0x94D049BB133111EB
	return i ^ (i >> 31)
}

type smRng struct{ s uint64 } // xorshift64*, as the C++ Rng

func newSmRng(seed uint64) smRng { return smRng{seed*0x9E3779B97F4A7C15 | 1} }
func (r *smRng) next() uint64 {
	r.s ^= r.s >> 12
	r.s ^= r.s << 25
	r.s ^= r.s >> 27
	return r.s * 0x2545F4914F6CDD1D
}

type smMap interface {
	load(k uint64) (uint64, bool)
	store(k, v uint64)
	erase(k uint64)
}

// syncmap: sync.Map as a Go programmer uses it for uint64 → uint64 (keys and values boxed in
// interfaces: Store allocates the boxes; Go 1.19's read/dirty design).
type smSync struct{ m sync.Map }

func (s *smSync) load(k uint64) (uint64, bool) {
	v, ok := s.m.Load(k)
	if !ok {
		return 0, false
	}
	return v.(uint64), true
}
func (s *smSync) store(k, v uint64) { s.m.Store(k, v) }
func (s *smSync) erase(k uint64)    { s.m.Delete(k) }

type smMutex struct {
	mu sync.Mutex
	m  map[uint64]uint64
}

func (s *smMutex) load(k uint64) (uint64, bool) {
	s.mu.Lock()
	v, ok := s.m[k]
	s.mu.Unlock()
	return v, ok
}
func (s *smMutex) store(k, v uint64) { s.mu.Lock(); s.m[k] = v; s.mu.Unlock() }
func (s *smMutex) erase(k uint64)    { s.mu.Lock(); delete(s.m, k); s.mu.Unlock() }

type smRW struct {
	mu sync.RWMutex
	m  map[uint64]uint64
}

func (s *smRW) load(k uint64) (uint64, bool) {
	s.mu.RLock()
	v, ok := s.m[k]
	s.mu.RUnlock()
	return v, ok
}
func (s *smRW) store(k, v uint64) { s.mu.Lock(); s.m[k] = v; s.mu.Unlock() }
func (s *smRW) erase(k uint64)    { s.mu.Lock(); delete(s.m, k); s.mu.Unlock() }

// sharded16: the seeds' "sane default", 16 map+Mutex shards each on its own lines, picked by the
// top bits of a multiplicative hash (as the C++ ShardedMap).
type smShard struct {
	smMutex
	_ [64 - 16]byte
}
type smSharded struct{ shards [16]smShard }

func (s *smSharded) shard(k uint64) *smMutex {
	return &s.shards[(k*0x9E3779B97F4A7C15)>>60].smMutex
}
func (s *smSharded) load(k uint64) (uint64, bool) { return s.shard(k).load(k) }
func (s *smSharded) store(k, v uint64)            { s.shard(k).store(k, v) }
func (s *smSharded) erase(k uint64)               { s.shard(k).erase(k) }

func newSmMap(kind string) smMap {
	switch kind {
	case "syncmap":
		return new(smSync)
	case "mutex":
		return &smMutex{m: map[uint64]uint64{}}
	case "shared-mutex":
		return &smRW{m: map[uint64]uint64{}}
	}
	s := new(smSharded)
	for i := range s.shards {
		s.shards[i].m = map[uint64]uint64{}
	}
	return s
}

var smSink [256]struct {
	v uint64
	_ [56]byte
}

const (
	smReadKeys     = 1024 // read-mostly: keys stored before timing; 1 store per 1000 ops
	smDisjointKeys = 256  // disjoint: keys per worker
	smChurnKeys    = 64   // churn: one shared set
	smWindow       = 64   // churn-new: live keys per worker
)

func smBase(id int) uint64 { return uint64(id) << 32 }

// One op = one map operation, as the C++ side (the workloads' op mixes are the same: read-mostly
// 999 loads + 1 store per 1000 ops; disjoint alternating store/load; churn and churn-new
// store/load/erase in thirds). Go's b.N is split between workers; each worker runs whole
// groups of its workload's ops and a final partial group.
func smRun(m smMap, workload string, id, ops int, next *uint64) {
	r := newSmRng(uint64(id) + 1)
	var acc uint64
	switch workload {
	case "read-mostly":
		for i := 1; i <= ops; i++ {
			if i%1000 == 0 {
				m.store(smKey(r.next()%smReadKeys), acc)
				continue
			}
			v, _ := m.load(smKey(r.next() % smReadKeys))
			acc += v
		}
	case "disjoint":
		b := smBase(id)
		for i := 0; i < ops; i += 2 {
			m.store(smKey(b+r.next()%smDisjointKeys), acc+1)
			v, _ := m.load(smKey(b + r.next()%smDisjointKeys))
			acc += v
		}
	case "churn":
		for i := 0; i < ops; i += 3 {
			m.store(smKey(r.next()%smChurnKeys), acc+1)
			v, _ := m.load(smKey(r.next() % smChurnKeys))
			acc += v
			m.erase(smKey(r.next() % smChurnKeys))
		}
	case "churn-new":
		b, n := smBase(id), *next
		for i := 0; i < ops; i += 3 {
			m.store(smKey(b+n), n)
			v, _ := m.load(smKey(b + n - 1 - r.next()%16))
			acc += v
			m.erase(smKey(b + n - smWindow))
			n++
		}
		*next = n
	}
	smSink[id%len(smSink)].v += acc
}

func smPrefill(m smMap, workload string, workers int) []uint64 {
	next := make([]uint64, workers)
	switch workload {
	case "read-mostly":
		for k := uint64(0); k < smReadKeys; k++ {
			m.store(smKey(k), k)
		}
	case "disjoint":
		for t := 0; t < workers; t++ {
			for i := uint64(0); i < smDisjointKeys; i++ {
				m.store(smKey(smBase(t)+i), i)
			}
		}
	case "churn":
		for k := uint64(0); k < smChurnKeys; k++ {
			m.store(smKey(k), k)
		}
	case "churn-new":
		for t := 0; t < workers; t++ {
			for i := uint64(0); i < smWindow; i++ {
				m.store(smKey(smBase(t)+i), i)
			}
			next[t] = smWindow
		}
	}
	// sync.Map: Loads of every key promote the dirty map to the read map before timing, as
	// the C++ adapter's settle() does, so read-mostly starts on the lock-free path.
	if s, ok := m.(*smSync); ok {
		for i := 0; i < 4*smReadKeys; i++ {
			s.m.Load(uint64(1) << 63)
		}
	}
	return next
}

// BenchmarkSyncMap/<workload>/<map>, -test.cpu 1 and 2 (threads sharing one map); allocs/op
// via b.ReportAllocs (the check store-allocates reads it on disjoint/syncmap at one thread).
//
// Disassembly (go tool objdump -s SyncMap, Go 1.19 amd64): each op is an interface CALL to the
// map's method (the same indirection for every map kind); sync.Map.Store's argument boxing is
// CALL runtime.convT64 (allocates for values >= 256), Load goes through the atomic load of
// m.read and a map lookup (runtime.mapaccess2 on the interface-keyed read map, hashing through
// the key's type: interhash/memhash64).
func BenchmarkSyncMap(b *testing.B) {
	for _, w := range []string{"read-mostly", "disjoint", "churn", "churn-new"} {
		kinds := []string{"syncmap", "mutex", "sharded16"}
		if w == "read-mostly" || w == "disjoint" {
			kinds = append(kinds, "shared-mutex")
		}
		for _, kind := range kinds {
			w, kind := w, kind
			b.Run(w+"/"+kind, func(b *testing.B) {
				b.ReportAllocs()
				m := newSmMap(kind)
				next := smPrefill(m, w, runtime.GOMAXPROCS(0))
				runWorkers(b, func(id, ops int) { smRun(m, w, id, ops, &next[id]) })
			})
		}
	}
}
