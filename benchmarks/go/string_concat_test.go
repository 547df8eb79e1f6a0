// Go twin of BM_StringConcat (claims/string-concat.toml): joining N 8-byte pieces with += in a
// loop, with a strings.Builder, and with a Builder after Grow (the seed's own code, 004 Q25).
package twins

import (
	"strconv"
	"strings"
	"testing"
)

const concatPieceBytes = 8

func concatPieces(n int) []string {
	pieces := make([]string, n)
	for i := range pieces {
		p := "k" + strconv.Itoa(i%1000000) + ","
		for len(p) < concatPieceBytes {
			p += "."
		}
		pieces[i] = p[:concatPieceBytes]
	}
	return pieces
}

// Seed 004 Q25: "Bad: grows repeatedly, allocates per +=".
func concatNaive(parts []string) string {
	var s string
	for _, p := range parts {
		s += p
	}
	return s
}

func concatBuilder(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p)
	}
	return b.String()
}

// Seed 004 Q25: "Good: one buffer, no per-iteration alloc".
func concatBuilderGrow(parts []string) string {
	totalLen := 0
	for _, p := range parts {
		totalLen += len(p)
	}
	var b strings.Builder
	b.Grow(totalLen)
	for _, p := range parts {
		b.WriteString(p)
	}
	return b.String()
}

var concatSink string

// One op = one whole concatenation of N pieces (the C++ op). go tool objdump (go1.19.8):
// concatNaive CALLs runtime.concatstring2 per piece (a rawstring of len(s)+len(p) from
// mallocgc, no zeroing, and two memmoves); concatBuilder's WriteString is inlined down to
// append's growslice call when full; concatBuilderGrow calls growslice once (Grow) and then
// only memmoves. The result goes to concatSink, so nothing is dead.
func BenchmarkStringConcat(b *testing.B) {
	for _, v := range []struct {
		name string
		join func([]string) string
	}{{"naive", concatNaive}, {"builder", concatBuilder}, {"builder-grow", concatBuilderGrow}} {
		for _, n := range []int{1000, 4000} {
			v, pieces := v, concatPieces(n)
			b.Run(v.name+"/pieces:"+strconv.Itoa(n), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					concatSink = v.join(pieces)
				}
			})
		}
	}
}
