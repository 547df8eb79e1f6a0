// Twin of BM_ContextValue (claims/context-value-chain.toml): ctx.Value walks the WithValue chain.
package twins

import (
	"context"
	"fmt"
	"testing"
)

type cvKey int // unexported key type, as the seed's ctxKey (004 Q22)

var (
	cvSink int64
	cvZero int // always 0; a package-level var the compiler cannot fold
)

// BenchmarkContextValue/depth:{1,4,16,64}: one op = one ctx.Value lookup of the root-most key
// (key 0, so the lookup walks every valueCtx node). Each lookup's context is picked through
// the previous result (`ctxs[v & cvZero]`), so lookups run one after another, as the C++ side.
// -test.cpu 1.
//
// Disassembly (go tool objdump -s ContextValue, Go 1.19 amd64): per op an ANDQ with cvZero, an
// itab CALL to (*valueCtx).Value, which calls context.value: per node an interface compare of
// the key (type word, then runtime.efaceeq/int compare) and a type switch on the parent.
func BenchmarkContextValue(b *testing.B) {
	for _, depth := range []int{1, 4, 16, 64} {
		depth := depth
		b.Run(fmt.Sprintf("depth:%d", depth), func(b *testing.B) {
			ctx := context.Background()
			for level := 0; level < depth; level++ {
				v := int64(level)
				if level == 0 {
					v = 42
				}
				ctx = context.WithValue(ctx, cvKey(level), v)
			}
			ctxs := []context.Context{ctx}
			key := any(cvKey(0))
			if ctx.Value(key).(int64) != 42 {
				b.Fatal("the chain does not hold the root key")
			}
			var v int64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				v = ctxs[int(v)&cvZero].Value(key).(int64)
			}
			cvSink += v
		})
	}
}
