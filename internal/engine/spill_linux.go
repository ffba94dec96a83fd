package engine

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// createUnnamed opens a file in dir that never has a name (O_TMPFILE), or,
// on a file system without it, one that is removed right after creation.
func createUnnamed(dir string) (*os.File, string, error) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err == nil {
		return os.NewFile(uintptr(fd), dir), "", nil
	}
	if !errors.Is(err, unix.EOPNOTSUPP) && !errors.Is(err, unix.EISDIR) && !errors.Is(err, unix.EINVAL) {
		return nil, "", fmt.Errorf("creating spill file in %s: %w", dir, err)
	}
	return createRemoved(dir)
}
