package engine

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
	"io"
	"os"
)

// spillFile is a temporary file of digests that nobody else can read back:
// it has no name while the run lasts (created unnamed with O_TMPFILE where
// the system has it, otherwise removed right after it is created, so a
// SIGKILL leaves nothing behind), and its bytes are encrypted with
// AES-256-CTR under a random key that exists only in this process's memory,
// so that the blocks a file system frees, a swap of the disk or a copy taken
// through /proc while the run lasts hold no digest in the clear: row count,
// each row's indexes and its repeats stay unreadable (docs/threat-model.md).
type spillFile struct {
	f *os.File
	// name is the file's name where it could not be removed while open
	// (Windows), "" otherwise.
	name string
	key  [32]byte
	iv   [aes.BlockSize]byte
	w    *bufio.Writer
}

// spillPattern names the file in the directory for the moment it has a name
// (only where O_TMPFILE is missing).
const spillPattern = ".leakcheck-spill-*"

func newSpillFile(dir string) (*spillFile, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	f, name, err := createUnnamed(dir)
	if err != nil {
		return nil, err
	}
	s := &spillFile{f: f, name: name}
	rand.Read(s.key[:])
	rand.Read(s.iv[:])
	s.w = bufio.NewWriterSize(cipher.StreamWriter{S: s.stream(), W: f}, 1<<20)
	return s, nil
}

func (s *spillFile) stream() cipher.Stream {
	b, err := aes.NewCipher(s.key[:])
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	return cipher.NewCTR(b, s.iv[:])
}

// Write encrypts p into the file.
func (s *spillFile) Write(p []byte) (int, error) { return s.w.Write(p) }

// Flush writes what is buffered.
func (s *spillFile) Flush() error { return s.w.Flush() }

// Reader reads the file back from its start, decrypted.
func (s *spillFile) Reader() (io.Reader, error) {
	if err := s.w.Flush(); err != nil {
		return nil, fmt.Errorf("writing spill file: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("reading spill file: %w", err)
	}
	return bufio.NewReaderSize(cipher.StreamReader{S: s.stream(), R: s.f}, 1<<20), nil
}

// Close closes the file (which frees it: it has no name) and forgets the key.
func (s *spillFile) Close() error {
	clear(s.key[:])
	err := s.f.Close()
	if s.name != "" {
		os.Remove(s.name)
	}
	return err
}

// createRemoved creates a file in dir and removes its name at once, keeping
// it open. Where a system refuses to remove an open file (Windows), the name
// stays until Close, which returns it.
func createRemoved(dir string) (f *os.File, name string, err error) {
	f, err = os.CreateTemp(dir, spillPattern)
	if err != nil {
		return nil, "", fmt.Errorf("creating spill file in %s: %w", dir, err)
	}
	if os.Remove(f.Name()) != nil {
		name = f.Name()
	}
	return f, name, nil
}
