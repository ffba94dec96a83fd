//go:build unix

package fields

import "syscall"

// processCPU returns the process's CPU time (user + system) in nanoseconds,
// for benchmarks on a shared machine: unlike wall time, it does not grow
// while other processes hold the cores.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
