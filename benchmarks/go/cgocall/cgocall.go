// Package cgocall holds the cgo call-cost twin (003, CGO section) apart from the other twins, so
// that they build where cgo cannot (CGO_ENABLED=0, or no C compiler).
package cgocall

/*
static void empty(void) {}
*/
import "C"

// Enabled says this build has cgo; the !cgo file sets it false and the benchmark skips.
const Enabled = true

// CallC calls an empty C function through cgo: runtime.cgocall switches to the system stack,
// marks the M as in a syscall (entersyscall/exitsyscall) and calls the C ABI wrapper.
func CallC() { C.empty() }
