package engine

import (
	"os"
	"sync"
	"testing"

	"github.com/leakcheck/leakcheck/bloom"
)

// TestSpillHasNoNameAndNoPlainDigests (issue 13, item 13): while a build
// from standard input holds its digests in spill files, the temporary
// directory shows no file (a SIGKILL cannot leave one behind), and the
// file's bytes are not the digests: none of its 17-byte records tests
// positive in the filter built from them, where every plain digest would.
func TestSpillHasNoNameAndNoPlainDigests(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	dump := fixture(t, "dump_leak.csv")
	f, err := os.Open(dump)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()

	var mu sync.Mutex // the hook runs in each spill file's goroutine
	var contents [][]byte
	var listed []string
	testHookSpilled = func(sf *os.File) {
		mu.Lock()
		defer mu.Unlock()
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Error(err)
		}
		for _, e := range ents {
			listed = append(listed, e.Name())
		}
		st, err := sf.Stat()
		if err != nil {
			t.Error(err)
			return
		}
		b := make([]byte, st.Size())
		if _, err := sf.ReadAt(b, 0); err != nil {
			t.Error(err)
		}
		contents = append(contents, b)
	}
	defer func() { testHookSpilled = nil }()
	defer func(b int) { spillMemBudget = b }(spillMemBudget)
	spillMemBudget = 0 // every digest goes to the files
	res := build(t, []string{"-"}, 2)
	if !res.Spilled || len(contents) == 0 { // one per worker that had rows
		t.Fatalf("spilled %v, %d spill files seen", res.Spilled, len(contents))
	}
	if len(listed) > 0 {
		t.Fatalf("the temporary directory shows %v while the digests are spilled", listed)
	}
	records, positive := 0, 0
	for _, b := range contents {
		if len(b)%spillRecord != 0 {
			t.Fatalf("spill file of %d bytes", len(b))
		}
		for i := 0; i < len(b); i += spillRecord {
			records++
			if res.Filter.Test(b[i : i+bloom.ItemSize]) {
				positive++
			}
		}
	}
	if records < 1000 || positive > 2 {
		t.Fatalf("%d of %d spilled records are digests in the filter", positive, records)
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}
