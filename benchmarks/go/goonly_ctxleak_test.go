// Go-only claim context-leak (004 Q20): a WithTimeout context whose cancel is never called stays
// registered with its long-lived parent and keeps its timer until the deadline; defer cancel()
// releases both at once.
package twins

import (
	"context"
	"testing"
)

// ctxSink keeps each request's result observable so the request body is not dead code.
var ctxSink error

// serverCtx stands for a server's long-lived base context: cancelable, so every child
// registers in its children map (a Background parent has no map to register in).
var serverCtx, _ = context.WithCancel(context.Background()) //nolint // lives as long as the server

// forgotten holds the latest uncalled cancel func: the no-cancel request drops it there rather
// than discarding it with _, which go vet's lostcancel check rejects. Overwritten on every
// request, it keeps at most one context alive, not one per request.
var forgotten context.CancelFunc

// handleRequest is the seed's request: derive a timeout context, do the (instant) work.
func handleRequest() {
	ctx, cancel := context.WithTimeout(serverCtx, retainedTimeout)
	defer cancel()
	ctxSink = ctx.Err()
}

// handleRequestLeaky is the same request with the cancel forgotten.
func handleRequestLeaky() {
	ctx, cancel := context.WithTimeout(serverCtx, retainedTimeout)
	forgotten = cancel
	ctxSink = ctx.Err()
}

func BenchmarkContextLeak(b *testing.B) {
	b.Run("no-cancel", func(b *testing.B) {
		measureRetention(b, handleRequestLeaky)
	})
	b.Run("defer-cancel", func(b *testing.B) {
		measureRetention(b, handleRequest)
	})
}
