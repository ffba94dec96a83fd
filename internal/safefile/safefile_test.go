package safefile

import (
	"os"
	"path/filepath"
	"strings"
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
