//go:build unix

package cobrowse

import (
	"syscall"
	"time"
)

// processCPU is the process's user and system time so far. On a shared
// machine it says far more about a benchmark's cost than wall time does, and
// it counts the garbage collector's work on every thread.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
