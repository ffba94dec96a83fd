package engine

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/leakcheck/leakcheck/bloom"
	"github.com/leakcheck/leakcheck/internal/fields"
	"github.com/leakcheck/leakcheck/internal/index"
	"github.com/leakcheck/leakcheck/internal/records"
)

// writePeople writes n invented people (name, phone, birth year) to a CSV
// file. People from different seeds share no phone number: the seed picks
// the first digit... of a disjoint range.
func writePeople(t testing.TB, dir string, seed uint64, n int) string {
	t.Helper()
	p := filepath.Join(dir, fmt.Sprintf("people-%d-%d.csv", seed, n))
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("name,mobile,birth_year\n")
	r := rand.New(rand.NewPCG(seed, 99))
	given := []string{"Anita", "Ravi", "Sita", "Arjun", "Meera", "Kiran", "Rahul", "Priya"}
	sur := []string{"Sharma", "Iyer", "Khan", "Das", "Patel", "Nair", "Rao", "Gupta"}
	var b []byte
	for i := range n {
		b = append(b[:0], given[r.IntN(len(given))]...)
		b = append(b, ' ')
		b = append(b, sur[r.IntN(len(sur))]...)
		b = append(b, ',')
		// 6/7/8/9 + seed-dependent second digit keeps seeds apart; the
		// row number makes every phone distinct.
		b = strconv.AppendUint(b, 6+seed%4, 10)
		b = strconv.AppendUint(b, seed/4%10, 10)
		b = fmt.Appendf(b, "%08d", i)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(1940+r.IntN(60)), 10)
		b = append(b, '\n')
		w.Write(b)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

func buildWith(t testing.TB, path string, ixs []index.Index, fpr float64, workers int) *bloom.Filter {
	t.Helper()
	res, err := buildPaths(t, []string{path}, BuildOptions{Options: Options{Workers: workers}, Indexes: ixs, FPR: fpr})
	if err != nil {
		t.Fatal(err)
	}
	return res.Filter
}

// buildPaths builds the filter of paths with opts, filling in the tests'
// normalizer, keys and header, and the inputs' default indexes when opts
// names none.
func buildPaths(t testing.TB, paths []string, opts BuildOptions) (*BuildResult, error) {
	t.Helper()
	ins, err := Open(paths, MapOptions{}, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer CloseAll(ins)
	if opts.Indexes == nil {
		if opts.Indexes, err = BuildIndexes(ins, nil); err != nil {
			t.Fatal(err)
		}
	}
	keys, salt := testKeys()
	opts.Normalizer, _ = fields.NewNormalizer("IN")
	opts.Keys = keys
	opts.Header = bloom.Header{Created: time.Unix(0, 0), Key: bloom.KeyInfo{Source: "keyfile"}, Salt: salt, KeyCheck: keys.KeyCheck()}
	return Build(context.Background(), ins, opts)
}

func checkWith(t testing.TB, f *bloom.Filter, path string, workers int) *CheckResult {
	t.Helper()
	res, err := checkIn(t, f, path, workers, "")
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestPartitionedFalsePositiveRate measures the false-positive rate of a
// partitioned filter built through the engine (bucketed inserts, direct bit
// setting) at a target of 1%: by checking a registry of other people through
// the engine, and by testing random digests directly. Both must agree with
// the rate the filter states (from its fill, FORMAT.md §4), which must be
// within the target; and every dump record must match itself.
func TestPartitionedFalsePositiveRate(t *testing.T) {
	const target = 0.01
	dir := t.TempDir()
	dump := writePeople(t, dir, 1, 300_000)
	other := writePeople(t, dir, 2, 100_000)
	ixs := []index.Index{index.Of(fields.Phone), index.Of(fields.Phone, fields.Name)}
	f := buildWith(t, dump, ixs, target, 2)
	if f.Partitions() < 2 {
		t.Fatalf("want a partitioned filter, got %d partition", f.Partitions())
	}
	stated := f.FalsePositiveRate()
	if stated > target*1.1 {
		t.Fatalf("stated rate %.4g over the %g target", stated, target)
	}

	// Within 5 standard deviations of the stated rate.
	within := func(what string, hits, n int64) {
		t.Helper()
		want := stated * float64(n)
		if sd := math.Sqrt(want); math.Abs(float64(hits)-want) > 5*sd {
			t.Errorf("%s: %d false positives in %d, stated rate %.4g expects %.0f±%.0f", what, hits, n, stated, want, sd)
		}
		t.Logf("%s: measured rate %.4g (%d of %d), stated %.4g, target %g", what, float64(hits)/float64(n), hits, n, stated, target)
	}
	res := checkWith(t, f, other, 2)
	for _, ir := range res.Indexes {
		within("engine check, index "+ir.Index, ir.Matches, ir.Checked)
	}
	r := rand.New(rand.NewPCG(8, 8))
	var hits int64
	const probes = 1_000_000
	var d [bloom.ItemSize]byte
	for range probes {
		binary.LittleEndian.PutUint64(d[:], r.Uint64())
		binary.LittleEndian.PutUint64(d[8:], r.Uint64())
		if f.Test(d[:]) {
			hits++
		}
	}
	within("random digests", hits, probes)

	self := checkWith(t, f, dump, 2)
	for _, ir := range self.Indexes {
		if ir.Matches != ir.Checked || ir.Checked != 300_000 {
			t.Errorf("index %s: %d of %d dump records match themselves", ir.Index, ir.Matches, ir.Checked)
		}
	}
}

// BenchmarkBuild and BenchmarkCheck run the engine on 200 000 generated
// records with 4 indexes at 1e-6 (an 8 MB filter in 18 partitions), with
// GOMAXPROCS workers; -cpu 1,2 gives the scaling. They report records/s.
func BenchmarkBuild(b *testing.B) {
	const n = 200_000
	path := writePeople(b, b.TempDir(), 1, n)
	ixs := benchIndexes()
	b.ResetTimer()
	for b.Loop() {
		buildWith(b, path, ixs, 1e-6, 0)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkCheck(b *testing.B) {
	const n = 200_000
	dir := b.TempDir()
	path := writePeople(b, dir, 1, n)
	f := buildWith(b, path, benchIndexes(), 1e-6, 0)
	for _, reg := range []struct {
		name string
		path string
	}{{"all-match", path}, {"none-match", writePeople(b, dir, 2, n)}} {
		b.Run(reg.name, func(b *testing.B) {
			for b.Loop() {
				checkWith(b, f, reg.path, 0)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

func benchIndexes() []index.Index {
	return []index.Index{
		index.Of(fields.Phone),
		index.Of(fields.Phone, fields.Name),
		index.Of(fields.Phone, fields.YOB),
		index.Of(fields.Phone, fields.Name, fields.YOB),
	}
}
