package keyhash

import (
	"github.com/leakcheck/leakcheck/internal/safefile"

	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrPrivateFilePermissions is wrapped when a signing key file or a
// passphrase file may be read by group or others.
var ErrPrivateFilePermissions = errors.New("readable by other users")

// readPrivateFile reads a small secret file (what names it in errors) that
// must be a regular file readable by its owner only. The caller clears the
// returned bytes. Errors never quote the content.
func readPrivateFile(path, what string, limit int) ([]byte, error) {
	f, err := safefile.OpenRead(path) // a named pipe must not block
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s %s does not exist", what, path)
		}
		return nil, fmt.Errorf("opening %s %s: %w", what, path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", what, path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s %s is not a regular file", what, path)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%s %s is %w (mode %04o); fix with: chmod 600 %s", what, path, ErrPrivateFilePermissions, perm, path)
	}
	// One buffer, never grown: growing would leave copies of the secret in
	// memory that nobody clears.
	buf := make([]byte, limit+1)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		clear(buf)
		return nil, fmt.Errorf("reading %s %s: %w", what, path, err)
	}
	if n > limit {
		clear(buf)
		return nil, fmt.Errorf("%s %s is too large (over %d bytes)", what, path, limit)
	}
	return buf[:n], nil
}

// writeNewPrivateFile writes data to a new file at path with mode 0600. It
// never overwrites: data goes to a temporary file in the same directory, is
// synced, and is then hard-linked to path, which fails if path exists. No
// partial file is ever visible at path.
func writeNewPrivateFile(path, what string, data []byte) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists; leakcheck never overwrites a %s (choose another name or remove it yourself)", path, what)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".leakcheck-key-*")
	if err != nil {
		return fmt.Errorf("creating %s in %s: %w", what, dir, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("creating %s: %w", what, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", what, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", what, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", what, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; leakcheck never overwrites a %s", path, what)
		}
		return fmt.Errorf("writing %s: %w", what, err)
	}
	return nil
}

// MaxPassphraseSize bounds a passphrase read from a file.
const MaxPassphraseSize = 4096

// ReadPassphraseFile reads a passphrase from a file that only its owner may
// read (for automation and tests; people type theirs at the prompt). One
// trailing newline ("\n" or "\r\n") is removed; nothing else is. The caller
// clears the returned bytes.
func ReadPassphraseFile(path string) ([]byte, error) {
	b, err := readPrivateFile(path, "passphrase file", MaxPassphraseSize)
	if err != nil {
		return nil, err
	}
	n := len(b)
	if n > 0 && b[n-1] == '\n' {
		n--
		if n > 0 && b[n-1] == '\r' {
			n--
		}
	}
	clear(b[n:])
	b = b[:n]
	if len(b) == 0 {
		return nil, fmt.Errorf("passphrase file %s is empty", path)
	}
	return b, nil
}
