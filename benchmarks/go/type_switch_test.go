// Go twin of BM_TypeSwitch (claims/type-switch.toml): a switch over 8 concrete types stored in
// an `any`, hit on its first or its last case.
package twins

import "testing"

const typeSwitchObjects = 64

type (
	tsCase0 struct{ v int }
	tsCase1 struct{ v int }
	tsCase2 struct{ v int }
	tsCase3 struct{ v int }
	tsCase4 struct{ v int }
	tsCase5 struct{ v int }
	tsCase6 struct{ v int }
	tsCase7 struct{ v int }
)

// The handler of case K adds K*7+1, as handle<K> on the C++ side.
type tsHandler interface{ handle() int }

func (c tsCase0) handle() int { return c.v + 0*7 + 1 }
func (c tsCase1) handle() int { return c.v + 1*7 + 1 }
func (c tsCase2) handle() int { return c.v + 2*7 + 1 }
func (c tsCase3) handle() int { return c.v + 3*7 + 1 }
func (c tsCase4) handle() int { return c.v + 4*7 + 1 }
func (c tsCase5) handle() int { return c.v + 5*7 + 1 }
func (c tsCase6) handle() int { return c.v + 6*7 + 1 }
func (c tsCase7) handle() int { return c.v + 7*7 + 1 }

// typeSwitch is the Go type switch the seed describes (the seed reads it as a compare of the
// type word per case; "go-switch" on the C++ side models what go1.19 emits). go1.19 compiles it
// (go tool objdump): the
// type word's hash (the *_type's hash field at +0x10) is loaded once and binary-searched over
// the 8 cases' hashes sorted (cmd/compile/internal/walk/switch.go, typeSwitch.flush), then one
// type-word compare confirms the match: about three hash compares for any case.
//
//go:noinline
func typeSwitch(x any) int {
	switch v := x.(type) {
	case tsCase0:
		return v.v + 0*7 + 1
	case tsCase1:
		return v.v + 1*7 + 1
	case tsCase2:
		return v.v + 2*7 + 1
	case tsCase3:
		return v.v + 3*7 + 1
	case tsCase4:
		return v.v + 4*7 + 1
	case tsCase5:
		return v.v + 5*7 + 1
	case tsCase6:
		return v.v + 6*7 + 1
	case tsCase7:
		return v.v + 7*7 + 1
	}
	return -1
}

// assertChain is `if v, ok := x.(T0); ok {...} else if ...`: type assertions tried in order,
// one type-word compare each: the twin of the C++ typeid chain (a pointer compare per test).
// The C++ dynamic_cast chain is the same idiom, but each of its tests walks a class hierarchy,
// which Go types do not have.
//
//go:noinline
func assertChain(x any) int {
	if v, ok := x.(tsCase0); ok {
		return v.v + 0*7 + 1
	} else if v, ok := x.(tsCase1); ok {
		return v.v + 1*7 + 1
	} else if v, ok := x.(tsCase2); ok {
		return v.v + 2*7 + 1
	} else if v, ok := x.(tsCase3); ok {
		return v.v + 3*7 + 1
	} else if v, ok := x.(tsCase4); ok {
		return v.v + 4*7 + 1
	} else if v, ok := x.(tsCase5); ok {
		return v.v + 5*7 + 1
	} else if v, ok := x.(tsCase6); ok {
		return v.v + 6*7 + 1
	} else if v, ok := x.(tsCase7); ok {
		return v.v + 7*7 + 1
	}
	return -1
}

// methodCall is dispatch that tests no cases: an interface method call through the itab (the
// twin of std::visit's indexed jump).
//
//go:noinline
func methodCall(x tsHandler) int { return x.handle() }

func typeSwitchObjectsOf(which int) ([]any, []tsHandler) {
	objs := make([]any, typeSwitchObjects)
	hs := make([]tsHandler, typeSwitchObjects)
	for i := range objs {
		var h tsHandler
		switch which {
		case 0:
			h = tsCase0{i}
		case 7:
			h = tsCase7{i}
		}
		objs[i], hs[i] = h, h
	}
	return objs, hs
}

var typeSwitchSum int

// One op = one switch over one object (the C++ op); 64 objects all of one type, walked over
// and over. The switch functions are noinline so first and last run the same machine code,
// differing only in the objects' type (as on the C++ side); the call costs the same in both.
func BenchmarkTypeSwitch(b *testing.B) {
	for _, c := range []struct {
		name  string
		which int
	}{{"first", 0}, {"last", 7}} {
		objs, hs := typeSwitchObjectsOf(c.which)
		for i := range objs { // each form must take the arm of the case it was given
			if typeSwitch(objs[i]) != i+c.which*7+1 || assertChain(objs[i]) != i+c.which*7+1 ||
				methodCall(hs[i]) != i+c.which*7+1 {
				b.Fatalf("a switch took the wrong arm for case %d", c.which)
			}
		}
		b.Run("switch/"+c.name, func(b *testing.B) {
			sum := 0
			for i := 0; i < b.N; i++ {
				sum += typeSwitch(objs[i&(typeSwitchObjects-1)])
			}
			typeSwitchSum = sum
		})
		b.Run("assert-chain/"+c.name, func(b *testing.B) {
			sum := 0
			for i := 0; i < b.N; i++ {
				sum += assertChain(objs[i&(typeSwitchObjects-1)])
			}
			typeSwitchSum = sum
		})
		b.Run("method/"+c.name, func(b *testing.B) {
			sum := 0
			for i := 0; i < b.N; i++ {
				sum += methodCall(hs[i&(typeSwitchObjects-1)])
			}
			typeSwitchSum = sum
		})
	}
}
