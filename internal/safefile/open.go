package safefile

import (
	"os"
	"syscall"
)

// OpenRead opens path for reading without waiting for a writer when it is a
// named pipe (FIFO): opened the ordinary way, a FIFO nobody writes to blocks
// forever, before the caller can look at what the path is. Regular files and
// pipes that have a writer read as usual; a FIFO without one reads as empty.
func OpenRead(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// SameAs returns the first of others that is the same file as path
// (os.SameFile: through symbolic and hard links), or "" when none is or path
// does not exist yet.
func SameAs(path string, others ...string) string {
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	for _, o := range others {
		if o == "" || o == "-" {
			continue
		}
		if ost, err := os.Stat(o); err == nil && os.SameFile(st, ost) {
			return o
		}
	}
	return ""
}
