package engine

import (
	"bytes"
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
//
// The same holds for a counted build into a large filter, which stores its
// digests an epoch at a time and writes each epoch over the last (here in
// epochs of 64 digests per worker).
func TestSpillHasNoNameAndNoPlainDigests(t *testing.T) {
	t.Run("stdin", func(t *testing.T) { testSpillFiles(t, false) })
	t.Run("epochs", func(t *testing.T) {
		stored := true
		storeFirstHook = &stored
		defer func(n int) { storeFirstHook, epochPerPartition = nil, n }(epochPerPartition)
		epochPerPartition = 64
		testSpillFiles(t, true)
	})
}

func testSpillFiles(t *testing.T, counted bool) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	dump := fixture(t, "dump_leak.csv")
	path := "-"
	if counted {
		path = dump
	} else {
		stdinFrom(t, dump)
	}

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
	res := build(t, []string{path}, 2)
	if !res.Spilled || len(contents) == 0 { // one per worker that had rows (per epoch)
		t.Fatalf("spilled %v, %d spill files seen", res.Spilled, len(contents))
	}
	if counted && len(contents) < 4 {
		t.Fatalf("%d epochs spilled: the test wants several", len(contents))
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

// TestSpillRekey: an epoch written over the last uses a new keystream, so
// two epochs' bytes at the same offset never share one (their XOR would be
// the XOR of the digests).
func TestSpillRekey(t *testing.T) {
	sf, err := newSpillFile(t.TempDir(), spillRecord)
	if err != nil {
		t.Fatal(err)
	}
	defer sf.close()
	zeros := make([]byte, 4096)
	stream := func() []byte {
		off, err := sf.write(zeros)
		if err != nil || off != 0 {
			t.Fatalf("write at %d: %v", off, err)
		}
		b := make([]byte, len(zeros))
		if _, err := sf.f.ReadAt(b, 0); err != nil {
			t.Fatal(err)
		}
		back := make([]byte, len(zeros))
		if err := sf.readAt(back, 0); err != nil || !bytes.Equal(back, zeros) {
			t.Fatalf("read back %v", err)
		}
		return b
	}
	first := stream()
	sf.rekey()
	second := stream()
	if bytes.Equal(first, second) || bytes.Equal(first, zeros) {
		t.Fatal("the epoch after rekey was written with the same keystream")
	}
}
