//go:build unix

package leader

import (
	"errors"
	"syscall"
)

// processAlive reports whether a process with pid runs on this host (one
// that is not ours to signal runs too).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
