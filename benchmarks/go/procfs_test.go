// Process memory and fault readings (/proc/self, getrusage) shared by the OS-level twins.
package twins

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// procPageSize is the kernel's page size (statm counts pages).
var procPageSize = os.Getpagesize()

// procRSSBytes is the resident set from /proc/self/statm (its second field, in pages), as the
// C++ side reads it; 0 when it cannot be read.
func procRSSBytes() float64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := bytes.Fields(raw)
	if len(fields) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(string(fields[1]), 10, 64)
	if err != nil {
		return 0
	}
	return float64(pages) * float64(procPageSize)
}

// procStatusBytes reads one "Key:   N kB" line of /proc/self/status (VmHWM, VmPTE) in bytes.
func procStatusBytes(key string) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(raw, []byte("\n")) {
		if bytes.HasPrefix(line, []byte(key+":")) {
			fields := bytes.Fields(line[len(key)+1:])
			if len(fields) == 0 {
				return 0
			}
			kib, err := strconv.ParseUint(string(fields[0]), 10, 64)
			if err != nil {
				return 0
			}
			return float64(kib) * 1024
		}
	}
	return 0
}

// procMinorFaults is the minor page faults of the whole process so far (getrusage
// RUSAGE_SELF): the runtime may fault pages in on any thread (zeroing, scavenging), and every
// fault in a twin's process is the twin's doing.
func procMinorFaults() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Minflt)
}

// procCPUNanos is the CPU time (user + system) of the whole process so far, every thread.
func procCPUNanos() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano() + ru.Stime.Nano())
}

// procNowNanos is a monotonic clock reading, for twins whose op is a fraction of an iteration
// (ns/op overridden with ReportMetric; testing.B.Elapsed is Go 1.20+).
func procNowNanos() int64 { return int64(time.Since(procEpoch)) }

var procEpoch = time.Now()
