package keyhash

import (
	"github.com/leakcheck/leakcheck/internal/safefile"

	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// KeyPrefix starts the one key line of a key file.
const KeyPrefix = "LEAKCHECK-KEY-1-"

// maxKeyFileSize bounds how much of a supposed key file is read.
const maxKeyFileSize = 64 << 10

// ErrKeyFilePermissions is wrapped by LoadKeyFile when others can read the key.
var ErrKeyFilePermissions = errors.New("key file is readable by other users")

// EncodeKeyFile returns the text of a key file: two comment lines (creation
// time and fingerprint) and the key line.
func EncodeKeyFile(k *Key, created time.Time) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# leakcheck key, created %s\n", created.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "# fingerprint: %s\n", k.Fingerprint())
	fmt.Fprintf(&b, "%s%s\n", KeyPrefix, strings.ToUpper(hex.EncodeToString(k[:])))
	return b.Bytes()
}

// keyFileText returns the text of a key file without the byte order mark
// that Windows editors (Notepad) put in front of UTF-8, and refuses UTF-16,
// which those editors also write and which no line of a key file can be
// read from.
func keyFileText(data []byte) ([]byte, error) {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return nil, errors.New("the file is UTF-16 text: save it as UTF-8 (or ANSI) and try again")
	}
	return bytes.TrimPrefix(data, []byte{0xef, 0xbb, 0xbf}), nil
}

// ParseKeyFile reads a key from the text of a key file. Errors never quote
// the file's content.
func ParseKeyFile(data []byte) (Key, error) {
	var k Key
	data, err := keyFileText(data)
	if err != nil {
		return k, err
	}
	found := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if !strings.HasPrefix(s, KeyPrefix) {
			return k, fmt.Errorf("line %d is not a leakcheck key (keys start with %s; make one with 'leakcheck keygen')", line, KeyPrefix)
		}
		if found {
			return k, fmt.Errorf("line %d: more than one key in the file", line)
		}
		raw, err := hex.DecodeString(strings.TrimPrefix(s, KeyPrefix))
		if err != nil || len(raw) != KeySize {
			return k, fmt.Errorf("line %d: malformed key (want %d hex digits after %s)", line, 2*KeySize, KeyPrefix)
		}
		copy(k[:], raw)
		clear(raw)
		found = true
	}
	if err := sc.Err(); err != nil {
		return k, err
	}
	if !found {
		return k, fmt.Errorf("no key line (keys start with %s; make one with 'leakcheck keygen')", KeyPrefix)
	}
	return k, nil
}

// LoadKeyFile reads and parses a key file. Like ssh, it refuses a file that
// group or others may read.
func LoadKeyFile(path string) (Key, error) {
	var k Key
	f, err := safefile.OpenRead(path) // a named pipe must not block
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return k, fmt.Errorf("key file %s does not exist (make one with 'leakcheck keygen -o %s'; the key itself is never given on the command line)", path, path)
		}
		return k, fmt.Errorf("opening key file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return k, fmt.Errorf("reading key file %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return k, fmt.Errorf("key file %s is not a regular file", path)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return k, fmt.Errorf("%s: %w (mode %04o); fix with: chmod 600 %s", path, ErrKeyFilePermissions, st.Mode().Perm(), path)
	}
	data := make([]byte, maxKeyFileSize+1)
	n, _ := f.Read(data)
	defer clear(data)
	if n > maxKeyFileSize {
		return k, fmt.Errorf("%s is too large to be a key file", path)
	}
	k, err = ParseKeyFile(data[:n])
	if err != nil {
		return k, fmt.Errorf("reading key file %s: %w", path, err)
	}
	return k, nil
}

// WriteKeyFile writes a new key file with mode 0600. It never overwrites: the
// key goes to a temporary file in the same directory, is synced, and is then
// hard-linked to path, which fails if path exists.
func WriteKeyFile(path string, k *Key, created time.Time) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists; leakcheck never overwrites a key (choose another name or remove it yourself)", path)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".leakcheck-key-*")
	if err != nil {
		return fmt.Errorf("creating key file in %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	data := EncodeKeyFile(k, created)
	defer clear(data)
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; leakcheck never overwrites a key", path)
		}
		return fmt.Errorf("writing key file: %w", err)
	}
	return nil
}
