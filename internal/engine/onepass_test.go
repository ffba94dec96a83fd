package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
	"github.com/leakcheck/leakcheck/internal/records"
)

// onePassInput is a CSV of n rows with repeated rows (every 7th repeats the
// one before), a ragged row and a row with no valid phone.
func onePassInput(n int) string {
	var b strings.Builder
	b.WriteString("phone,name,yob\n")
	for i := range n {
		j := i
		if i%7 == 6 {
			j = i - 1
		}
		switch i {
		case 100:
			b.WriteString("9876500100,Ragged,1990,extra\n")
			continue
		case 200:
			b.WriteString("not a phone,Nobody,1990\n")
			continue
		}
		fmt.Fprintf(&b, "98765%05d,Person %d,%d\n", j, j, 1950+j%50)
	}
	return b.String()
}

var onePassIndexes = []index.Index{index.Of(fields.Phone), index.Of(fields.Phone, fields.Name), index.Of(fields.Phone, fields.YOB)}

func buildOnePass(t *testing.T, paths []string, workers int) (*BuildResult, []*Input) {
	t.Helper()
	ins, err := Open(paths, MapOptions{}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { CloseAll(ins) })
	norm, _ := fields.NewNormalizer("IN")
	keys, salt := testKeys()
	res, err := Build(context.Background(), ins, BuildOptions{
		Options: Options{Workers: workers}, Indexes: onePassIndexes, Normalizer: norm, FPR: 1e-6, Keys: keys,
		TempDir: t.TempDir(),
		Header:  bloom.Header{Created: time.Unix(0, 0), Key: bloom.KeyInfo{Source: "keyfile"}, Salt: salt, KeyCheck: keys.KeyCheck()},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res, ins
}

// referenceFilter inserts the entries of onePassInput's rows one by one,
// outside the pipeline, into a filter with the header of built (whose Bloom
// parameters the test checks separately).
func referenceFilter(t *testing.T, csv string, built *bloom.Filter) *bloom.Filter {
	t.Helper()
	f, err := bloom.New(built.Header)
	if err != nil {
		t.Fatal(err)
	}
	norm, _ := fields.NewNormalizer("IN")
	keys, _ := testKeys()
	h := keys.NewHasher()
	var d [bloom.ItemSize]byte
	for _, line := range strings.Split(strings.TrimSpace(csv), "\n")[1:] {
		v := strings.Split(line, ",")
		if len(v) != 3 {
			continue
		}
		phone, err := norm.Normalize(fields.Phone, v[0])
		if err != nil {
			continue
		}
		name, _ := norm.Normalize(fields.Name, v[1])
		yob, _ := norm.Normalize(fields.YOB, v[2])
		for _, e := range []struct {
			ix   string
			vals []string
		}{{"phone", []string{phone}}, {"phone+name", []string{phone, name}}, {"phone+yob", []string{phone, yob}}} {
			h.Entry(e.ix, e.vals, &d)
			f.Add(d[:])
		}
	}
	return f
}

func filterBytes(t *testing.T, f *bloom.Filter) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := f.WriteTo(&b, bytes.Repeat([]byte{1}, 32), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestOnePassBuild: build reads a compressed input or a pipe once (its
// digests held in memory or spilled to a temporary file) and counts a plain
// CSV first, on any number of workers, and makes the same filter each way:
// sized from the rows and distinct rows the counting pass finds, with the
// bits of inserting every entry one by one.
func TestOnePassBuild(t *testing.T) {
	csv := onePassInput(5000)
	path := filepath.Join(t.TempDir(), "dump.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(csv))
	zw.Close()
	gzPath := path + ".gz"
	if err := os.WriteFile(gzPath, gz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	// The sizing the counting pass gives (plain CSV is still counted first).
	srcs, err := records.Sources(path, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := srcs[0].CountRows(records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Rows != 5000 || c.Distinct > 4500 {
		t.Fatalf("count %+v: the input should have many repeated rows", c)
	}
	wantParams, err := bloom.Plan(uint64(plannedRows(c))*uint64(len(onePassIndexes)), 1e-6)
	if err != nil {
		t.Fatal(err)
	}

	var want []byte
	for _, budget := range []int{spillMemBudget, 0} {
		for _, workers := range []int{1, 2, 3} {
			for _, how := range []string{"file", "file-stored", "gzip", "stdin"} {
				stdin := how == "stdin"
				name := fmt.Sprintf("budget=%d/workers=%d/%s", budget, workers, how)
				t.Run(name, func(t *testing.T) {
					defer func(b int) { spillMemBudget = b }(spillMemBudget)
					spillMemBudget = budget
					if how == "file-stored" {
						// Counted first, then stored and inserted range by
						// range, as a build into a large filter is.
						// Epochs of 100 digests a worker: many of them,
						// each written over the last in the spill file.
						stored := true
						storeFirstHook = &stored
						defer func(n int) { storeFirstHook, epochPerPartition = nil, n }(epochPerPartition)
						epochPerPartition = 100
					}
					paths := []string{path}
					if how == "gzip" {
						paths = []string{gzPath}
					}
					if stdin {
						r, w, err := os.Pipe()
						if err != nil {
							t.Fatal(err)
						}
						go func() { w.WriteString(csv); w.Close() }()
						defer r.Close()
						old := os.Stdin
						os.Stdin = r
						defer func() { os.Stdin = old }()
						paths = []string{"-"}
					}
					res, _ := buildOnePass(t, paths, workers)
					if res.Filter.Header.Bloom != wantParams {
						t.Fatalf("params %+v, want %+v (from the counting pass: %+v)", res.Filter.Header.Bloom, wantParams, c)
					}
					if res.Rows != c.Rows || res.DistinctRows != c.Distinct {
						t.Errorf("rows %d, distinct %d; the counting pass gave %+v", res.Rows, res.DistinctRows, c)
					}
					if res.Spilled != (budget == 0 && how != "file") {
						t.Errorf("spilled %v with a budget of %d", res.Spilled, budget)
					}
					got := filterBytes(t, res.Filter)
					ref := filterBytes(t, referenceFilter(t, csv, res.Filter))
					if !bytes.Equal(got, ref) {
						t.Fatal("the filter differs from inserting every entry one by one")
					}
					if want == nil {
						want = got
					} else if !bytes.Equal(got, want) {
						t.Fatal("the filter differs from the first build's")
					}
				})
			}
		}
	}
	left, _ := filepath.Glob(filepath.Join(os.TempDir(), ".leakcheck-spill-*"))
	if len(left) > 0 {
		t.Fatalf("spill files left behind: %v", left)
	}
}

// TestStoreFirst: a counted build keeps the shared buckets for a filter
// whose partitions each get thousands of digests a visit from them (the
// 144 MB filter of 10 M records on 4 indexes), and stores its digests for a
// filter ten times that size.
func TestStoreFirst(t *testing.T) {
	for _, c := range []struct {
		entries uint64
		want    bool
	}{
		{1_000, false},
		{40_000_000, false},  // 10 M records, 4 indexes: 275 partitions
		{100_000_000, false}, // 25 M records
		{160_000_000, true},  // 40 M records
		{400_000_000, true},  // 100 M records: 2757 partitions
	} {
		p, err := bloom.Plan(c.entries, 1e-6)
		if err != nil {
			t.Fatal(err)
		}
		if got := insertsPer(int(p.Partitions)) < storeFirstBelow; got != c.want {
			t.Errorf("%d entries (%d partitions, %d digests a bucket): store first %v, want %v", c.entries, p.Partitions, insertsPer(int(p.Partitions)), got, c.want)
		}
	}
}

// TestGzipReadOnce: a compressed input is read (and decompressed) once; the
// opening that maps its columns reads only its start.
func TestGzipReadOnce(t *testing.T) {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.NoCompression) // incompressible size: a clear byte count
	w.Write([]byte(onePassInput(100_000)))
	w.Close()
	path := filepath.Join(t.TempDir(), "dump.csv.gz")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	res, ins := buildOnePass(t, []string{path}, 2)
	if res.Sources[0].Read != 100_000 {
		t.Fatalf("read %d rows", res.Sources[0].Read)
	}
	size := int64(b.Len())
	if got := ins[0].src.RawBytesRead(); got < size || got > size+size/4 {
		t.Fatalf("read %d bytes of a %d-byte file: more than one pass", got, size)
	}
}

// rowsProgress sums the rows of the reading pass.
type rowsProgress struct{ reading, rows atomic.Int64 }

func (p *rowsProgress) Start(pass Pass, _ int64) {
	if pass == Reading {
		p.reading.Store(1)
	}
}
func (p *rowsProgress) Advance(_ int64, n int64) {
	if p.reading.Load() == 1 {
		p.rows.Add(n)
	}
}
func (p *rowsProgress) Finish() {}

// TestEpochErrorStopsBuild: a build into a large filter whose temporary
// file cannot be made fails with that error (never a filter), and stops
// reading when the first epoch fails rather than after the whole input.
func TestEpochErrorStopsBuild(t *testing.T) {
	const rows = 200_000
	path := filepath.Join(t.TempDir(), "dump.csv")
	if err := os.WriteFile(path, []byte(onePassInput(rows)), 0o600); err != nil {
		t.Fatal(err)
	}
	stored := true
	storeFirstHook = &stored
	defer func(n, b int) { storeFirstHook, epochPerPartition, spillMemBudget = nil, n, b }(epochPerPartition, spillMemBudget)
	epochPerPartition, spillMemBudget = 100, 0
	prog := &rowsProgress{}
	res, err := buildPaths(t, []string{path}, BuildOptions{
		Options: Options{Workers: 2, Progress: prog}, Indexes: onePassIndexes, FPR: 1e-6,
		TempDir: filepath.Join(t.TempDir(), "missing"),
	})
	if err == nil || res != nil || !strings.Contains(err.Error(), "spill file") {
		t.Fatalf("build with an impossible temporary directory: %v, %v", res, err)
	}
	if n := prog.rows.Load(); n >= rows/2 {
		t.Fatalf("read %d of %d rows after the first epoch failed", n, rows)
	}
}
