package engine

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/fixtures"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/keyhash"
	"github.com/leakcheck/leakcheck/internal/records"
)

func fixture(t *testing.T, name string) string {
	t.Helper()
	data, err := fs.ReadFile(fixtures.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// testKeys are the keys of the engine's tests and benchmarks: the default
// entry hash's, as build makes them.
func testKeys() (*keyhash.Keys, []byte) {
	var master keyhash.Key
	salt := make([]byte, bloom.SaltSize)
	return keyhash.DeriveFor(keyhash.DefaultEntryHash, &master, salt), salt
}

func build(t *testing.T, paths []string, workers int) *BuildResult {
	t.Helper()
	res, err := buildPaths(t, paths, BuildOptions{Options: Options{Workers: workers}, FPR: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// stdinFrom makes os.Stdin read path until the test ends.
func stdinFrom(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = f
	t.Cleanup(func() {
		os.Stdin = old
		f.Close()
	})
}

func check(t *testing.T, f *bloom.Filter, paths []string, workers int) *CheckResult {
	t.Helper()
	ins, err := Open(paths, MapOptions{}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer CloseAll(ins)
	norm, _ := fields.NewNormalizer("IN")
	keys, _ := testKeys()
	res, err := Check(context.Background(), ins, CheckOptions{Options: Options{Workers: workers}, Normalizer: norm, Keys: keys, Filter: f, WantMatches: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestAccountingAddsUp(t *testing.T) {
	res := build(t, []string{fixture(t, "registry.csv")}, 2)
	a := res.Sources[0]
	if a.Read != a.Used+a.SkippedTotal() {
		t.Fatalf("read %d != used %d + skipped %d", a.Read, a.Used, a.SkippedTotal())
	}
	if a.Read != 1000 || a.Used != 998 || a.Skipped["ragged row"] != 1 || a.Skipped[NoIndexReason] != 1 {
		t.Fatalf("accounting %+v", a)
	}
	if len(a.Examples) == 0 || a.Examples[0].Line != 136 {
		t.Fatalf("examples %+v", a.Examples)
	}
}

// TestWorkersAgree: the result does not depend on the number of workers.
func TestWorkersAgree(t *testing.T) {
	dump := fixture(t, "dump_leak.csv")
	reg := fixture(t, "registry.csv")
	var first *CheckResult
	for _, w := range []int{1, 2, 7} {
		b := build(t, []string{dump}, w)
		c := check(t, b.Filter, []string{reg}, w)
		if first == nil {
			first = c
			continue
		}
		if !reflect.DeepEqual(c.Indexes, first.Indexes) || !reflect.DeepEqual(c.Pairs, first.Pairs) || !reflect.DeepEqual(c.Coincidence, first.Coincidence) || c.Exposed != first.Exposed || !reflect.DeepEqual(c.Matches, first.Matches) {
			t.Fatalf("workers=%d differs:\n%+v\n%+v", w, c.Indexes, first.Indexes)
		}
	}
	if first.Indexes[0].Matches != 212 || len(first.Matches) != 212 {
		t.Fatalf("phone matches %d, matched records %d; want 212", first.Indexes[0].Matches, len(first.Matches))
	}
	for i := 1; i < len(first.Matches); i++ {
		if first.Matches[i].Line <= first.Matches[i-1].Line {
			t.Fatal("matches not in input order")
		}
	}
}

// TestStdinSpillMatchesFile: a filter built from standard input, whose
// digests go through a temporary file, is the one built from the file.
func TestStdinSpillMatchesFile(t *testing.T) {
	dump := fixture(t, "dump_leak.csv")
	direct := build(t, []string{dump}, 2)

	stdinFrom(t, dump)
	defer func(b int) { spillMemBudget = b }(spillMemBudget)
	spillMemBudget = 0
	spilled := build(t, []string{"-"}, 2)
	if !spilled.Spilled || direct.Spilled {
		t.Fatal("expected only the stdin build to spill")
	}
	if spilled.Filter.Header.Bloom != direct.Filter.Header.Bloom {
		t.Fatalf("params %+v, from the file %+v", spilled.Filter.Header.Bloom, direct.Filter.Header.Bloom)
	}
	for i := range direct.Filter.Header.Indexes {
		if direct.Filter.Header.Indexes[i].Entries != spilled.Filter.Header.Indexes[i].Entries {
			t.Fatalf("index %d: %d vs %d entries", i, direct.Filter.Header.Indexes[i].Entries, spilled.Filter.Header.Indexes[i].Entries)
		}
	}
	reg := fixture(t, "registry.csv")
	a := check(t, direct.Filter, []string{reg}, 2)
	b := check(t, spilled.Filter, []string{reg}, 2)
	for i := range a.Indexes {
		if a.Indexes[i].Matches != b.Indexes[i].Matches {
			t.Fatalf("%s: %d vs %d matches", a.Indexes[i].Index, a.Indexes[i].Matches, b.Indexes[i].Matches)
		}
	}
	// The spill files are gone.
	left, _ := filepath.Glob(filepath.Join(os.TempDir(), ".leakcheck-spill-*"))
	if len(left) > 0 {
		t.Fatalf("spill files left behind: %v", left)
	}
}

func TestHLL(t *testing.T) {
	digest := func(i uint64) []byte {
		s := sha256.Sum256(binary.BigEndian.AppendUint64(nil, i))
		return s[:16]
	}
	for _, tc := range []struct {
		n        uint64
		min, max uint64
	}{{200, 198, 202}, {5000, 4900, 5100}, {100000, 97000, 103000}} {
		h := newHLL()
		for i := uint64(0); i < tc.n; i++ {
			h.add(digest(i))
			h.add(digest(i)) // duplicates do not count
		}
		if e := h.estimate(); e < tc.min || e > tc.max {
			t.Errorf("estimate %d for %d distinct", e, tc.n)
		}
	}
}

// outcomes collects what an Observer sees, per worker.
type outcomes struct {
	got  *[]Outcome
	mu   *sync.Mutex
	mine []Outcome
}

func (o *outcomes) Record(x *Outcome) { o.mine = append(o.mine, *x) }
func (o *outcomes) Done() {
	o.mu.Lock()
	*o.got = append(*o.got, o.mine...)
	o.mu.Unlock()
}

// TestObserverSeesEveryRecord: an observer gets one outcome per checked
// registry record, whose bits add up to the index counts and whose exposed
// flags add up to CheckResult.Exposed — what per-group localization needs,
// without a second pass.
func TestObserverSeesEveryRecord(t *testing.T) {
	b := build(t, []string{fixture(t, "dump_leak.csv")}, 2)
	ins, err := Open([]string{fixture(t, "registry.csv")}, MapOptions{}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer CloseAll(ins)
	norm, _ := fields.NewNormalizer("IN")
	keys, _ := testKeys()
	var got []Outcome
	var mu sync.Mutex
	res, err := Check(context.Background(), ins, CheckOptions{Options: Options{Workers: 2}, Normalizer: norm, Keys: keys, Filter: b.Filter,
		Observe: func(int) Observer { return &outcomes{got: &got, mu: &mu} }})
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(got)) != res.Records || res.Records != 998 {
		t.Fatalf("%d outcomes for %d records", len(got), res.Records)
	}
	var exposed int64
	matches := make([]int64, len(res.Indexes))
	lines := map[int64]bool{}
	for _, o := range got {
		if o.Exposed {
			exposed++
		}
		if o.Matched&^o.Formed != 0 {
			t.Fatalf("line %d matched an index it did not form", o.Line)
		}
		for i := range matches {
			if o.Matched&(1<<i) != 0 {
				matches[i]++
			}
		}
		lines[o.Line] = true
	}
	if exposed != res.Exposed || exposed != 200 {
		t.Errorf("exposed outcomes %d, result %d, want 200", exposed, res.Exposed)
	}
	for i, ir := range res.Indexes {
		if matches[i] != ir.Matches {
			t.Errorf("index %s: outcomes match %d, result %d", ir.Index, matches[i], ir.Matches)
		}
	}
	if len(lines) != len(got) {
		t.Errorf("%d distinct lines in %d outcomes", len(lines), len(got))
	}
}

// TestExactDistinctIndependentOfWorkers: whether the distinct matched
// entries are counted exactly depends on the total number of matches, not
// on how the rows fell between the workers. With a limit per worker, two
// workers of ~10,000 phone matches each stayed exact where one worker of
// 20,000 did not, so one input could give different reports from run to
// run (batches of 4096 rows go to whichever worker is free).
func TestExactDistinctIndependentOfWorkers(t *testing.T) {
	const rows = 20000
	var b strings.Builder
	b.WriteString("phone,name,yob\n")
	for i := range rows {
		fmt.Fprintf(&b, "+9198%08d,Person %d,%d\n", i, i, 1950+i%50)
	}
	reg := filepath.Join(t.TempDir(), "registry.csv")
	if err := os.WriteFile(reg, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	f := build(t, []string{reg}, 1)
	defer func(n int) { maxExactMatches = n }(maxExactMatches)
	for _, limit := range []int{rows, rows - 1, 15000} {
		maxExactMatches = limit
		for _, w := range []int{1, 2, 7} {
			c := check(t, f.Filter, []string{reg}, w)
			ir := c.Indexes[0]
			if ir.Matches != rows {
				t.Fatalf("phone matches %d, want %d", ir.Matches, rows)
			}
			if want := limit >= rows; ir.DistinctExact != want {
				t.Errorf("limit %d, %d workers: exact %v, want %v", limit, w, ir.DistinctExact, want)
			}
			if ir.DistinctExact && ir.DistinctMatched != rows {
				t.Errorf("limit %d, %d workers: %d distinct, want %d", limit, w, ir.DistinctMatched, rows)
			}
		}
	}
}
