package safefile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestNoClobberWithoutHardLinks (issue 13, item 14): on a file system
// without hard links (FAT, exFAT), a no-clobber commit still puts the file in
// place, still refuses to replace an existing one, and leaves no temporary
// file. The link failure is simulated (EPERM, what vfat returns): loop
// mounts are not available where the tests run; TestNoClobberOnFAT uses a
// real FAT image when one is mounted.
func TestNoClobberWithoutHardLinks(t *testing.T) {
	old := link
	link = func(a, b string) error { return &os.LinkError{Op: "link", Old: a, New: b, Err: syscall.EPERM} }
	defer func() { link = old }()
	noClobberOn(t, t.TempDir())
}

// TestNoClobberOnFAT runs the same on a FAT file system mounted at
// $LEAKCHECK_FAT_DIR (say, mkfs.vfat on an image mounted with -o loop).
func TestNoClobberOnFAT(t *testing.T) {
	dir := os.Getenv("LEAKCHECK_FAT_DIR")
	if dir == "" {
		t.Skip("set LEAKCHECK_FAT_DIR to a directory on a FAT file system")
	}
	d, err := os.MkdirTemp(dir, "t")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(d)
	noClobberOn(t, d)
}

func noClobberOn(t *testing.T, dir string) {
	p := filepath.Join(dir, "key.txt")
	for i, want := range []string{"", "already exists"} {
		f, err := Create(p, 0o600, true)
		if err != nil {
			if want != "" && strings.Contains(err.Error(), want) {
				continue // refused before writing
			}
			t.Fatalf("Create %d: %v", i, err)
		}
		f.WriteString("content")
		err = f.Commit()
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Fatalf("Commit %d: %v, want %q", i, err, want)
		}
	}
	if b, err := os.ReadFile(p); err != nil || string(b) != "content" {
		t.Fatalf("%s: %q %v", p, b, err)
	}
	// A file created between Create and Commit is not replaced either.
	q := filepath.Join(dir, "race.txt")
	f, err := Create(q, 0o600, true)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("ours")
	if err := os.WriteFile(q, []byte("theirs"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Commit over a file created meanwhile: %v", err)
	}
	if b, _ := os.ReadFile(q); string(b) != "theirs" {
		t.Fatalf("the other file was replaced: %q", b)
	}
	for _, n := range names(t, dir) {
		if strings.HasPrefix(n, ".leakcheck-tmp-") {
			t.Errorf("temporary file %s left behind", n)
		}
	}
}
