package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/records"
)

// writeColliding writes n rows of invented people (name, mobile,
// birth_year) whose phones come from a pool of pool numbers, so that rows
// share phones with each other and with another file of the same pool;
// some names and years are missing or invalid, and some phones invalid, so
// that rows form different sets of indexes or none.
func writeColliding(t testing.TB, dir, name string, seed uint64, n, pool int) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("name,mobile,birth_year\n")
	r := rand.New(rand.NewPCG(seed, 15))
	given := []string{"Anita", "Ravi", "Sita", "Arjun"}
	sur := []string{"Sharma", "Iyer", "Khan", "Das"}
	for range n {
		nm := given[r.IntN(len(given))] + " " + sur[r.IntN(len(sur))]
		if r.IntN(10) == 0 {
			nm = ""
		}
		ph := fmt.Sprintf("98%08d", r.IntN(pool))
		if r.IntN(50) == 0 {
			ph = "12"
		}
		yr := fmt.Sprint(1950 + r.IntN(8))
		switch r.IntN(12) {
		case 0:
			yr = ""
		case 1:
			yr = "19x0"
		}
		fmt.Fprintf(w, "%s,%s,%s\n", nm, ph, yr)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// checkIn checks path against f on the given workers in dir's temporary
// files.
func checkIn(t testing.TB, f *bloom.Filter, path string, workers int, dir string) (*CheckResult, error) {
	t.Helper()
	ins, err := Open([]string{path}, MapOptions{}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer CloseAll(ins)
	norm, _ := fields.NewNormalizer("IN")
	keys, _ := testKeys()
	return Check(context.Background(), ins, CheckOptions{Options: Options{Workers: workers}, Normalizer: norm, Keys: keys, Filter: f, TempDir: dir})
}

// sameCheck fails unless two checks counted the same: every count of the
// report and every row's accounting.
func sameCheck(t *testing.T, what string, got, want *CheckResult) {
	t.Helper()
	if !reflect.DeepEqual(got.Indexes, want.Indexes) || !reflect.DeepEqual(got.Pairs, want.Pairs) ||
		!reflect.DeepEqual(got.Coincidence, want.Coincidence) || got.Records != want.Records || got.Exposed != want.Exposed ||
		!reflect.DeepEqual(got.RegistryFields, want.RegistryFields) || !reflect.DeepEqual(got.RegistryKinds, want.RegistryKinds) {
		t.Errorf("%s: the epoch spill mode and the in-memory path differ:\n%+v %+v %d %d\n%+v %+v %d %d", what,
			got.Indexes, got.Pairs, got.Records, got.Exposed, want.Indexes, want.Pairs, want.Records, want.Exposed)
	}
	for i := range want.Sources {
		a, b := got.Sources[i], want.Sources[i]
		if a.Read != b.Read || a.Used != b.Used || !reflect.DeepEqual(a.Skipped, b.Skipped) || !reflect.DeepEqual(a.Invalid, b.Invalid) {
			t.Errorf("%s: accounting differs:\n%+v\n%+v", what, a, b)
		}
	}
}

// TestCheckSpillMatchesInMemory: the epoch spill mode counts exactly what
// the in-memory buckets count, over rows with shared phones, missing and
// invalid fields, on 1, 2 and 7 workers, with epochs of a few rows or all of
// them, digests kept in memory or written to the temporary files, a filter
// of many partitions and one of a single partition with many false
// positives, and the distinct counts exact or estimated.
func TestCheckSpillMatchesInMemory(t *testing.T) {
	dir := t.TempDir()
	dump := writeColliding(t, dir, "dump.csv", 1, 3000, 6000)
	reg := writeColliding(t, dir, "registry.csv", 2, 20000, 6000)
	ixs := benchIndexes()
	params, err := bloom.Plan(4_000_000, 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	wide := buildParams(t, dump, params)
	if wide.Partitions() < 8 {
		t.Fatalf("the wide filter has %d partitions", wide.Partitions())
	}
	narrow := buildWith(t, dump, ixs, 0.05, 2)
	if narrow.Partitions() != 1 {
		t.Fatalf("the narrow filter has %d partitions", narrow.Partitions())
	}
	defer func(e, m, x, f int) { checkEpochRows, checkSpillMem, maxExactMatches, forceCheckSpill = e, m, x, f }(checkEpochRows, checkSpillMem, maxExactMatches, forceCheckSpill)
	var spilled atomic.Int64 // the hook runs on the workers
	testHookSpilled = func(*os.File) { spilled.Add(1) }
	defer func() { testHookSpilled = nil }()
	for _, fc := range []struct {
		name string
		f    *bloom.Filter
	}{{"partitions", wide}, {"one partition", narrow}} {
		for _, maxExact := range []int{1 << 20, 500} {
			maxExactMatches = maxExact
			forceCheckSpill = -1
			want, err := checkIn(t, fc.f, reg, 2, dir)
			if err != nil {
				t.Fatal(err)
			}
			if want.Indexes[0].Matches < 1000 || want.Exposed == 0 {
				t.Fatalf("too few matches to compare: %+v", want.Indexes)
			}
			forceCheckSpill = 1
			for _, workers := range []int{1, 2, 7} {
				for _, epoch := range []int{97, 4096, 1 << 20} {
					for _, mem := range []int{0, 64 << 20} {
						checkEpochRows, checkSpillMem = epoch, mem
						got, err := checkIn(t, fc.f, reg, workers, dir)
						if err != nil {
							t.Fatal(err)
						}
						sameCheck(t, fmt.Sprintf("%s, exact up to %d, %d workers, epochs of %d rows, %d bytes in memory", fc.name, maxExact, workers, epoch, mem), got, want)
					}
				}
			}
		}
	}
	if spilled.Load() == 0 {
		t.Error("no check wrote a temporary file")
	}
	if left, _ := os.ReadDir(dir); len(left) != 2 { // the two CSV files
		t.Errorf("left in the temporary directory: %v", left)
	}
}

func buildParams(t testing.TB, path string, p bloom.Params) *bloom.Filter {
	t.Helper()
	res, err := buildPaths(t, []string{path}, BuildOptions{Options: Options{Workers: 2}, Indexes: benchIndexes(), Params: &p})
	if err != nil {
		t.Fatal(err)
	}
	return res.Filter
}

// TestCheckSpillHasNoNameAndNoPlainDigests: the epoch spill mode's
// temporary files have no name while the check runs, and their bytes are
// not the digests: none of their 20-byte records tests positive in the
// filter, where nearly every plain digest of this registry (the dump
// itself) would.
func TestCheckSpillHasNoNameAndNoPlainDigests(t *testing.T) {
	dir := t.TempDir()
	dump := writeColliding(t, dir, "dump.csv", 1, 5000, 90_000_000)
	f := buildWith(t, dump, benchIndexes(), 1e-6, 2)
	tmp := t.TempDir()
	defer func(e, m, f int) { checkEpochRows, checkSpillMem, forceCheckSpill = e, m, f }(checkEpochRows, checkSpillMem, forceCheckSpill)
	checkEpochRows, checkSpillMem, forceCheckSpill = 1000, 0, 1
	var mu sync.Mutex
	var contents [][]byte
	var listed []string
	testHookSpilled = func(sf *os.File) {
		mu.Lock()
		defer mu.Unlock()
		ents, _ := os.ReadDir(tmp)
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
	res, err := checkIn(t, f, dump, 2, tmp)
	if err != nil {
		t.Fatal(err)
	}
	if res.Indexes[0].Matches < 4000 || len(contents) < 4 {
		t.Fatalf("%d phone matches, %d spill files", res.Indexes[0].Matches, len(contents))
	}
	if len(listed) > 0 {
		t.Fatalf("the temporary directory shows %v while the digests are spilled", listed)
	}
	records, positive := 0, 0
	for _, b := range contents {
		if len(b)%tagRecord != 0 {
			t.Fatalf("spill file of %d bytes", len(b))
		}
		for i := 0; i < len(b); i += tagRecord {
			records++
			if f.Test(b[i : i+bloom.ItemSize]) {
				positive++
			}
		}
	}
	if records < 10000 || positive > 2 {
		t.Fatalf("%d of %d spilled records are digests in the filter", positive, records)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// TestCheckSpillErrors: a temporary file that cannot be made is an error,
// never a count; so is an interruption.
func TestCheckSpillErrors(t *testing.T) {
	dir := t.TempDir()
	reg := writeColliding(t, dir, "registry.csv", 2, 5000, 6000)
	f := buildWith(t, reg, benchIndexes(), 1e-6, 2)
	defer func(e, m, f int) { checkEpochRows, checkSpillMem, forceCheckSpill = e, m, f }(checkEpochRows, checkSpillMem, forceCheckSpill)
	checkEpochRows, checkSpillMem, forceCheckSpill = 1000, 0, 1
	res, err := checkIn(t, f, reg, 2, filepath.Join(dir, "missing"))
	if err == nil || res != nil || !strings.Contains(err.Error(), "spill file") {
		t.Fatalf("check with an impossible temporary directory: %v, %v", res, err)
	}

	ins, err := Open([]string{reg}, MapOptions{}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer CloseAll(ins)
	norm, _ := fields.NewNormalizer("IN")
	keys, _ := testKeys()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err = Check(ctx, ins, CheckOptions{Options: Options{Workers: 2}, Normalizer: norm, Keys: keys, Filter: f, TempDir: dir})
	if err == nil || res != nil {
		t.Fatalf("interrupted check: %v, %v", res, err)
	}

	// Interrupted at the end of the first epoch, before its digests are
	// read back: the check stops there with the interruption.
	ins2, err := Open([]string{reg}, MapOptions{}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer CloseAll(ins2)
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	var epochs atomic.Int64
	testHookSpilled = func(*os.File) { epochs.Add(1); cancel() }
	defer func() { testHookSpilled = nil }()
	res, err = Check(ctx, ins2, CheckOptions{Options: Options{Workers: 2}, Normalizer: norm, Keys: keys, Filter: f, TempDir: dir})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("check interrupted in an epoch: %v, %v", res, err)
	}
	if n := epochs.Load(); n == 0 || n > 2 { // at most one epoch end per worker
		t.Errorf("%d epochs ended; want the first of each worker at most", n)
	}
}

// TestCheckSpillOPRF: in the OPRF key mode, whose entries are keyed per
// identifier but tested like any other, the epoch spill mode counts what
// the in-memory path counts.
func TestCheckSpillOPRF(t *testing.T) {
	dir := t.TempDir()
	dump := writeColliding(t, dir, "dump.csv", 1, 2000, 4000)
	reg := writeColliding(t, dir, "registry.csv", 2, 6000, 4000)
	f, ids, err := buildOPRF(t, []string{dump}, benchIndexes(), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer func(e, m, f int) { checkEpochRows, checkSpillMem, forceCheckSpill = e, m, f }(checkEpochRows, checkSpillMem, forceCheckSpill)
	checkEpochRows, checkSpillMem = 500, 0
	var res [2]*CheckResult
	for i, force := range []int{-1, 1} {
		forceCheckSpill = force
		ins, err := Open([]string{reg}, MapOptions{}, records.Options{})
		if err != nil {
			t.Fatal(err)
		}
		norm, _ := fields.NewNormalizer("IN")
		keys, _ := testKeys()
		res[i], err = Check(context.Background(), ins, CheckOptions{Options: Options{Workers: 2}, Normalizer: norm, Keys: keys, Filter: f, Identifiers: ids, TempDir: dir})
		CloseAll(ins)
		if err != nil {
			t.Fatal(err)
		}
	}
	if res[0].Indexes[0].Matches < 1000 {
		t.Fatalf("too few matches to compare: %+v", res[0].Indexes)
	}
	sameCheck(t, "OPRF key mode", res[1], res[0])
}
