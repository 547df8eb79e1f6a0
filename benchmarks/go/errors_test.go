// Go twin of BM_Errors (claims/exceptions-vs-errors.toml): a call three functions deep whose
// leaf fails on a negative input, the failure reported by panic + recover at the top, or by an
// error value returned and checked at every level.
package twins

import (
	"errors"
	"testing"
)

const errorsFailCode = 22

type parseError struct{ code int }

// errNegative is a sentinel: returning it copies an interface value, nothing is allocated.
var errNegative = errors.New("negative input")

// Each level is noinline, as the C++ levels are noipa, so every call and check stays.
//
// panic/recover: the leaf panics; the middle frames carry no checks. panic(parseError{22})
// boxes an 8-byte value below 256, which convT64 serves from runtime.staticuint64s (no
// allocation); the panic record itself lives on the goroutine's stack.
//
//go:noinline
func leafPanic(x int) int {
	if x < 0 {
		panic(parseError{errorsFailCode})
	}
	return x*3 + 1
}

//go:noinline
func midPanic(x int) int { return leafPanic(x) + 1 }

//go:noinline
func topPanic(x int) int { return midPanic(x) + 1 }

// callPanic is the recover boundary, the seeds' own pattern (002 Q7, 004 Q41): a deferred
// closure that calls recover. It is what a Go program must put around a call to turn a panic
// into a value, so its cost is part of every protected call, happy or not: go1.19 open-codes
// this defer (a deferBits byte set on entry, the closure called directly at the return, and
// runtime.gorecover called inside it), and a function with a defer is never inlined.
func callPanic(x int) (r int) {
	defer func() {
		if e := recover(); e != nil {
			r = -e.(parseError).code
		}
	}()
	return topPanic(x)
}

// Errors as values with a sentinel (Go's `if err != nil { return 0, err }`).
//
//go:noinline
func leafErr(x int) (int, error) {
	if x < 0 {
		return 0, errNegative
	}
	return x*3 + 1, nil
}

//go:noinline
func midErr(x int) (int, error) {
	v, err := leafErr(x)
	if err != nil {
		return 0, err
	}
	return v + 1, nil
}

//go:noinline
func topErr(x int) (int, error) {
	v, err := midErr(x)
	if err != nil {
		return 0, err
	}
	return v + 1, nil
}

// Errors as values built at the failure: errors.New allocates one *errorString (16 bytes; the
// message is a constant), the twin of the C++ side's one allocation for the message.
//
//go:noinline
func leafErrAlloc(x int) (int, error) {
	if x < 0 {
		return 0, errors.New("parse: negative input value")
	}
	return x*3 + 1, nil
}

//go:noinline
func midErrAlloc(x int) (int, error) {
	v, err := leafErrAlloc(x)
	if err != nil {
		return 0, err
	}
	return v + 1, nil
}

//go:noinline
func topErrAlloc(x int) (int, error) {
	v, err := midErrAlloc(x)
	if err != nil {
		return 0, err
	}
	return v + 1, nil
}

func callErr(x int) int {
	v, err := topErr(x)
	if err != nil {
		return -errorsFailCode
	}
	return v
}

func callErrAlloc(x int) int {
	v, err := topErrAlloc(x)
	if err != nil {
		return -errorsFailCode
	}
	return v
}

var errorsSum int

// One op = one top-level call (the C++ op), over 16 inputs (all valid, or all failing).
// go tool objdump (go1.19.8): every loop CALLs callPanic or topErr/topErrAlloc per op (callErr
// is inlined into the loop; callPanic, having a defer, is not); the error levels test the
// returned itab word (TESTQ; JNE) and return; the panic levels have no test. Nothing is
// hoisted: each input differs and the sum goes to errorsSum.
func BenchmarkErrors(b *testing.B) {
	styles := []struct {
		name string
		call func(int) int
	}{
		{"throw", callPanic},
		{"expected", callErr},
		{"expected-alloc", callErrAlloc},
	}
	for _, st := range styles {
		if st.call(5) != 5*3+3 || st.call(-5) != -errorsFailCode {
			b.Fatalf("%s: the call chain returns the wrong value or error", st.name)
		}
	}
	for _, fail := range []bool{false, true} {
		var inputs [16]int
		for i := range inputs {
			inputs[i] = i + 1
			if fail {
				inputs[i] = -(i + 1)
			}
		}
		path := "happy"
		if fail {
			path = "fail"
		}
		// The loops are written out (not through st.call) so that the call in each is direct,
		// as on the C++ side.
		b.Run("throw/"+path, func(b *testing.B) {
			b.ReportAllocs()
			sum := 0
			for i := 0; i < b.N; i++ {
				sum += callPanic(inputs[i&15])
			}
			errorsSum = sum
		})
		b.Run("expected/"+path, func(b *testing.B) {
			b.ReportAllocs()
			sum := 0
			for i := 0; i < b.N; i++ {
				sum += callErr(inputs[i&15])
			}
			errorsSum = sum
		})
		if fail {
			b.Run("expected-alloc/fail", func(b *testing.B) {
				b.ReportAllocs()
				sum := 0
				for i := 0; i < b.N; i++ {
					sum += callErrAlloc(inputs[i&15])
				}
				errorsSum = sum
			})
		}
	}
}
