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
