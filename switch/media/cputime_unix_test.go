//go:build unix

package media

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) the process has used, so a
// benchmark can report what a packet costs beside what it takes in wall
// time: the windowed pumps wait on the relay, and CPU is what 1000 calls
// run out of.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
