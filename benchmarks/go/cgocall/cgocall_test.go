// Go-only claim cgo-call-cost (003, CGO section): an empty C function called through cgo
// against an empty Go function called normally (not inlined), per call.
package cgocall

import "testing"

// emptyGo is the Go call of the same empty function; noinline keeps the CALL (checked with
// `go tool objdump`: the loop is CALL emptyGo; INCQ; CMPQ; JG).
//
//go:noinline
func emptyGo() {}

func BenchmarkCgoCall(b *testing.B) {
	b.Run("cgo", func(b *testing.B) {
		if !Enabled {
			b.Skip("cgo is disabled in this build (CGO_ENABLED=0, or no C compiler)")
		}
		for i := 0; i < b.N; i++ {
			CallC()
		}
	})
	b.Run("go", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			emptyGo()
		}
	})
}
