package safefile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func TestCommitReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	os.WriteFile(path, []byte("old"), 0o644)
	f, err := Create(path, 0o600, false)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new")
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Fatal("destination changed before Commit")
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if string(data) != "new" || st.Mode().Perm() != 0o600 {
		t.Fatalf("after commit: %q, mode %v", data, st.Mode().Perm())
	}
	if got := names(t, dir); len(got) != 1 {
		t.Fatalf("left behind: %v", got)
	}
	f.Abort() // harmless after Commit
}

func TestNoClobber(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	os.WriteFile(path, []byte("old"), 0o644)
	if _, err := Create(path, 0o600, true); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Create over an existing file: %v", err)
	}
	// The destination appears between Create and Commit.
	other := filepath.Join(dir, "late.txt")
	f, err := Create(other, 0o600, true)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(other, []byte("someone else's"), 0o644)
	if err := f.Commit(); err == nil {
		t.Fatal("Commit replaced a file that appeared meanwhile")
	}
	if data, _ := os.ReadFile(other); string(data) != "someone else's" {
		t.Fatal("the late file was overwritten")
	}
	if got := names(t, dir); len(got) != 2 {
		t.Fatalf("left behind: %v", got)
	}
}

func TestAbortAllRemovesTemporaries(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		f, err := Create(filepath.Join(dir, n), 0o600, false)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("partial")
	}
	AbortAll()
	if got := names(t, dir); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
}

// TestDeviceOrPipeWrittenInPlace: an existing destination that is not a regular file (here a
// named pipe; /dev/null and /dev/fd/N are the same case) is written in place, with or without
// noClobber, and stays what it was: renaming over it would replace it with a regular file (as
// root, /dev/null itself: `check -o /dev/null --force` once did).
func TestDeviceOrPipeWrittenInPlace(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	for _, noClobber := range []bool{false, true} {
		got := make(chan string)
		go func() {
			b, _ := os.ReadFile(fifo)
			got <- string(b)
		}()
		f, err := Create(fifo, 0o600, noClobber)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("report\n")
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
			t.Fatalf("noClobber %v: the pipe was replaced: %v %v", noClobber, fi.Mode(), err)
		}
		if s := <-got; s != "report\n" {
			t.Errorf("noClobber %v: the pipe's reader got %q", noClobber, s)
		}
		if n := names(t, dir); len(n) != 1 {
			t.Errorf("noClobber %v: left behind %v", noClobber, n)
		}
	}
}
