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

// forgotten holds the latest uncalled cancel func: the no-cancel request drops it there rather
// than discarding it with _, which go vet's lostcancel check rejects. Overwritten on every
// request, it keeps at most one context alive, not one per request.
var forgotten context.CancelFunc

// handleRequest is the seed's request: derive a timeout context, do the (instant) work.
func handleRequest(serverCtx context.Context) {
	ctx, cancel := context.WithTimeout(serverCtx, retainedTimeout)
	defer cancel()
	ctxSink = ctx.Err()
}

// handleRequestLeaky is the same request with the cancel forgotten.
func handleRequestLeaky(serverCtx context.Context) {
	ctx, cancel := context.WithTimeout(serverCtx, retainedTimeout)
	forgotten = cancel
	ctxSink = ctx.Err()
}

// BenchmarkContextLeak: each run has its own serverCtx, standing for a server's long-lived base
// context: cancelable, so every child registers in its children map (a Background parent has no
// map to register in). Stopping the server at the end of a run releases what that run leaked, so
// one run's leftovers (and the children map they grew) do not land in the next run's window.
func BenchmarkContextLeak(b *testing.B) {
	for _, variant := range []struct {
		name    string
		request func(context.Context)
	}{{"no-cancel", handleRequestLeaky}, {"defer-cancel", handleRequest}} {
		b.Run(variant.name, func(b *testing.B) {
			serverCtx, stopServer := context.WithCancel(context.Background())
			measureRetention(b, func() { variant.request(serverCtx) })
			b.StopTimer()
			stopServer()
		})
	}
}
