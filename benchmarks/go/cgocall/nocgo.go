//go:build !cgo

// Without cgo there is no C side to call; the benchmark skips with the reason.
package cgocall

// Enabled is false: this build has cgo disabled (CGO_ENABLED=0 or no C compiler).
const Enabled = false

// CallC does nothing without cgo; the benchmark never calls it.
func CallC() {}
